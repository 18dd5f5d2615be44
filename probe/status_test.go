package probe

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
)

func TestStatusPage(t *testing.T) {
	s := newScheduler(t, Options{Interval: 10 * time.Second, Timeout: time.Second})
	ok := Target{Address: "app.bgw.invalid:8080", Module: ModuleHTTP, Group: "app", Proxy: "nginx", Where: "nginx.conf:12", Params: []string{"weight=2"}}
	bad := Target{Address: "unix:/run/php.sock", Module: ModuleTCP, Proxy: "nginx", Where: "nginx.conf:20"}
	pending := Target{Address: "127.0.0.1:9", Module: ModuleTCP, Upstream: "be/s1", Group: "be", Proxy: "haproxy"}
	s.SetTargets([]Target{ok, bad, pending})
	s.mu.Lock()
	s.entries[ok.Key()].results = []Result{{Upstream: "127.0.0.1:8080", Success: true, StatusCode: 204, Start: time.Unix(1e9, 0)}}
	s.entries[bad.Key()].results = []Result{{Upstream: "unix:/run/php.sock", Cause: cause.SocketNotFound, Err: "dial unix /run/php.sock:\nno such file <b>", Start: time.Unix(1e9, 0)}}
	s.mu.Unlock()
	s.SetDiscovery(Discovery{
		Unprobeable: []Unprobeable{{Where: "nginx.conf:30", What: "proxy_pass http://$backend", Reason: "built from variables ($backend)"}},
		Errors:      []string{"haproxy.cfg: no such file"},
		Updated:     time.Unix(1e9, 0),
	})

	get := func(url string) string {
		rec := httptest.NewRecorder()
		s.StatusHandler().ServeHTTP(rec, httptest.NewRequest("GET", url, nil))
		b, _ := io.ReadAll(rec.Body)
		return string(b)
	}
	text := get("/probes?format=text")
	for _, want := range []string{
		"# 3 upstreams, 1 failing; every 10s, timeout 1s",
		"# discovery error: haproxy.cfg: no such file",
		"be/s1  ", "pending",
		"127.0.0.1:8080      app    nginx    http    ok       HTTP 204",
		"socket_not_found: dial unix /run/php.sock: no such file <b>",
		"app.bgw.invalid:8080 (nginx.conf:12) weight=2",
		"2001-09-09T01:46:40Z",
		"nginx.conf:30  proxy_pass http://$backend  built from variables ($backend)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text status lacks %q:\n%s", want, text)
		}
	}
	html := get("/probes?target=http://evil.invalid/")
	for _, want := range []string{"<title>Upstream probes</title>", "no such file &lt;b&gt;", `class="FAIL"`, "built from variables ($backend)"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML status lacks %q", want)
		}
	}
	if len(s.entries) != 3 || strings.Contains(html, "evil") {
		t.Error("the request changed the targets")
	}
}

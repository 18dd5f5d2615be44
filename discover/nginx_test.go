package discover

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
	"github.com/badgateway/badgateway_exporter/nginxconf"
	"github.com/badgateway/badgateway_exporter/probe"
)

// render prints targets one a line, with the fields discovery sets.
func render(ts []probe.Target, dir string) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%s %s", t.Module, t.Address)
		if t.Upstream != "" {
			fmt.Fprintf(&b, " upstream=%s", t.Upstream)
		}
		fmt.Fprintf(&b, " group=%q proxy=%s", t.Group, t.Proxy)
		if t.Module == probe.ModuleHTTP {
			fmt.Fprintf(&b, " http=%s%s%s", t.HTTP.Method, t.HTTP.Host, t.HTTP.Path)
			if fmt.Sprint(t.HTTP.Expect) != "[{200 499}]" {
				fmt.Fprintf(&b, "%v", t.HTTP.Expect)
			}
		}
		if t.TLS != nil {
			fmt.Fprintf(&b, " tls=%+v", *t.TLS)
		}
		if len(t.Params) > 0 {
			fmt.Fprintf(&b, " params=%q", t.Params)
		}
		fmt.Fprintf(&b, " at %s\n", t.Where)
	}
	return trimDir(b.String(), dir)
}

func trimDir(s, dir string) string {
	if dir == "" {
		return s
	}
	return strings.ReplaceAll(s, dir+"/", "")
}

func renderUnprobeable(us []Unprobeable, dir string) string {
	var b strings.Builder
	for _, u := range us {
		fmt.Fprintf(&b, "%s: %s: %s\n", u.Where, u.What, u.Reason)
	}
	return trimDir(b.String(), dir)
}

const wantNginxTargets = `http 127.0.0.1:9001 group="" proxy=nginx http=direct.example/ at sites/default.conf:16
http 127.0.0.1:9443 group="" proxy=nginx http=127.0.0.1:9443/ tls={ServerName: VerifyName:127.0.0.1 InsecureSkipVerify:true CAFile:} at sites/default.conf:18
http 127.0.0.1:9002 group="" proxy=nginx http=127.0.0.1:9002/ at sites/default.conf:19
tcp unix:/run/php/php-fpm.sock group="" proxy=nginx at sites/default.conf:25
tcp 127.0.0.1:9004 group="" proxy=nginx at sites/default.conf:27
tcp unix:/run/scgi.sock group="" proxy=nginx at sites/default.conf:28
tls 127.0.0.1:9005 group="" proxy=nginx tls={ServerName: VerifyName:127.0.0.1 InsecureSkipVerify:true CAFile:} at sites/default.conf:29
http unix:/run/app.sock group="" proxy=nginx http=localhost/ at sites/default.conf:30
http [::1]:9006 group="" proxy=nginx http=[::1]:9006/ at sites/default.conf:31
tcp 127.0.0.1:11211 group="" proxy=nginx at sites/default.conf:33
http 127.0.0.1:8001 group="app" proxy=nginx http=app/ params=["weight=3" "max_fails=2" "fail_timeout=10s"] at conf.d/upstreams.conf:2
http 127.0.0.1:8002 group="app" proxy=nginx http=app/ params=["backup"] at conf.d/upstreams.conf:3
http unix:/run/app/app.sock group="app" proxy=nginx http=app/ at conf.d/upstreams.conf:5
http [::1]:8004 group="app" proxy=nginx http=app/ at conf.d/upstreams.conf:6
http 127.0.0.4:80 group="app" proxy=nginx http=app/ at conf.d/upstreams.conf:7
http 127.0.0.1:8443 group="secure" proxy=nginx http=secure/ tls={ServerName:secure.internal VerifyName:secure.internal InsecureSkipVerify:false CAFile:ca.pem} at conf.d/upstreams.conf:11
tcp 127.0.0.1:8005 group="unused" proxy=nginx params=["max_conns=10"] at conf.d/upstreams.conf:15
`

const wantNginxUnprobeable = `sites/default.conf:22: proxy_pass http://$backend: built from variables ($backend): nginx resolves it for each request
conf.d/upstreams.conf:4: server 127.0.0.1:8003 down: marked down: nginx sends it no traffic
`

func TestNginxFixture(t *testing.T) {
	dir, err := filepath.Abs("testdata/nginx")
	if err != nil {
		t.Fatal(err)
	}
	ts, us, err := NginxFile(filepath.Join(dir, "nginx.conf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := render(ts, dir); got != wantNginxTargets {
		t.Errorf("targets:\n%s\nwant:\n%s", got, wantNginxTargets)
	}
	if got := renderUnprobeable(us, dir); got != wantNginxUnprobeable {
		t.Errorf("unprobeable:\n%s\nwant:\n%s", got, wantNginxUnprobeable)
	}
}

// TestNginxDumpMatchesFiles checks discovery from the real `nginx -T` of
// the fixture against discovery from its files.
func TestNginxDumpMatchesFiles(t *testing.T) {
	bin := nginxtest.RequireBinary(t)
	conf, err := filepath.Abs("testdata/nginx/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	args := append(nginxtest.PrefixArgs(t), "-c", conf)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, bin, append([]string{"-t"}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t rejects the fixture: %v\n%s", err, out)
	}
	fromDump, usDump, err := NginxBinary(ctx, bin, args, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fromFiles, usFiles, err := NginxFile(conf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(conf)
	if a, b := render(fromDump, dir), render(fromFiles, dir); a != b || a != wantNginxTargets {
		t.Errorf("nginx -T:\n%s\nfiles:\n%s", a, b)
	}
	if a, b := renderUnprobeable(usDump, dir), renderUnprobeable(usFiles, dir); a != b {
		t.Errorf("unprobeable: nginx -T:\n%s\nfiles:\n%s", a, b)
	}
	none := filepath.Join(t.TempDir(), "none.conf")
	if _, _, err := NginxBinary(ctx, bin, append(nginxtest.PrefixArgs(t), "-c", none), Options{}); err == nil {
		t.Error("no error from a failing nginx -T")
	}
}

func TestNginxCases(t *testing.T) {
	for _, tc := range []struct {
		name, conf, want, unprobeable string
	}{{
		name: "stream",
		conf: `stream {
  upstream dbs { server 127.0.0.1:5432; server 127.0.0.2:5432 backup; server 127.0.0.3; }
  server { listen 5432; proxy_pass dbs; }
  server { listen 6379; proxy_pass 127.0.0.1:6379; proxy_ssl on; }
  server { listen 7000; proxy_pass $up; }
}`,
		want: `tls 127.0.0.1:6379 group="" proxy=nginx tls={ServerName: VerifyName:127.0.0.1 InsecureSkipVerify:true CAFile:} at t.conf:4
tcp 127.0.0.1:5432 group="dbs" proxy=nginx at t.conf:2
tcp 127.0.0.2:5432 group="dbs" proxy=nginx params=["backup"] at t.conf:2
`,
		unprobeable: `t.conf:5: proxy_pass $up: built from variables ($up): nginx resolves it for each request
t.conf:2: server 127.0.0.3: no port in "127.0.0.3"
`,
	}, {
		name: "names, inheritance and odd passes",
		conf: `http {
  proxy_set_header Host outer.example;
  upstream Backend { server app.bgw.invalid:8080; server 127.0.0.1:1 service=http resolve; }
  server {
    location / { proxy_set_header X-A b; proxy_pass http://backend; }
    location /n { proxy_pass http://app.bgw.invalid; }
    location /h { proxy_pass http://app.bgw.invalid:81$uri; }
    location /x { proxy_pass ftp://a; }
    location /y { proxy_pass http://a$host; }
    location /f { fastcgi_pass 127.0.0.1; }
    location /g { grpc_pass 127.0.0.1:50051; }
    location /s { uwsgi_pass suwsgi://127.0.0.1:3031; uwsgi_ssl_verify on; }
  }
}`,
		want: `http app.bgw.invalid:80 group="" proxy=nginx http=outer.example/ at t.conf:6
http app.bgw.invalid:81 group="" proxy=nginx http=outer.example/ at t.conf:7
tcp 127.0.0.1:50051 group="" proxy=nginx at t.conf:11
tls 127.0.0.1:3031 group="" proxy=nginx tls={ServerName: VerifyName:127.0.0.1 InsecureSkipVerify:false CAFile:} at t.conf:12
http app.bgw.invalid:8080 group="Backend" proxy=nginx http=backend/ at t.conf:3
`,
		unprobeable: `t.conf:8: proxy_pass ftp://a: unknown scheme "ftp"
t.conf:9: proxy_pass http://a$host: built from variables ($host): nginx resolves it for each request
t.conf:10: fastcgi_pass 127.0.0.1: no port in "127.0.0.1"
t.conf:3: server 127.0.0.1:1 service=http resolve: service=: the addresses come from DNS SRV records at run time
`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parseNginx(tc.conf, "t.conf")
			if err != nil {
				t.Fatal(err)
			}
			ts, us := Nginx(cfg, Options{})
			if got := render(ts, ""); got != tc.want {
				t.Errorf("targets:\n%s\nwant:\n%s", got, tc.want)
			}
			if got := renderUnprobeable(us, ""); got != tc.unprobeable {
				t.Errorf("unprobeable:\n%s\nwant:\n%s", got, tc.unprobeable)
			}
		})
	}
}

func TestNginxHTTPOptions(t *testing.T) {
	cfg, err := parseNginx("http { server { location / { proxy_pass http://127.0.0.1:1; } } }", "o.conf")
	if err != nil {
		t.Fatal(err)
	}
	ts, unprobeable := Nginx(cfg, Options{HTTPPath: "/healthz", HTTPExpect: []probe.StatusRange{{Lo: 204, Hi: 204}}})
	if len(unprobeable) != 0 {
		t.Errorf("unprobeable: %+v", unprobeable)
	}
	if len(ts) != 1 || ts[0].HTTP.Path != "/healthz" || ts[0].HTTP.Expect[0].Lo != 204 {
		t.Errorf("targets %+v", ts)
	}
}

// parseNginx parses conf as the one file name, the way `nginx -T` shows it.
func parseNginx(conf, name string) (*nginxconf.Config, error) {
	return nginxconf.ParseDump([]byte("# configuration file " + name + ":\n" + conf + "\n"))
}

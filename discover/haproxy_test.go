package discover

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

const wantHAProxyTargets = `http 127.0.0.1:8001 upstream=app/a1 group="app" proxy=haproxy http=GETapp.example/health[{200 299} {404 404}] params=["weight" "10"] at haproxy.cfg:26
http 127.0.0.1:8002 upstream=app/a2 group="app" proxy=haproxy http=GETapp.example/health[{200 299} {404 404}] params=["backup"] at haproxy.cfg:27
http 127.0.0.1:9004 upstream=app/a4 group="app" proxy=haproxy http=GETapp.example/health[{200 299} {404 404}] params=["port" "9004" "inter" "5s"] at haproxy.cfg:29
http unix:/run/app.sock upstream=app/sock group="app" proxy=haproxy http=GETapp.example/health[{200 299} {404 404}] at haproxy.cfg:30
tcp unix:/run/app2.sock upstream=app/sock2 group="app" proxy=haproxy params=["no-check"] at haproxy.cfg:31
tls 127.0.0.1:8443 upstream=tls/t1 group="tls" proxy=haproxy tls={ServerName: VerifyName: InsecureSkipVerify:true CAFile:} params=["ssl" "verify" "none"] at haproxy.cfg:34
tls 127.0.0.1:8444 upstream=tls/t2 group="tls" proxy=haproxy tls={ServerName:tls.example VerifyName:tls.example InsecureSkipVerify:false CAFile:ca.pem} params=["ssl" "ca-file" "ca.pem" "check-sni" "tls.example" "verifyhost" "tls.example"] at haproxy.cfg:35
tcp 127.0.0.1:9445 upstream=tls/t3 group="tls" proxy=haproxy params=["ssl" "verify" "none" "port" "9445"] at haproxy.cfg:36
tls 127.0.0.1:9446 upstream=tls/t4 group="tls" proxy=haproxy tls={ServerName: VerifyName: InsecureSkipVerify:true CAFile:} params=["ssl" "verify" "none" "port" "9446" "check-ssl"] at haproxy.cfg:37
tls 127.0.0.1:8447 upstream=tls/t5 group="tls" proxy=haproxy tls={ServerName:five.example VerifyName:five.example InsecureSkipVerify:true CAFile:} params=["no-check" "ssl" "verify" "none" "sni" "str(five.example)"] at haproxy.cfg:38
http 127.0.0.1:8010 upstream=legacy/l1 group="legacy" proxy=haproxy http=GETlegacy.example/ping[] params=["check"] at haproxy.cfg:43
http 127.0.0.1:8011 upstream=legacy/l3 group="legacy" proxy=haproxy http=GETlegacy.example/ping[] params=["check" "port" "8011"] at haproxy.cfg:45
tcp [::1]:8012 upstream=legacy/l4 group="legacy" proxy=haproxy params=["source" "127.0.0.1" "usesrc" "clientip"] at haproxy.cfg:46
http 127.0.0.1:8020 upstream=legacy/web1 group="legacy" proxy=haproxy http=GETlegacy.example/ping[] params=["check"] at haproxy.cfg:47
http 127.0.0.1:8020 upstream=legacy/web2 group="legacy" proxy=haproxy http=GETlegacy.example/ping[] params=["check"] at haproxy.cfg:47
http 127.0.0.1:8020 upstream=legacy/web3 group="legacy" proxy=haproxy http=GETlegacy.example/ping[] params=["check"] at haproxy.cfg:47
tcp app.bgw.invalid:8040 upstream=names/n1 group="names" proxy=haproxy params=["check"] at haproxy.cfg:55
`

const wantHAProxyUnprobeable = `haproxy.cfg:28: server a3 127.0.0.1:8003 disabled: disabled: in maintenance from the configuration
haproxy.cfg:44: server l2 127.0.0.1: no usable port (""): HAProxy connects to the client's port; give ` + "`port`" + ` for checks
haproxy.cfg:51: server o1 127.0.0.1:8030 check: backend off is disabled
`

func haproxyFixture(t *testing.T) string {
	dir, err := filepath.Abs("testdata/haproxy")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestHAProxyFixture(t *testing.T) {
	dir := haproxyFixture(t)
	ts, us, err := HAProxy(filepath.Join(dir, "haproxy.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	if got := render(ts, dir); got != wantHAProxyTargets {
		t.Errorf("targets:\n%s\nwant:\n%s", got, wantHAProxyTargets)
	}
	if got := renderUnprobeable(us, dir); got != wantHAProxyUnprobeable {
		t.Errorf("unprobeable:\n%s\nwant:\n%s", got, wantHAProxyUnprobeable)
	}
	if ts[6].TLS.CAFile != filepath.Join(dir, "ca.pem") {
		t.Errorf("ca-file = %q, want it relative to the configuration", ts[6].TLS.CAFile)
	}
	// A directory is read as HAProxy's -f DIR does: every *.cfg.
	ts, _, err = HAProxy(filepath.Join(dir, "conf.d"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "tcp 127.0.0.5:8050 upstream=extra/e1 group=\"extra\" proxy=haproxy params=[\"check\"] at conf.d/extra.cfg:3\n"; render(ts, dir) != want {
		t.Errorf("directory: %s", render(ts, dir))
	}
	if _, _, err := HAProxy(filepath.Join(dir, "absent.cfg")); err == nil {
		t.Error("no error for a missing file")
	}
}

func TestHAWords(t *testing.T) {
	for line, want := range map[string][]string{
		"  server a 1.2.3.4:80 check  # comment":      {"server", "a", "1.2.3.4:80", "check"},
		`option httpchk GET / HTTP/1.1\r\nHost:\ www`: {"option", "httpchk", "GET", "/", "HTTP/1.1\r\nHost: www"},
		`a 'b c' "d\"e" f\#g "h"'i' \x41`:             {"a", "b c", `d"e`, "f#g", "hi", "A"},
		"":                                            nil,
	} {
		got, _, err := haWords(line)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("haWords(%q) = %q, %v; want %q", line, got, err, want)
		}
	}
	if _, env, _ := haWords(`server a "${HOST}:80"`); !env {
		t.Error("environment variable not seen")
	}
	if _, _, err := haWords(`a "b`); err == nil {
		t.Error("no error for an open quote")
	}
}

func TestHAProxyCases(t *testing.T) {
	cfg := `global
    ssl-server-verify none
    ca-base /etc/ssl/ha
defaults base
    default-server check ssl ca-file x.pem
backend b1 from base
    option httpchk /h
    option tcp-check
    server s1 127.0.0.1:1 verify required
    server s2 "${ADDR}:80"
    server s3 127.0.0.1:+1 no-check
    server s4 127.0.0.1:1000-1010 no-check
    server s5 fd@3
    server s6 abns@app no-check no-ssl
    server-template w 2 app.bgw.invalid:80
backend b2
    .if defined(X)
    server t1 [::1]:81 check addr 127.0.0.2
    .endif
`
	path := filepath.Join(t.TempDir(), "h.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	ts, us, err := HAProxy(path)
	if err != nil {
		t.Fatal(err)
	}
	wantT := `tls 127.0.0.1:1 upstream=b1/s1 group="b1" proxy=haproxy tls={ServerName: VerifyName: InsecureSkipVerify:false CAFile:/etc/ssl/ha/x.pem} params=["verify" "required"] at h.cfg:9
tcp unix:@app upstream=b1/s6 group="b1" proxy=haproxy params=["no-check" "no-ssl"] at h.cfg:14
tcp 127.0.0.2:81 upstream=b2/t1 group="b2" proxy=haproxy params=["check" "addr" "127.0.0.2"] at h.cfg:18
`
	wantU := `h.cfg:10: server s2 ${ADDR}:80: uses an environment variable, which only HAProxy's environment knows
h.cfg:11: server s3 127.0.0.1:+1 no-check: no usable port ("+1"): HAProxy connects to the client's port; give ` + "`port`" + ` for checks
h.cfg:12: server s4 127.0.0.1:1000-1010 no-check: no usable port ("1000-1010"): HAProxy connects to the client's port; give ` + "`port`" + ` for checks
h.cfg:13: server s5 fd@3: address family fd@ cannot be probed
h.cfg:15: server-template w 2 app.bgw.invalid:80: server-template with a name: the servers come from DNS at run time
`
	dir := filepath.Dir(path)
	if got := render(ts, dir); got != wantT {
		t.Errorf("targets:\n%s\nwant:\n%s", got, wantT)
	}
	if got := renderUnprobeable(us, dir); got != wantU {
		t.Errorf("unprobeable:\n%s\nwant:\n%s", got, wantU)
	}
}

package discover

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const wantApacheTargets = `http 127.0.0.1:9001 group="" proxy=apache http=127.0.0.1:9001/ at sites/app.conf:4
http backend.test:9443 group="" proxy=apache http=backend.test:9443/ tls={ServerName:backend.test VerifyName:backend.test InsecureSkipVerify:true CAFile:} at sites/app.conf:5
tcp 127.0.0.1:9000 group="" proxy=apache at sites/app.conf:6
http unix:/run/app/app.sock group="" proxy=apache http=localhost/ at sites/app.conf:7
http 127.0.0.1:9003 group="" proxy=apache http=127.0.0.1:9003/ at sites/app.conf:12
http 127.0.0.1:9004 group="" proxy=apache http=127.0.0.1:9004/ at sites/app.conf:14
http plain.test:80 group="" proxy=apache http=plain.test/ at sites/other.conf:2
http 127.0.0.1:9101 group="balancer://app" proxy=apache http=127.0.0.1:9101/ params=["loadfactor=2"] at httpd.conf:7
http [::1]:9103 group="balancer://app" proxy=apache http=[::1]:9103/ params=["status=+H"] at httpd.conf:9
tcp 127.0.0.1:9201 group="balancer://fcgipool" proxy=apache at httpd.conf:12
`

const wantApacheUnprobeable = `sites/app.conf:11: ProxyPassMatch "^/u/([a-z]+)/(.*)$" "http://$1.internal:8080/$2": the host comes from a regex capture or a variable: Apache builds it for each request
httpd.conf:8: BalancerMember http://127.0.0.1:9102 status=+D: status=+D: Apache sends the member no traffic
httpd.conf:13: BalancerMember fcgi://127.0.0.1:9202 status=+S: status=+S: Apache sends the member no traffic
`

func TestApacheFixture(t *testing.T) {
	dir, err := filepath.Abs("testdata/apache")
	if err != nil {
		t.Fatal(err)
	}
	ts, us, err := ApacheFile(filepath.Join(dir, "httpd.conf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := render(ts, dir); got != wantApacheTargets {
		t.Errorf("targets:\n%s\nwant:\n%s", got, wantApacheTargets)
	}
	if got := renderUnprobeable(us, dir); got != wantApacheUnprobeable {
		t.Errorf("unprobeable:\n%s\nwant:\n%s", got, wantApacheUnprobeable)
	}
}

// writeApache writes files (name → content) into a temp dir and returns it.
func writeApache(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeFilesIn(t, dir, files)
	return dir
}

// writeFilesIn writes files (name → content) under dir.
func writeFilesIn(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestApacheCases(t *testing.T) {
	for _, tc := range []struct {
		name, conf, targets, unprobeable string
	}{
		{"schemes", "ProxyPass /a h2://h2.test/\nProxyPass /b wss://127.0.0.1/\nProxyPass /c ajp://127.0.0.1/\nProxyPass /d ws://127.0.0.1:81/\nProxyPass /e gopher://x/\n",
			`tls h2.test:443 group="" proxy=apache tls={ServerName:h2.test VerifyName:h2.test InsecureSkipVerify:true CAFile:} at httpd.conf:1
http 127.0.0.1:443 group="" proxy=apache http=127.0.0.1/ tls={ServerName: VerifyName:127.0.0.1 InsecureSkipVerify:true CAFile:} at httpd.conf:2
tcp 127.0.0.1:8009 group="" proxy=apache at httpd.conf:3
http 127.0.0.1:81 group="" proxy=apache http=127.0.0.1:81/ at httpd.conf:4
`, "httpd.conf:5: ProxyPass /e gopher://x/: unknown scheme in \"gopher://x/\"\n"},
		{"verify require in the virtual host", "SSLProxyVerify none\n<VirtualHost *:80>\nSSLProxyVerify require\nSSLProxyCACertificateFile /etc/ca.pem\nProxyPass / https://b.test/\n</VirtualHost>\nProxyPass /x https://c.test/\n",
			`http b.test:443 group="" proxy=apache http=b.test/ tls={ServerName:b.test VerifyName:b.test InsecureSkipVerify:false CAFile:/etc/ca.pem} at httpd.conf:5
http c.test:443 group="" proxy=apache http=c.test/ tls={ServerName:c.test VerifyName:c.test InsecureSkipVerify:true CAFile:} at httpd.conf:7
`, ""},
		{"balancer without members, member outside", "ProxyPass / balancer://none/\nBalancerMember balancer://Out http://127.0.0.1:7001 status=-D\nBalancerMember http://127.0.0.1:7002\nProxyPass /o balancer://out\n",
			`http 127.0.0.1:7001 group="balancer://out" proxy=apache http=127.0.0.1:7001/ params=["status=-D"] at httpd.conf:2
`, `httpd.conf:3: BalancerMember http://127.0.0.1:7002: BalancerMember outside <Proxy balancer://...> and without a balancer:// URL
httpd.conf:1: ProxyPass / balancer://none/: balancer://none has no BalancerMember
`},
		{"variables and bad unix", "ProxyPass / http://${BACKEND}/\nProxyPass /u unix:/run/x.sock\nProxyPass /v http://[::1/\n",
			"", `httpd.conf:1: ProxyPass / http://${BACKEND}/: the host uses ${BACKEND}, which no Define (nor -D) sets
httpd.conf:2: ProxyPass /u unix:/run/x.sock: a unix: URL needs a socket path and |scheme://...
httpd.conf:3: ProxyPass /v http://[::1/: cannot parse the address "[::1"
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeApache(t, map[string]string{"httpd.conf": tc.conf})
			ts, us, err := ApacheFile(filepath.Join(dir, "httpd.conf"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := render(ts, dir); got != tc.targets {
				t.Errorf("targets:\n%s\nwant:\n%s", got, tc.targets)
			}
			if got := renderUnprobeable(us, dir); got != tc.unprobeable {
				t.Errorf("unprobeable:\n%s\nwant:\n%s", got, tc.unprobeable)
			}
		})
	}
}

// TestApacheMalformed checks that a broken file is an error naming the
// file and line, never a partial result.
func TestApacheMalformed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string // after the temp dir
	}{
		{"unclosed section", map[string]string{"httpd.conf": "Include sites/a.conf\n", "sites/a.conf": "\n<VirtualHost *:80>\nProxyPass / http://a/\n"}, "sites/a.conf:3: <virtualhost *:80> is not closed"},
		{"wrong close", map[string]string{"httpd.conf": "<Proxy balancer://x>\n</Location>\n"}, "httpd.conf:2: </location> closes <proxy>"},
		{"close without open", map[string]string{"httpd.conf": "# c\n</Proxy>\n"}, "httpd.conf:2: </proxy> without a section to close"},
		{"unclosed quote", map[string]string{"httpd.conf": "ProxyPass / \"http://a/\n"}, "httpd.conf:1: unclosed quote"},
		{"section without >", map[string]string{"httpd.conf": "<Proxy balancer://x\n"}, "httpd.conf:1: section start without a closing '>'"},
		{"missing include", map[string]string{"httpd.conf": "\\\n\nInclude nope/*.conf\n"}, "httpd.conf:3: include \"nope/*.conf\": no such file"},
		{"include a device", map[string]string{"httpd.conf": "Include /dev/null\n"}, "httpd.conf:1: include \"/dev/null\": /dev/null is not a regular file"},
		{"include loop", map[string]string{"httpd.conf": "Include httpd.conf\n"}, "includes nested deeper than 16"},
		{"section left open by an include", map[string]string{"httpd.conf": "<VirtualHost *:80>\nInclude a.conf\n</VirtualHost>\n", "a.conf": "</VirtualHost>\n"}, "a.conf:1: </virtualhost> without a section to close"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeApache(t, tc.files)
			_, _, err := ApacheFile(filepath.Join(dir, "httpd.conf"), Options{})
			if err == nil {
				t.Fatal("no error")
			}
			if got := strings.TrimPrefix(err.Error(), dir+"/"); !strings.Contains(got, tc.want) {
				t.Errorf("error %q\nwant it to contain %q", got, tc.want)
			}
		})
	}
}

func TestApacheTooManyFiles(t *testing.T) {
	files := map[string]string{"httpd.conf": "Include d/*.conf\nInclude d/*.conf\n"}
	for i := range apacheMaxFiles/2 + 1 {
		files[fmt.Sprintf("d/%04d.conf", i)] = "\n"
	}
	dir := writeApache(t, files)
	if _, _, err := ApacheFile(filepath.Join(dir, "httpd.conf"), Options{}); err == nil || !strings.Contains(err.Error(), "more than 1000 configuration files") {
		t.Fatalf("error %v, want more than 1000 configuration files", err)
	}
}

func FuzzApacheReader(f *testing.F) {
	for _, s := range []string{"", "<Proxy balancer://a>\nBalancerMember http://b:1 status=+D\n</Proxy>\nProxyPass / balancer://a/\n",
		"Include httpd.conf\n", "IncludeOptional *\n", "ProxyPass \"/x\" 'unix:/s|fcgi://h/' \\\n k=v\n", "<A\n</B>\n", "ProxyPassMatch ^(.*)$ http://$1:$2/\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, conf string) {
		dir := t.TempDir()
		path := filepath.Join(dir, "httpd.conf")
		if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
		ts, us, err := ApacheFile(path, Options{})
		if err != nil && (len(ts) > 0 || len(us) > 0) {
			t.Fatal("targets with an error")
		}
		for _, tg := range ts {
			if tg.Address == "" || tg.Proxy != "apache" || tg.Where == "" {
				t.Fatalf("bad target %+v", tg)
			}
		}
	})
}

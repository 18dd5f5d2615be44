package discover

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/apachetest"
	"github.com/badgateway/badgateway_exporter/internal/loopback"
)

const wantDefinesTargets = `http 127.0.0.1:9401 group="" proxy=apache http=127.0.0.1:9401/ at httpd.conf:7
http 127.0.0.1:9402 group="" proxy=apache http=127.0.0.1:9402/ at httpd.conf:11
%shttp 127.0.0.1:9501 group="" proxy=apache http=127.0.0.1:9501/ at sites/rewrite.conf:2
http 127.0.0.1:9502 group="" proxy=apache http=127.0.0.1:9502/ at sites/rewrite.conf:3
http secure.test:443 group="" proxy=apache http=secure.test/ tls={ServerName:secure.test VerifyName:secure.test InsecureSkipVerify:true CAFile:} at sites/rewrite.conf:4
http 127.0.0.1:9401 group="balancer://app" proxy=apache http=127.0.0.1:9401/ at httpd.conf:20
http 127.0.0.1:9405 group="balancer://app" proxy=apache http=127.0.0.1:9405/ at httpd.conf:21
`

// What reading the file alone finds when PROD is not known to be defined:
// both branches of <IfDefine>.
const wantDefinesBothBranches = `http 127.0.0.1:9403 group="" proxy=apache http=127.0.0.1:9403/ at httpd.conf:14
http 127.0.0.1:9404 group="" proxy=apache http=127.0.0.1:9404/ at httpd.conf:16
`

const wantDefinesUnprobeable = `httpd.conf:9: ProxyPass /nodef http://${NOT_DEFINED}/: the host uses ${NOT_DEFINED}, which no Define (nor -D) sets
sites/rewrite.conf:8: RewriteRule ^/u/([a-z]+)/(.*)$ http://$1.internal:8080/$2 [P]: the host comes from a regex capture or a variable: Apache builds it for each request
sites/rewrite.conf:10: RewriteRule ^/h/(.*)$ http://%{HTTP_HOST}:8080/$1 [P]: the host comes from a regex capture or a variable: Apache builds it for each request
sites/rewrite.conf:11: RewriteRule ^/self/(.*)$ /other/$1 [P]: RewriteRule [P] to "/other/$1", not an absolute URL: Apache builds the backend from the request
sites/rewrite.conf:12: RewriteRule ^/bal/(.*)$ balancer://${POOL}/$1 [P]: balancer://${pool} has no BalancerMember
`

// TestApacheDefinesAndRewrite: ${NAME} takes the value of the Define
// before it (UnDefine ends it), <IfDefine> is decided when the defines
// are known (-S) and read both ways otherwise, and RewriteRules with the
// P flag are backends: literal hosts probed, built ones unprobeable.
func TestApacheDefinesAndRewrite(t *testing.T) {
	dir, err := filepath.Abs("testdata/apache_defines")
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "httpd.conf")
	// As apachectl -S reports a run with -D PROD.
	ds, err := readApacheFiles([]string{conf}, dir, map[string]string{"PROD": ""}, true)
	if err != nil {
		t.Fatal(err)
	}
	ts, us := apache(ds, Options{})
	if got, want := render(ts, dir), strings.Replace(wantDefinesTargets, "%s", "", 1); got != want {
		t.Errorf("targets with -D PROD:\n%s\nwant:\n%s", got, want)
	}
	if got := renderUnprobeable(us, dir); got != wantDefinesUnprobeable {
		t.Errorf("unprobeable:\n%s\nwant:\n%s", got, wantDefinesUnprobeable)
	}
	ts, _, err = ApacheFile(conf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := render(ts, dir), strings.Replace(wantDefinesTargets, "%s", wantDefinesBothBranches, 1); got != want {
		t.Errorf("targets from the file alone:\n%s\nwant:\n%s", got, want)
	}
}

// Hostile configurations: defines that double each other end in an error,
// not in gigabytes; a false <IfDefine> left open is an error.
func TestApacheDefinesHostile(t *testing.T) {
	var b strings.Builder
	b.WriteString("Define A0 " + strings.Repeat("x", 1000) + "\n")
	for i := 1; i < 40; i++ {
		b.WriteString("Define A" + strconv.Itoa(i) + " ${A" + strconv.Itoa(i-1) + "}${A" + strconv.Itoa(i-1) + "}\n")
	}
	for name, tc := range map[string]struct{ conf, want string }{
		"doubling":       {b.String(), "expansion makes the configuration longer"},
		"open ifdefine":  {"<IfDefine NOPE>\n<Location />\n</Location>\n", "<ifdefine> is not closed"},
		"self reference": {"Define A ${A}${A}\nProxyPass / http://${A}/\n", ""},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "httpd.conf")
			if err := os.WriteFile(path, []byte(tc.conf), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := readApacheFiles([]string{path}, dir, map[string]string{}, true)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("error %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestParseApacheRun reads `apache2 -S` output as Apache 2.4.71 writes it.
func TestParseApacheRun(t *testing.T) {
	out := `VirtualHost configuration:
127.0.0.1:18080        v.test (/etc/apache2/sites-enabled/v.conf:17)
*:80                   is a NameVirtualHost
         default server a.test (/etc/apache2/sites-enabled/000-default.conf:1)
         port 80 namevhost a.test (/etc/apache2/sites-enabled/000-default.conf:1)
         port 80 namevhost b.test (/etc/apache2/sites-enabled/b copy.conf:3)
ServerRoot: "/etc/apache2"
Main DocumentRoot: "/var/www/html"
Mutex default: dir="/var/run/apache2/" mechanism=default 
PidFile: "/tmp/apx/s/httpd.pid"
Define: PROD
Define: DUMP_VHOSTS
Define: DUMP_RUN_CFG
Define: BACKEND=127.0.0.1:9001
Define: EMPTYDEF
User: name="#-1" id=4294967295
`
	r := parseApacheRun(out)
	if r.serverRoot != "/etc/apache2" {
		t.Errorf("ServerRoot %q", r.serverRoot)
	}
	if got := strings.Join(r.files, "|"); got != "/etc/apache2/sites-enabled/v.conf|/etc/apache2/sites-enabled/000-default.conf|/etc/apache2/sites-enabled/b copy.conf" {
		t.Errorf("files %s", got)
	}
	if len(r.defines) != 3 || r.defines["BACKEND"] != "127.0.0.1:9001" || r.defines["PROD"] != "" || r.defines["EMPTYDEF"] != "" {
		t.Errorf("defines %v", r.defines)
	}
	if r := parseApacheRun("\x00garbage (x:1)\nDefine: \n"); len(r.files) != 0 || len(r.defines) != 0 {
		t.Errorf("garbage: %+v", r)
	}
}

// TestApacheDefinesMatchRealApache runs real Apache on the fixture with
// -D PROD: the ProxyPass and RewriteRule lines it holds (DUMP_CONFIG:
// ${NAME} expanded, the false <IfDefine> left out) are those the reader
// finds with the defines `-S` reports, and discovery from the binary
// finds the -D PROD targets.
func TestApacheDefinesMatchRealApache(t *testing.T) {
	bin := apachetest.Binary(t)
	src, err := os.ReadFile("testdata/apache_defines/sites/rewrite.conf")
	if err != nil {
		t.Fatal(err)
	}
	main, err := os.ReadFile("testdata/apache_defines/httpd.conf")
	if err != nil {
		t.Fatal(err)
	}
	dir := writeApache(t, nil)
	modules := "LoadModule info_module " + apachetest.ModulesDir + "/mod_info.so\nLoadModule rewrite_module " + apachetest.ModulesDir + "/mod_rewrite.so\n"
	head := apachetest.BaseConfig(dir, loopback.FreeTCPAddr(t)) + modules
	writeFilesIn(t, dir, map[string]string{"httpd.conf": head + string(main), "sites/rewrite.conf": string(src)})
	conf := filepath.Join(dir, "httpd.conf")
	args := []string{"-f", conf, "-D", "PROD"}

	out, err := exec.Command(bin, append(args, "-t", "-D", "DUMP_CONFIG")...).CombinedOutput()
	if err != nil {
		t.Fatalf("apache2 rejects the fixture: %v\n%s", err, out)
	}
	var apacheLines []string
	for _, l := range strings.Split(string(out), "\n") {
		words, err := apacheWords(strings.TrimSpace(l))
		if err == nil && len(words) > 0 && (strings.EqualFold(words[0], "proxypass") || strings.EqualFold(words[0], "rewriterule")) {
			apacheLines = append(apacheLines, strings.Join(words, " "))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run, err := apacheRunConfig(ctx, bin, args)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := run.defines["PROD"]; !ok || run.defines["BACKEND"] != "127.0.0.1:9401" {
		t.Errorf("apache2 -S defines: %v", run.defines)
	}
	ds, err := readApacheFiles([]string{conf}, run.rootFor(conf), run.defines, true)
	if err != nil {
		t.Fatal(err)
	}
	var readerLines []string
	for _, d := range ds {
		if d.name == "proxypass" || d.name == "rewriterule" {
			readerLines = append(readerLines, strings.Join(append([]string{d.text[:len(d.name)]}, d.args...), " "))
		}
	}
	if len(apacheLines) < 14 || !slices.Equal(apacheLines, readerLines) {
		t.Errorf("apache has:\n%s\nthe reader has:\n%s", strings.Join(apacheLines, "\n"), strings.Join(readerLines, "\n"))
	}

	ts, us, err := ApacheBinary(ctx, bin, args, Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := strings.Count(head, "\n")
	if got, want := render(ts, dir), shiftLines(strings.Replace(wantDefinesTargets, "%s", "", 1), "httpd.conf:", base); got != want {
		t.Errorf("targets from the binary:\n%s\nwant:\n%s", got, want)
	}
	if got, want := renderUnprobeable(us, dir), shiftLines(wantDefinesUnprobeable, "httpd.conf:", base); got != want {
		t.Errorf("unprobeable from the binary:\n%s\nwant:\n%s", got, want)
	}
}

// TestApacheBinarySFallback: a binary whose DUMP_INCLUDES names no main
// file (here a script standing in for an apachectl without it) is read
// from the virtual hosts' files -S lists, with its defines and ServerRoot.
func TestApacheBinarySFallback(t *testing.T) {
	dir := writeApache(t, map[string]string{
		"sites/a.conf": "<VirtualHost *:80>\nProxyPass / http://${BACKEND}/\n<IfDefine !PROD>\nProxyPass /dev http://127.0.0.1:9603/\n</IfDefine>\nInclude extra.conf\n</VirtualHost>\n",
		"extra.conf":   "ProxyPass /x http://127.0.0.1:9602/\n",
	})
	script := filepath.Join(dir, "apachectl")
	body := "#!/bin/sh\ncase \"$*\" in\n*DUMP_INCLUDES*) echo 'Syntax OK'; exit 0;;\n*-S*) printf 'VirtualHost configuration:\\n*:80 a.test (%s/sites/a.conf:1)\\nServerRoot: \"%s\"\\nDefine: PROD\\nDefine: BACKEND=127.0.0.1:9601\\n' " + dir + " " + dir + ";;\n*) exit 1;;\nesac\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	ts, _, err := ApacheBinary(context.Background(), script, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := `http 127.0.0.1:9601 group="" proxy=apache http=127.0.0.1:9601/ at sites/a.conf:2
http 127.0.0.1:9602 group="" proxy=apache http=127.0.0.1:9602/ at extra.conf:1
`
	if got := render(ts, dir); got != want {
		t.Errorf("targets:\n%s\nwant:\n%s", got, want)
	}
	// Neither works: both errors.
	if _, _, err := ApacheBinary(context.Background(), "/bin/false", nil, Options{}); err == nil || !strings.Contains(err.Error(), "DUMP_INCLUDES") || !strings.Contains(err.Error(), "-S") {
		t.Errorf("error %v, want both commands named", err)
	}
}

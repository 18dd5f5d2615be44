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

// apacheFixtureCopy copies testdata/apache into a temp dir, with
// apachetest.BaseConfig (and mod_info, for DUMP_CONFIG) in front of
// httpd.conf, so that real Apache can read it. It returns the dir.
func apacheFixtureCopy(t *testing.T) string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir("testdata/apache", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		files[strings.TrimPrefix(p, "testdata/apache/")] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := writeApache(t, nil)
	info := "LoadModule info_module " + apachetest.ModulesDir + "/mod_info.so\n"
	files["httpd.conf"] = apachetest.BaseConfig(dir, loopback.FreeTCPAddr(t)) + info + files["httpd.conf"]
	writeFilesIn(t, dir, files)
	return dir
}

// apacheDump runs `apache2 -t -f CONF -D flag` and returns its output.
func apacheDump(t *testing.T, bin, conf, flag string) string {
	t.Helper()
	out, err := exec.Command(bin, "-t", "-f", conf, "-D", flag).CombinedOutput()
	if err != nil {
		t.Fatalf("apache2 -t -D %s rejects the fixture: %v\n%s", flag, err, out)
	}
	return string(out)
}

// TestApacheFixtureMatchesRealApache has real Apache read the fixture: it
// must accept it, include exactly the files the reader reads (DUMP_INCLUDES),
// and hold exactly the ProxyPass, ProxyPassMatch and BalancerMember lines,
// with the same arguments, that the reader found (DUMP_CONFIG). Discovery
// from those lines is the fixture test's want, offset by the base config.
func TestApacheFixtureMatchesRealApache(t *testing.T) {
	bin := apachetest.Binary(t)
	dir := apacheFixtureCopy(t)
	conf := filepath.Join(dir, "httpd.conf")
	ds, err := readApache(conf)
	if err != nil {
		t.Fatal(err)
	}

	var apacheFiles []string
	for _, l := range strings.Split(apacheDump(t, bin, conf, "DUMP_INCLUDES"), "\n") {
		if _, file, ok := strings.Cut(l, ") "); ok && strings.HasPrefix(file, dir) {
			apacheFiles = append(apacheFiles, file)
		}
	}
	var readerFiles []string
	for _, d := range ds {
		if !slices.Contains(readerFiles, d.file) {
			readerFiles = append(readerFiles, d.file)
		}
	}
	slices.Sort(apacheFiles)
	slices.Sort(readerFiles)
	if !slices.Equal(apacheFiles, readerFiles) {
		t.Errorf("apache includes %q\nthe reader read %q", apacheFiles, readerFiles)
	}

	var apacheLines, readerLines []string
	file := ""
	for _, l := range strings.Split(apacheDump(t, bin, conf, "DUMP_CONFIG"), "\n") {
		l = strings.TrimSpace(l)
		if f, ok := strings.CutPrefix(l, "# In file: "); ok {
			file = f
			continue
		}
		words, err := apacheWords(l)
		if err != nil || len(words) == 0 || !isProxyDirective(strings.ToLower(words[0])) {
			continue
		}
		apacheLines = append(apacheLines, file+": "+strings.Join(words, " "))
	}
	for _, d := range ds {
		if isProxyDirective(d.name) {
			readerLines = append(readerLines, d.file+": "+strings.Join(append([]string{d.text[:len(d.name)]}, d.args...), " "))
		}
	}
	if len(apacheLines) < 14 || !slices.Equal(apacheLines, readerLines) {
		t.Errorf("apache has:\n%s\nthe reader has:\n%s", strings.Join(apacheLines, "\n"), strings.Join(readerLines, "\n"))
	}

	ts, us, err := ApacheFile(conf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := strings.Count(apachetest.BaseConfig(dir, ""), "\n") + 1
	if got, want := render(ts, dir), shiftLines(wantApacheTargets, "httpd.conf:", base); got != want {
		t.Errorf("targets:\n%s\nwant:\n%s", got, want)
	}
	if got, want := renderUnprobeable(us, dir), shiftLines(wantApacheUnprobeable, "httpd.conf:", base); got != want {
		t.Errorf("unprobeable:\n%s\nwant:\n%s", got, want)
	}
}

func isProxyDirective(name string) bool {
	return name == "proxypass" || name == "proxypassmatch" || name == "balancermember"
}

// shiftLines adds n to every line number after prefix in s.
func shiftLines(s, prefix string, n int) string {
	var b strings.Builder
	for {
		i := strings.Index(s, prefix)
		if i < 0 {
			return b.String() + s
		}
		b.WriteString(s[:i+len(prefix)])
		s = s[i+len(prefix):]
		j := 0
		line := 0
		for ; j < len(s) && s[j] >= '0' && s[j] <= '9'; j++ {
			line = line*10 + int(s[j]-'0')
		}
		b.WriteString(strconv.Itoa(line + n))
		s = s[j:]
	}
}

// TestApacheBinaryMatchesFile: `apache2 -f CONF -t -D DUMP_INCLUDES` names
// CONF, and discovery from the binary is discovery from the file.
func TestApacheBinaryMatchesFile(t *testing.T) {
	bin := apachetest.Binary(t)
	dir := apacheFixtureCopy(t)
	conf := filepath.Join(dir, "httpd.conf")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ts, us, err := ApacheBinary(ctx, bin, []string{"-f", conf}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantTs, wantUs, err := ApacheFile(conf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := render(ts, dir), render(wantTs, dir); got != want || len(ts) == 0 {
		t.Errorf("from the binary:\n%s\nfrom the file:\n%s", got, want)
	}
	if got, want := renderUnprobeable(us, dir), renderUnprobeable(wantUs, dir); got != want {
		t.Errorf("unprobeable from the binary:\n%s\nfrom the file:\n%s", got, want)
	}
	broken := filepath.Join(dir, "broken.conf")
	if err := os.WriteFile(broken, []byte("<VirtualHost *:80>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ApacheBinary(ctx, bin, []string{"-f", broken}, Options{}); err == nil || !strings.Contains(err.Error(), "DUMP_INCLUDES") {
		t.Errorf("a config apache rejects: %v", err)
	}
}

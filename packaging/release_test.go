package packaging

import (
	"bufio"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The stamps the test release is built with.
const (
	testVersion   = "9.8.7-test"
	testRevision  = "0123456789abcdef0123456789abcdef01234567"
	testBranch    = "release-test"
	testBuildDate = "20260102-03:04:05"
)

var (
	releaseOnce sync.Once
	releaseDir  string
	releaseErr  error
	releaseLog  string
)

// TestMain removes the test release when the tests are done.
func TestMain(m *testing.M) {
	code := m.Run()
	if releaseDir != "" {
		_ = os.RemoveAll(releaseDir)
	}
	os.Exit(code)
}

// release builds, once per test binary, a release for this machine's
// architecture with scripts/release.sh (.deb and .rpm included) and returns
// its directory.
func release(t *testing.T) string {
	t.Helper()
	releaseOnce.Do(func() {
		releaseDir, releaseErr = os.MkdirTemp("", "badgateway-release")
		if releaseErr != nil {
			return
		}
		releaseLog, releaseErr = runErr([]string{
			"OUT=" + releaseDir, "VERSION=" + testVersion, "ARCHS=" + runtime.GOARCH,
			"REVISION=" + testRevision, "BRANCH=" + testBranch, "BUILD_DATE=" + testBuildDate,
		}, "../scripts/release.sh")
	})
	if releaseErr != nil {
		t.Fatalf("scripts/release.sh: %v\n%s", releaseErr, releaseLog)
	}
	return releaseDir
}

func artifact(dir, format string) string {
	return filepath.Join(dir, fmt.Sprintf(format, testVersion, runtime.GOARCH))
}

func TestReleaseTarballLayoutChecksumsAndStamps(t *testing.T) {
	dir := release(t)
	tarball := artifact(dir, "badgateway_exporter-%s.linux-%s.tar.gz")
	top := strings.TrimSuffix(filepath.Base(tarball), ".tar.gz") + "/"
	listing := strings.Fields(run(t, nil, "tar", "-tzf", tarball))
	want := []string{top, top + "LICENSE", top + "README.md", top + "badgateway_exporter", top + "config.yml"}
	slices.Sort(listing)
	if !slices.Equal(listing, want) {
		t.Errorf("tarball holds %q, want %q", listing, want)
	}

	sums := run(t, nil, "cat", filepath.Join(dir, "sha256sums.txt"))
	for _, name := range []string{filepath.Base(tarball), "badgateway_exporter_" + testVersion + "-1_" + runtime.GOARCH + ".deb"} {
		if !strings.Contains(sums, "  "+name+"\n") {
			t.Errorf("sha256sums.txt does not list %s:\n%s", name, sums)
		}
	}
	cmd := exec.Command("sha256sum", "--check", "--strict", "sha256sums.txt")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("sha256sum --check: %v\n%s", err, out)
	}

	unpacked := t.TempDir()
	run(t, nil, "tar", "-xzf", tarball, "-C", unpacked)
	bin := filepath.Join(unpacked, top, "badgateway_exporter")
	version := run(t, nil, bin, "--version")
	for _, stamp := range []string{"version " + testVersion, "branch: " + testBranch, "revision: " + testRevision, "build date:       " + testBuildDate} {
		if !strings.Contains(version, stamp) {
			t.Errorf("--version lacks %q:\n%s", stamp, version)
		}
	}
	if interp := elfInterpreter(t, bin); interp != "" {
		t.Errorf("binary is dynamically linked (interpreter %s), want static", interp)
	}
	if out := run(t, nil, bin, "--config.file="+filepath.Join(unpacked, top, "config.yml"), "--config.check"); !strings.Contains(out, "valid") {
		t.Errorf("packaged config.yml: %s", out)
	}
}

// elfInterpreter returns the program interpreter (PT_INTERP) of an ELF
// binary, "" for a static one.
func elfInterpreter(t *testing.T, path string) string {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			buf := make([]byte, p.Filesz)
			if _, err := p.ReadAt(buf, 0); err != nil {
				t.Fatalf("%v", err)
			}
			return strings.TrimRight(string(buf), "\x00")
		}
	}
	return ""
}

func TestReleaseRefusesAVersionThatIsNotAFileName(t *testing.T) {
	for _, v := range []string{"1.0/../../x", "1.0 rc", "$(id)", "1.0;true"} {
		out, err := runErr([]string{"VERSION=" + v, "OUT=" + t.TempDir()}, "../scripts/release.sh")
		if err == nil || !strings.Contains(out, "bad VERSION") {
			t.Errorf("VERSION=%q: err %v, output %s; want refused", v, err, out)
		}
	}
}

func TestRPMListsTheSameFilesAsTheDeb(t *testing.T) {
	rpm := requireTool(t, "rpm", "rpm")
	dpkgDeb := requireTool(t, "dpkg-deb", "dpkg")
	dir := release(t)
	debFiles := debRegularFiles(t, dpkgDeb, artifact(dir, "badgateway_exporter_%s-1_%s.deb"))
	rpmArch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	rpmPath := filepath.Join(dir, fmt.Sprintf("badgateway_exporter-%s-1.%s.rpm", testVersion, rpmArch))
	rpmFiles := strings.Fields(run(t, nil, rpm, "-qlp", rpmPath))
	slices.Sort(rpmFiles)
	if !slices.Equal(debFiles, rpmFiles) {
		t.Errorf("rpm -qlp lists\n%q\nthe .deb holds\n%q", rpmFiles, debFiles)
	}
	want := []string{
		"/etc/badgateway_exporter/config.yml", "/etc/default/badgateway_exporter", "/usr/bin/badgateway_exporter",
		"/usr/lib/systemd/system/badgateway_exporter.service", "/usr/share/doc/badgateway_exporter/LICENSE",
	}
	if !slices.Equal(debFiles, want) {
		t.Errorf(".deb holds %q, want %q", debFiles, want)
	}
	configs := strings.Fields(run(t, nil, rpm, "-qcp", rpmPath))
	if !slices.Equal(configs, []string{"/etc/badgateway_exporter/config.yml", "/etc/default/badgateway_exporter"}) {
		t.Errorf("rpm config files: %q", configs)
	}
}

// debRegularFiles lists the regular files of a .deb, sorted, as absolute paths.
func debRegularFiles(t *testing.T, dpkgDeb, deb string) []string {
	t.Helper()
	var files []string
	sc := bufio.NewScanner(strings.NewReader(run(t, nil, dpkgDeb, "--contents", deb)))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 6 && strings.HasPrefix(fields[0], "-") {
			files = append(files, strings.TrimPrefix(fields[5], "."))
		}
	}
	slices.Sort(files)
	return files
}

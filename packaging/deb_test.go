package packaging

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/loopback"
	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

const (
	pkgName     = "badgateway_exporter"
	pkgUser     = "badgateway_exporter"
	unitPath    = "/usr/lib/systemd/system/badgateway_exporter.service"
	confPath    = "/etc/badgateway_exporter/config.yml"
	installedAt = "/usr/bin/badgateway_exporter"
)

// TestDebInstallServeRemovePurge installs the .deb on this machine, checks
// the unit with systemd-analyze, runs the installed binary as the packaged
// user against a real nginx error log that is root:adm 0640 as on Debian,
// and checks that dpkg -r and dpkg -P leave nothing behind. The service is
// never started through systemd (none runs here).
func TestDebInstallServeRemovePurge(t *testing.T) {
	requireRoot(t)
	dpkg := requireTool(t, "dpkg", "dpkg")
	analyze := requireTool(t, "systemd-analyze", "systemd")
	setpriv := requireTool(t, "setpriv", "util-linux")
	if out, err := runErr(nil, dpkg, "-s", pkgName); err == nil {
		t.Fatalf("%s is already installed on this machine; this test would remove it:\n%s", pkgName, out)
	}
	deb := artifact(release(t), "badgateway_exporter_%s-1_%s.deb")
	t.Cleanup(func() { // also when the test fails half-way
		if out, err := runErr(nil, dpkg, "--purge", pkgName); err != nil {
			t.Errorf("cleanup: dpkg --purge: %v\n%s", err, out)
		}
	})
	run(t, []string{"DEBIAN_FRONTEND=noninteractive"}, dpkg, "-i", deb)

	u, err := user.Lookup(pkgUser)
	if err != nil {
		t.Fatalf("packaged user: %v", err)
	}
	if groups := strings.Fields(run(t, nil, "id", "-nG", pkgUser)); !slices.Contains(groups, "adm") {
		t.Errorf("%s is in groups %q, want adm among them", pkgUser, groups)
	}
	if out := run(t, nil, "getent", "passwd", pkgUser); !strings.HasSuffix(strings.TrimSpace(out), ":/usr/sbin/nologin") {
		t.Errorf("packaged user can log in: %s", out)
	}
	if out, err := runErr([]string{"SYSTEMD_LOG_LEVEL=info"}, analyze, "verify", unitPath); err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("systemd-analyze verify %s: %v\n%s", unitPath, err, out)
	}
	checkUnitDirectives(t)
	if out := run(t, nil, "runuser", "-u", pkgUser, "--", installedAt, "--config.file="+confPath, "--config.check"); !strings.Contains(out, "valid") {
		t.Errorf("packaged %s: %s", confPath, out)
	}

	// Reinstalling (an upgrade to the same version) keeps an edited conffile
	// and the existing user.
	edited := mustRead(t, confPath) + "# edited by the operator\n"
	if err := os.WriteFile(confPath, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, []string{"DEBIAN_FRONTEND=noninteractive"}, dpkg, "--force-confold", "-i", deb)
	if got := mustRead(t, confPath); got != edited {
		t.Errorf("reinstall replaced the edited conffile")
	}

	serveAsPackagedUser(t, setpriv, u)

	run(t, nil, dpkg, "-r", pkgName)
	for _, gone := range []string{installedAt, unitPath} {
		if _, err := os.Lstat(gone); !os.IsNotExist(err) {
			t.Errorf("after dpkg -r, %s: %v; want it gone", gone, err)
		}
	}
	if _, err := os.Stat(confPath); err != nil {
		t.Errorf("dpkg -r removed the conffile (only purge should): %v", err)
	}
	run(t, nil, dpkg, "-P", pkgName)
	for _, gone := range []string{confPath, filepath.Dir(confPath), "/etc/default/badgateway_exporter", "/var/lib/badgateway_exporter", "/usr/share/doc/badgateway_exporter"} {
		if _, err := os.Lstat(gone); !os.IsNotExist(err) {
			t.Errorf("after dpkg -P, %s: %v; want it gone", gone, err)
		}
	}
	if _, err := user.Lookup(pkgUser); err == nil {
		t.Errorf("after dpkg -P, user %s still exists", pkgUser)
	}
	if _, err := user.LookupGroup(pkgUser); err == nil {
		t.Errorf("after dpkg -P, group %s still exists", pkgUser)
	}
	if out, err := runErr(nil, dpkg, "-s", pkgName); err == nil {
		t.Errorf("after dpkg -P, dpkg -s still knows the package:\n%s", out)
	}
}

// checkUnitDirectives checks the hardening and lifecycle settings of the
// installed unit.
func checkUnitDirectives(t *testing.T) {
	t.Helper()
	unit := mustRead(t, unitPath)
	for _, line := range []string{
		"User=" + pkgUser, "SupplementaryGroups=adm", "NoNewPrivileges=yes", "ProtectSystem=strict",
		"ProtectHome=yes", "PrivateTmp=yes", "ReadOnlyPaths=-/var/log/nginx -/var/log/haproxy.log",
		"StateDirectory=badgateway_exporter", "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure",
		"ExecStart=/usr/bin/badgateway_exporter --config.file=" + confPath + " $ARGS",
	} {
		if !slices.Contains(strings.Split(unit, "\n"), line) {
			t.Errorf("unit lacks the line %q", line)
		}
	}
}

// serveAsPackagedUser starts nginx with an upstream that refuses
// connections, makes its error log root:adm 0640 like Debian's
// /var/log/nginx, and runs the installed binary as the packaged user (with
// its supplementary groups, as systemd would) until the refused connection
// shows in /metrics.
func serveAsPackagedUser(t *testing.T, setpriv string, u *user.User) {
	t.Helper()
	ngx := nginxtest.Start(t, fmt.Sprintf(`
upstream app { server %s; }
server {
    listen {{listen}};
    server_name pkg.test;
    location / { proxy_pass http://app; }
}`, loopback.ClosedTCPAddr(t)))
	if status, _, err := ngx.Get("/"); err != nil || status != 502 {
		t.Fatalf("nginx GET /: %d %v, want 502", status, err)
	}
	if _, err := ngx.WaitErrorLog("connect() failed (111: Connection refused)"); err != nil {
		t.Fatalf("%v", err)
	}
	logPath := ngx.ErrorLogPath()
	admGroup, err := user.LookupGroup("adm")
	if err != nil {
		t.Fatalf("%v", err)
	}
	gid, _ := strconv.Atoi(admGroup.Gid)
	if err := os.Chown(logPath, 0, gid); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(logPath, 0o640); err != nil {
		t.Fatal(err)
	}
	// The temp directories above the log are 0700: open them to traversal
	// like /var/log and /var/log/nginx (0755).
	for dir := filepath.Dir(logPath); dir != os.TempDir() && dir != "/"; dir = filepath.Dir(dir) {
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The mode is what grants access: a user outside adm cannot read the log.
	if out, err := runErr(nil, setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", "cat", logPath); err == nil {
		t.Fatalf("nobody could read the root:adm 0640 log:\n%s", out)
	}

	state := t.TempDir()
	uid, _ := strconv.Atoi(u.Uid)
	ugid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(state, uid, ugid); err != nil {
		t.Fatal(err)
	}
	for dir := filepath.Dir(state); dir != os.TempDir() && dir != "/"; dir = filepath.Dir(dir) {
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(state, "config.yml")
	if err := os.WriteFile(cfg, []byte("logs:\n  - path: "+logPath+"\n    format: nginx_error\n    from_beginning: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := loopback.FreeTCPAddr(t)
	cmd := exec.Command(setpriv, "--reuid="+pkgUser, "--regid="+pkgUser, "--init-groups", "--no-new-privs",
		installedAt, "--config.file="+cfg, "--web.listen-address="+addr)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "STATE_DIRECTORY=" + state}
	var logs lockedBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	body, ok := waitMetrics("http://"+addr+"/metrics", 30*time.Second,
		`badgateway_upstream_errors_total{cause="connection_refused",proxy="nginx",server="pkg.test"`,
		`version="`+testVersion+`"`)
	if !ok {
		t.Fatalf("the installed exporter, run as %s, did not count the refused connection; last scrape:\n%s\nexporter logs:\n%s", pkgUser, body, logs.String())
	}
	if status := mustRead(t, fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)); !strings.Contains(status, "\nUid:\t"+u.Uid+"\t") {
		t.Errorf("exporter does not run as %s (uid %s):\n%s", pkgUser, u.Uid, status)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

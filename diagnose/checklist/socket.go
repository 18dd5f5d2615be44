package checklist

import (
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/nginxconf"
	"github.com/badgateway/badgateway_exporter/probe"
)

// nginxDefaultUser is the worker user when nginx.conf sets none and the
// master runs as root (nginx's compiled-in default).
const nginxDefaultUser = "nobody"

// workerUser is who nginx's workers run as.
type workerUser struct {
	name, group string
	uid         int
	gids        []int
	where       string // the user directive, or why the default
}

// socketFindings checks each unix socket an upstream of the proxy kind
// names against the user the proxy connects as (nginx's workers, HAProxy
// after it drops root): the diagnose command runs as root and its probe
// gets through, while the proxy gets "Permission denied" (a connect needs
// write permission on the socket and search permission on each
// directory). runsAs returns that user; nil when it cannot be known (the
// reason is listed as skipped).
func socketFindings(kind string, runsAs func() (*workerUser, string, error), targets []probe.Target, directives map[string][]*nginxconf.Directive) ([]diagnose.Finding, []diagnose.Skipped) {
	var fs []diagnose.Finding
	var u *workerUser
	who, runs := "nginx workers", "run"
	if kind == "haproxy" {
		who, runs = "HAProxy", "runs"
	}
	for _, t := range targets {
		path, ok := strings.CutPrefix(t.Address, "unix:")
		if !ok || t.Proxy != kind || strings.HasPrefix(path, "@") {
			continue
		}
		if _, err := os.Stat(path); err != nil {
			continue // missing: the probe says socket_not_found
		}
		if u == nil {
			var unknown string
			var err error
			if u, unknown, err = runsAs(); err != nil || u == nil {
				reason := unknown
				if err != nil {
					reason = err.Error()
				}
				return fs, []diagnose.Skipped{{Check: diagnose.CheckConfig, Reason: fmt.Sprintf("%s unix socket permissions: %s", kind, reason)}}
			}
		}
		if u.uid == 0 {
			break
		}
		denied, evidence := firstDenied(path, u)
		if denied == "" {
			continue
		}
		fix := fmt.Sprintf("let %s open the socket: chown %s:%s %s (php-fpm: listen.owner = %s, listen.group = %s, listen.mode = 0660), or change `user` (%s) to the socket's owner",
			u.name, u.name, u.group, path, u.name, u.group, u.where)
		if denied != path {
			fix = fmt.Sprintf("let %s reach the socket: chmod o+x %s (or move the socket to a directory %s can search, e.g. /run/<app>/), or change `user` (%s)", u.name, denied, u.name, u.where)
		}
		upstream := t.Address
		if kind == "haproxy" && t.Upstream != "" { // HAProxy labels backend/server
			upstream = t.Upstream
		}
		fs = append(fs, diagnose.Finding{
			Severity: diagnose.Critical, Check: diagnose.CheckConfig, Cause: cause.PermissionDenied.String(), Upstream: upstream, Failing: true,
			Summary:  fmt.Sprintf("%s (user %s) cannot open %s: every request to it gets 502", who, u.name, path),
			Evidence: []string{evidence, fmt.Sprintf("%s %s as %s:%s (%s)", who, runs, u.name, u.group, u.where), configEvidence(t, pickDirective(directives[t.Where], t))},
			Fix:      fix,
			Runbook:  diagnose.RunbookFor(cause.PermissionDenied.String()),
		})
	}
	return fs, nil
}

// nginxRunsAs is socketFindings' runsAs for nginx.
func nginxRunsAs(cfg *nginxconf.Config) func() (*workerUser, string, error) {
	return func() (*workerUser, string, error) {
		u, err := nginxWorkerUser(cfg)
		return u, "", err
	}
}

// haproxyRunsAs is socketFindings' runsAs for HAProxy.
func haproxyRunsAs(path string) func() (*workerUser, string, error) {
	return func() (*workerUser, string, error) {
		u, ok, err := haproxyUser(path)
		if err == nil && !ok {
			return nil, "no user or uid in the global section of " + path + ": HAProxy keeps the user that starts it (not known here)", nil
		}
		return u, "", err
	}
}

// nginxWorkerUser reads the user directive of the main context.
func nginxWorkerUser(cfg *nginxconf.Config) (*workerUser, error) {
	w := &workerUser{name: nginxDefaultUser, where: "no user directive: nginx's default " + nginxDefaultUser}
	if ds := nginxconf.Find(cfg.Directives, "user"); len(ds) > 0 {
		d := ds[len(ds)-1]
		w.name, w.group, w.where = d.Arg(0), d.Arg(1), d.Where()
	}
	acct, err := user.Lookup(w.name)
	if err != nil {
		return nil, fmt.Errorf("worker user %s (%s): %w", w.name, w.where, err)
	}
	w.uid, _ = strconv.Atoi(acct.Uid)
	if w.group == "" {
		if g, err := user.LookupGroupId(acct.Gid); err == nil {
			w.group = g.Name
		}
	}
	primary := acct.Gid
	if g, err := user.LookupGroup(w.group); err == nil {
		primary = g.Gid
	}
	gid, _ := strconv.Atoi(primary)
	w.gids = []int{gid}
	if ids, err := acct.GroupIds(); err == nil {
		for _, id := range ids {
			if n, err := strconv.Atoi(id); err == nil && !slices.Contains(w.gids, n) {
				w.gids = append(w.gids, n)
			}
		}
	}
	return w, nil
}

// firstDenied returns the first directory the user cannot search on the
// way to path, or path itself when it cannot write the socket; "" when
// nothing is denied. evidence shows the mode and owner of what is denied.
func firstDenied(path string, u *workerUser) (denied, evidence string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", ""
	}
	dirs := []string{}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		dirs = append([]string{d}, dirs...)
		if d == "/" {
			break
		}
	}
	for _, d := range dirs {
		if ok, ev := allowed(d, u, 1); !ok {
			return d, ev
		}
	}
	if ok, ev := allowed(abs, u, 2); !ok {
		return abs, ev
	}
	return "", ""
}

// allowed checks permission bit want (1 search, 2 write) of path for u.
func allowed(path string, u *workerUser, want fs.FileMode) (bool, string) {
	fi, err := os.Stat(path)
	if err != nil {
		return true, ""
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true, ""
	}
	mode := fi.Mode().Perm()
	var bits fs.FileMode
	switch {
	case int(st.Uid) == u.uid:
		bits = mode >> 6
	case slices.Contains(u.gids, int(st.Gid)):
		bits = mode >> 3
	default:
		bits = mode
	}
	ev := fmt.Sprintf("%s %s %s %s", lsMode(fi.Mode()), userName(st.Uid), groupName(st.Gid), path)
	return bits&want != 0, ev
}

// lsMode writes a mode as ls -l does: srw-------.
func lsMode(m fs.FileMode) string {
	kind := "-"
	switch {
	case m&fs.ModeSocket != 0:
		kind = "s"
	case m.IsDir():
		kind = "d"
	}
	return kind + m.Perm().String()[1:]
}

func userName(uid uint32) string {
	if u, err := user.LookupId(strconv.Itoa(int(uid))); err == nil {
		return u.Username
	}
	return strconv.Itoa(int(uid))
}

func groupName(gid uint32) string {
	if g, err := user.LookupGroupId(strconv.Itoa(int(gid))); err == nil {
		return g.Name
	}
	return strconv.Itoa(int(gid))
}

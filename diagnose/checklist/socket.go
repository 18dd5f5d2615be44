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

// socketFindings checks each unix socket an nginx upstream names against
// the worker user: the diagnose command runs as root and its probe gets
// through, while nginx's workers get "Permission denied" (a connect needs
// write permission on the socket and search permission on each directory).
func socketFindings(cfg *nginxconf.Config, targets []probe.Target, directives map[string][]*nginxconf.Directive) ([]diagnose.Finding, []diagnose.Skipped) {
	var fs []diagnose.Finding
	var u *workerUser
	for _, t := range targets {
		path, ok := strings.CutPrefix(t.Address, "unix:")
		if !ok || t.Proxy != "nginx" || strings.HasPrefix(path, "@") {
			continue
		}
		if _, err := os.Stat(path); err != nil {
			continue // missing: the probe says socket_not_found
		}
		if u == nil {
			var err error
			if u, err = nginxWorkerUser(cfg); err != nil {
				return fs, []diagnose.Skipped{{Check: diagnose.CheckConfig, Reason: fmt.Sprintf("unix socket permissions: %v", err)}}
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
		fs = append(fs, diagnose.Finding{
			Severity: diagnose.Critical, Check: diagnose.CheckConfig, Cause: cause.PermissionDenied.String(), Upstream: t.Address, Failing: true,
			Summary:  fmt.Sprintf("nginx workers (user %s) cannot open %s: every request to it gets 502", u.name, path),
			Evidence: []string{evidence, fmt.Sprintf("nginx workers run as %s:%s (%s)", u.name, u.group, u.where), configEvidence(t, pickDirective(directives[t.Where], t))},
			Fix:      fix,
			Runbook:  diagnose.RunbookFor(cause.PermissionDenied.String()),
		})
	}
	return fs, nil
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

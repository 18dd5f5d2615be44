package checklist

import (
	"fmt"
	"os/user"
	"slices"
	"strconv"

	"github.com/badgateway/badgateway_exporter/discover"
)

// haproxyUser reads who HAProxy runs as from the `user`/`uid` and
// `group`/`gid` of the global section of path (a file, or a directory of
// *.cfg files read in order, as haproxy -f does). ok is false when the
// configuration sets no user: HAProxy then keeps the user that starts it.
func haproxyUser(path string) (u *workerUser, ok bool, err error) {
	sections, err := discover.HAProxySections(path)
	if err != nil {
		return nil, false, err
	}
	var name, group, uid, gid, where string
	for _, sec := range sections {
		if sec.Kind != "global" {
			continue
		}
		for _, l := range sec.Lines {
			words := l.Words
			if len(words) < 2 {
				continue
			}
			switch words[0] {
			case "user":
				name, uid, where = words[1], "", l.Where
			case "uid":
				uid, name, where = words[1], "", l.Where
			case "group":
				group, gid = words[1], ""
			case "gid":
				gid, group = words[1], ""
			}
		}
	}
	if name == "" && uid == "" {
		return nil, false, nil
	}
	var acct *user.User
	if uid != "" {
		acct, err = user.LookupId(uid)
	} else {
		acct, err = user.Lookup(name)
	}
	if err != nil {
		return nil, true, fmt.Errorf("HAProxy user %s%s (%s): %w", name, uid, where, err)
	}
	w := &workerUser{name: acct.Username, where: where}
	w.uid, _ = strconv.Atoi(acct.Uid)
	primary := acct.Gid
	switch {
	case gid != "":
		primary = gid
	case group != "":
		g, err := user.LookupGroup(group)
		if err != nil {
			return nil, true, fmt.Errorf("HAProxy group %s: %w", group, err)
		}
		primary = g.Gid
	}
	w.group = primary
	if g, err := user.LookupGroupId(primary); err == nil {
		w.group = g.Name
	}
	n, _ := strconv.Atoi(primary)
	w.gids = []int{n}
	if ids, err := acct.GroupIds(); err == nil {
		for _, id := range ids {
			if k, err := strconv.Atoi(id); err == nil && !slices.Contains(w.gids, k) {
				w.gids = append(w.gids, k)
			}
		}
	}
	return w, true, nil
}

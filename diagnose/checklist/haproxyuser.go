package checklist

import (
	"bufio"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// haproxyUser reads who HAProxy runs as from the `user`/`uid` and
// `group`/`gid` of the global section of path (a file, or a directory of
// *.cfg files read in order, as haproxy -f does). ok is false when the
// configuration sets no user: HAProxy then keeps the user that starts it.
func haproxyUser(path string) (u *workerUser, ok bool, err error) {
	files := []string{path}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		if files, err = filepath.Glob(filepath.Join(path, "*.cfg")); err != nil {
			return nil, false, err
		}
	}
	var name, group, uid, gid, where string
	for _, file := range files {
		err := globalLines(file, func(words []string, at string) {
			switch words[0] {
			case "user":
				name, uid, where = words[1], "", at
			case "uid":
				uid, name, where = words[1], "", at
			case "group":
				group, gid = words[1], ""
			case "gid":
				gid, group = words[1], ""
			}
		})
		if err != nil {
			return nil, false, err
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

// globalLines calls fn with the words (two at least) and file:line of each
// line of file's global sections. Lines longer than bufio's maximum token
// are an error.
func globalLines(file string, fn func(words []string, where string)) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	inGlobal := false
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		words := strings.Fields(line)
		if len(words) == 0 {
			continue
		}
		if sectionKeyword[words[0]] {
			inGlobal = words[0] == "global"
			continue
		}
		if inGlobal && len(words) >= 2 {
			fn(words, file+":"+strconv.Itoa(n))
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

// sectionKeyword are the words that start an HAProxy section.
var sectionKeyword = map[string]bool{
	"global": true, "defaults": true, "frontend": true, "backend": true, "listen": true, "resolvers": true,
	"peers": true, "userlist": true, "mailers": true, "program": true, "http-errors": true, "ring": true,
	"cache": true, "fcgi-app": true, "crt-store": true, "traces": true, "log-forward": true,
}

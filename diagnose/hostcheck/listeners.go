package hostcheck

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Listener is one listening socket of the host.
type Listener struct {
	Network string         // "tcp", "tcp6" or "unix"
	Addr    netip.AddrPort // tcp, tcp6: the local address; 0.0.0.0 or :: for a wildcard
	Path    string         // unix: the socket path, "@name" for an abstract socket
	Inode   uint64         // the socket's inode, as in /proc/PID/fd links
	UID     int            // tcp: the uid that owns the socket; -1 when not known
	PID     int            // the owning process; 0 when not known (no permission, or it exited)
	Command string         // /proc/PID/comm of the owner, printable; "" when not known
	// FileUID, FileGID and FileMode are the unix socket file's owner, group
	// and permissions; -1, -1, 0 when not known (abstract, or stat failed).
	FileUID, FileGID int
	FileMode         fs.FileMode
	Line             string // the /proc/net line it was read from, for evidence
}

// String is the listener as an upstream names it: "127.0.0.1:3000",
// "[::]:3000" or "unix:/run/app.sock".
func (l Listener) String() string {
	if l.Network == "unix" {
		return "unix:" + printable([]byte(l.Path))
	}
	return l.Addr.String()
}

// Owner describes the owning process: "node (pid 812)", or "pid unknown".
func (l Listener) Owner() string {
	switch {
	case l.PID > 0 && l.Command != "":
		return fmt.Sprintf("%s (pid %d)", l.Command, l.PID)
	case l.PID > 0:
		return fmt.Sprintf("pid %d", l.PID)
	case l.UID >= 0:
		return fmt.Sprintf("a process of uid %d (pid unknown)", l.UID)
	}
	return "a process (pid unknown)"
}

// Bounds on the process scan.
const (
	maxProcs = 1 << 16 // processes looked at
	maxFDs   = 1 << 20 // fd links read, over all processes
)

// Listeners returns every listening TCP (IPv4, IPv6) and unix socket of
// procRoot/net/{tcp,tcp6,unix} ("/proc" on a live host), with the owning
// process found as `ss -tlnp` does: socket inode → procRoot/PID/fd links.
// A process whose fds cannot be read (another user's, for non-root) or
// that exits during the scan leaves its listeners with PID 0. A missing
// tcp6 or unix file (no IPv6) is not an error; the error joins the files
// that could not be read, alongside the listeners that could.
func Listeners(procRoot string) ([]Listener, error) {
	var all []Listener
	var errs []error
	for _, f := range []struct {
		name  string
		parse func(*os.File) ([]Listener, error)
	}{
		{"tcp", func(f *os.File) ([]Listener, error) { return ParseProcNetTCP(f, "tcp") }},
		{"tcp6", func(f *os.File) ([]Listener, error) { return ParseProcNetTCP(f, "tcp6") }},
		{"unix", func(f *os.File) ([]Listener, error) { return ParseProcNetUnix(f) }},
	} {
		path := filepath.Join(procRoot, "net", f.name)
		file, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) && f.name != "tcp" {
			continue // no IPv6, or no unix sockets
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ls, err := f.parse(file)
		file.Close()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
		}
		all = append(all, ls...)
	}
	if err := findOwners(procRoot, all); err != nil {
		errs = append(errs, err)
	}
	for i := range all {
		if all[i].Network == "unix" {
			statSocketFile(&all[i])
		}
	}
	return all, errors.Join(errs...)
}

// findOwners fills PID and Command of the listeners from the fd links of
// every process under procRoot.
func findOwners(procRoot string, ls []Listener) error {
	byInode := make(map[uint64][]int, len(ls))
	for i, l := range ls {
		if l.Inode != 0 {
			byInode[l.Inode] = append(byInode[l.Inode], i)
		}
	}
	if len(byInode) == 0 {
		return nil
	}
	dir, err := os.Open(procRoot)
	if err != nil {
		return fmt.Errorf("list processes: %w", err)
	}
	defer dir.Close()
	names, err := dir.Readdirnames(maxProcs)
	if err != nil && len(names) == 0 {
		return fmt.Errorf("list processes: %w", err)
	}
	budget := maxFDs
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil || pid <= 0 || budget <= 0 {
			continue
		}
		var found []int
		budget -= socketsOf(filepath.Join(procRoot, name, "fd"), byInode, budget, &found)
		if len(found) == 0 {
			continue
		}
		comm := readComm(filepath.Join(procRoot, name, "comm"))
		for _, i := range found {
			if ls[i].PID == 0 || pid < ls[i].PID { // shared (forked) sockets: the oldest-numbered pid
				ls[i].PID, ls[i].Command = pid, comm
			}
		}
	}
	return nil
}

// socketsOf appends to found the listeners whose inode a link of fdDir
// points at, reading at most budget links, and returns how many it read.
// An unreadable or vanished fdDir reads nothing.
func socketsOf(fdDir string, byInode map[uint64][]int, budget int, found *[]int) int {
	d, err := os.Open(fdDir)
	if err != nil {
		return 0
	}
	defer d.Close()
	read := 0
	for read < budget {
		names, err := d.Readdirnames(min(1024, budget-read))
		for _, n := range names {
			read++
			target, err := os.Readlink(filepath.Join(fdDir, n))
			if err != nil {
				continue
			}
			inodeText, ok := strings.CutPrefix(target, "socket:[")
			if !ok {
				continue
			}
			inode, err := strconv.ParseUint(strings.TrimSuffix(inodeText, "]"), 10, 64)
			if err == nil {
				*found = append(*found, byInode[inode]...)
			}
		}
		if err != nil || len(names) == 0 {
			break
		}
	}
	return read
}

// readComm reads a process's command name, printable; "" when it cannot.
func readComm(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 64) // comm is at most 16 bytes; a longer file is cut
	n, _ := f.Read(buf)
	return printable([]byte(strings.TrimRight(string(buf[:n]), "\n")))
}

// statSocketFile fills the owner, group and mode of a unix socket file.
func statSocketFile(l *Listener) {
	if l.Path == "" || strings.HasPrefix(l.Path, "@") {
		return
	}
	fi, err := os.Stat(l.Path)
	if err != nil {
		return
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		l.FileUID, l.FileGID = int(st.Uid), int(st.Gid)
	}
	l.FileMode = fi.Mode()
}

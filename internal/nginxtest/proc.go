package nginxtest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Linux /proc helpers. Each returns an error when /proc is not available.

// childPIDs returns the processes whose parent is pid.
func childPIDs(pid int) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("nginxtest: %w", err)
	}
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // exited meanwhile
		}
		// pid (comm) state ppid …; comm may contain spaces and parens.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out, nil
}

// hasOpen reports whether process pid has a descriptor open on the file fi.
func hasOpen(pid int, fi os.FileInfo) (bool, error) {
	dir := "/proc/" + strconv.Itoa(pid) + "/fd/"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, fmt.Errorf("nginxtest: %w", err)
	}
	for _, e := range entries {
		st, err := os.Stat(dir + e.Name())
		if err == nil && os.SameFile(st, fi) {
			return true, nil
		}
	}
	return false, nil
}

// tcpListening reports whether a socket listens on 127.0.0.1:port.
func tcpListening(port int) (bool, error) {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return false, fmt.Errorf("nginxtest: %w", err)
	}
	defer f.Close()
	suffix := fmt.Sprintf(":%04X", port)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// sl local_address rem_address st …; 127.0.0.1 is 0100007F on
		// little-endian hosts, 7F000001 on big-endian ones; 0A is LISTEN.
		f := strings.Fields(sc.Text())
		if len(f) < 4 || f[3] != "0A" || !strings.HasSuffix(f[1], suffix) {
			continue
		}
		if ip := strings.TrimSuffix(f[1], suffix); ip == "0100007F" || ip == "7F000001" {
			return true, nil
		}
	}
	if err := sc.Err(); err != nil {
		return false, fmt.Errorf("nginxtest: %w", err)
	}
	return false, nil
}

package hostcheck

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"unicode/utf8"
)

// Bounds on what is read from /proc: a host with more is still diagnosed,
// from the first entries.
const (
	maxLineBytes = 4096    // longer lines are skipped
	maxProcLines = 1 << 20 // lines read from one /proc/net file
	maxListeners = 1 << 16 // listening sockets kept from one file
)

// ErrTooMany says a bound on what is read was reached; what was read
// before it is returned with it.
var ErrTooMany = errors.New("too many entries, the rest was not read")

// tcpListen is the st column of a listening socket in /proc/net/tcp.
const tcpListen = 0x0A

// unixAcceptCon is __SO_ACCEPTCON in the Flags column of /proc/net/unix:
// the socket listens.
const unixAcceptCon = 0x10000

// ParseProcNetTCP reads /proc/net/tcp or /proc/net/tcp6 text and returns
// its listening sockets; network is "tcp" or "tcp6". Malformed lines are
// skipped. It reads at most maxProcLines lines and keeps at most
// maxListeners listeners, returning what it kept and ErrTooMany (wrapped)
// beyond.
func ParseProcNetTCP(r io.Reader, network string) ([]Listener, error) {
	var out []Listener
	err := scanLines(r, func(line []byte) bool {
		if l, ok := parseTCPLine(line, network); ok {
			out = append(out, l)
		}
		return len(out) < maxListeners
	})
	return out, err
}

// parseTCPLine parses one line of /proc/net/tcp{,6}:
//
//	0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 12345 1 …
func parseTCPLine(line []byte, network string) (Listener, bool) {
	f := bytes.Fields(line)
	if len(f) < 10 || !bytes.HasSuffix(f[0], []byte(":")) {
		return Listener{}, false
	}
	st, err := strconv.ParseUint(string(f[3]), 16, 8)
	if err != nil || st != tcpListen {
		return Listener{}, false
	}
	addr, ok := parseHexAddrPort(f[1])
	if !ok || (network == "tcp") != addr.Addr().Is4() {
		return Listener{}, false
	}
	uid, err := strconv.Atoi(string(f[7]))
	if err != nil {
		return Listener{}, false
	}
	inode, err := strconv.ParseUint(string(f[9]), 10, 64)
	if err != nil {
		return Listener{}, false
	}
	return Listener{Network: network, Addr: addr, Inode: inode, UID: uid,
		FileUID: -1, FileGID: -1, Line: string(bytes.TrimSpace(line))}, true
}

// parseHexAddrPort decodes "0100007F:1F90" (IPv4) or 32 hex digits and a
// port (IPv6). The kernel prints each 32-bit word of the address as a
// number in host byte order.
func parseHexAddrPort(b []byte) (netip.AddrPort, bool) {
	a, p, ok := bytes.Cut(b, []byte(":"))
	if !ok || (len(a) != 8 && len(a) != 32) {
		return netip.AddrPort{}, false
	}
	port, err := strconv.ParseUint(string(p), 16, 16)
	if err != nil {
		return netip.AddrPort{}, false
	}
	var raw [16]byte
	n := len(a) / 2
	if _, err := hex.Decode(raw[:n], a); err != nil {
		return netip.AddrPort{}, false
	}
	for i := 0; i < n; i += 4 { // each word back to the bytes in memory
		binary.NativeEndian.PutUint32(raw[i:], binary.BigEndian.Uint32(raw[i:]))
	}
	var ip netip.Addr
	if n == 4 {
		ip = netip.AddrFrom4([4]byte(raw[:4]))
	} else {
		ip = netip.AddrFrom16(raw)
	}
	return netip.AddrPortFrom(ip, uint16(port)), true
}

// ParseProcNetUnix reads /proc/net/unix text and returns its listening
// stream and seqpacket sockets. Paths keep their bytes (invalid UTF-8
// included); an abstract socket's path starts with "@".
func ParseProcNetUnix(r io.Reader) ([]Listener, error) {
	var out []Listener
	err := scanLines(r, func(line []byte) bool {
		if l, ok := parseUnixLine(line); ok {
			out = append(out, l)
		}
		return len(out) < maxListeners
	})
	return out, err
}

// parseUnixLine parses one line of /proc/net/unix:
//
//	0000000000000000: 00000002 00000000 00010000 0001 01 12345 /run/app.sock
func parseUnixLine(line []byte) (Listener, bool) {
	f := bytes.Fields(line)
	if len(f) < 8 || !bytes.HasSuffix(f[0], []byte(":")) {
		return Listener{}, false // no path: unnamed sockets are not upstreams
	}
	flags, err := strconv.ParseUint(string(f[3]), 16, 32)
	if err != nil || flags&unixAcceptCon == 0 {
		return Listener{}, false
	}
	inode, err := strconv.ParseUint(string(f[6]), 10, 64)
	if err != nil {
		return Listener{}, false
	}
	// The path is the rest of the line after the inode: it may hold spaces.
	path := string(bytes.TrimRight(afterFields(line, 7), " \t\r"))
	return Listener{Network: "unix", Path: path, Inode: inode, UID: -1,
		FileUID: -1, FileGID: -1, Line: printable(bytes.TrimSpace(line))}, true
}

// afterFields returns line after its first n space-separated fields and
// the spaces that follow them.
func afterFields(line []byte, n int) []byte {
	for range n {
		line = bytes.TrimLeft(line, " \t")
		i := bytes.IndexAny(line, " \t")
		if i < 0 {
			return nil
		}
		line = line[i:]
	}
	return bytes.TrimLeft(line, " \t")
}

// scanLines calls fn with each line of r, without its newline, until fn
// returns false or r ends. Lines longer than maxLineBytes are skipped
// without being held in memory; at most maxProcLines lines are read.
func scanLines(r io.Reader, fn func([]byte) bool) error {
	br := bufio.NewReaderSize(r, maxLineBytes)
	for n := 0; ; n++ {
		if n == maxProcLines {
			return fmt.Errorf("more than %d lines: %w", maxProcLines, ErrTooMany)
		}
		line, err := br.ReadSlice('\n')
		long := false
		for errors.Is(err, bufio.ErrBufferFull) { // skip the rest of a long line
			long = true
			line, err = br.ReadSlice('\n')
		}
		if !long && len(line) > 0 && !fn(bytes.TrimSuffix(line, []byte("\n"))) {
			return fmt.Errorf("more than %d listeners: %w", maxListeners, ErrTooMany)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
	}
}

// printable returns b as valid UTF-8 for evidence: invalid bytes become
// \xNN.
func printable(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var out []byte
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			out = fmt.Appendf(out, `\x%02x`, b[0])
		} else {
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return string(out)
}

package hostcheck

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The testdata files were read from a network namespace where a Python
// script (testdata/listen.py, run by testdata/regenerate.sh) listened on
// 127.0.0.1:3000, 0.0.0.0:8080, [::]:9000 and [::1]:5000 (plus one
// established connection) and on unix sockets.
func TestParseProcNetTCPReal(t *testing.T) {
	v4, err := ParseProcNetTCP(strings.NewReader(readTestdata(t, "proc-net-tcp.txt")), "tcp")
	if err != nil {
		t.Fatal(err)
	}
	v6, err := ParseProcNetTCP(strings.NewReader(readTestdata(t, "proc-net-tcp6.txt")), "tcp6")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range append(v4, v6...) {
		got = append(got, l.String())
		if l.Inode == 0 || l.UID != 0 || l.Line == "" {
			t.Errorf("%s: inode %d uid %d line %q", l, l.Inode, l.UID, l.Line)
		}
	}
	want := "127.0.0.1:3000 0.0.0.0:8080 [::]:9000 [::1]:5000"
	if strings.Join(got, " ") != want {
		t.Fatalf("listeners %v, want %s (established connections left out)", got, want)
	}
	if v4[0].Inode != 1082258 {
		t.Errorf("inode %d", v4[0].Inode)
	}
}

func TestParseProcNetUnixReal(t *testing.T) {
	ls, err := ParseProcNetUnix(strings.NewReader(readTestdata(t, "proc-net-unix.txt")))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range ls {
		got = append(got, l.Path)
	}
	want := []string{"/tmp/diaghost-sock/app.sock", "/tmp/diaghost-sock/with space.sock", "@bgw-abstract"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("paths %q, want %q (the datagram socket does not listen)", got, want)
	}
	if ls[0].Inode != 1082264 || ls[0].String() != "unix:/tmp/diaghost-sock/app.sock" {
		t.Fatalf("%+v", ls[0])
	}
}

func TestParseProcNetHostile(t *testing.T) {
	good := "   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 42 1 0 100 0 0 10 0\n"
	for name, in := range map[string]string{
		"truncated line":   "  sl  local\n   0: 0100007F:0BB8 00000000:0000 0A 0000\n" + good,
		"garbage":          "\x00\xff garbage\n:::: : : :\n   0: ZZZZZZZZ:0BB8 00000000:0000 0A 0 0 0 0 0 42\n" + good,
		"huge line":        strings.Repeat("x", 1<<20) + "\n" + good,
		"huge last line":   good + strings.Repeat("y", 1<<20),
		"bad port":         "   0: 0100007F:FFFFF 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 43 1\n" + good,
		"v6 in v4 file":    "   0: 00000000000000000000000001000000:1388 0:0 0A 0:0 0:0 0 0 0 44 1\n" + good,
		"no final newline": strings.TrimSuffix(good, "\n"),
	} {
		ls, err := ParseProcNetTCP(strings.NewReader(in), "tcp")
		if err != nil || len(ls) != 1 || ls[0].Inode != 42 || ls[0].UID != 1000 {
			t.Errorf("%s: %+v, %v", name, ls, err)
		}
	}
	unix := "Num RefCount Protocol Flags Type St Inode Path\n" +
		"0: 00000002 00000000 00010000 0001 01 7 /run/\xff\xfeapp.sock\n" +
		"0: 00000002 00000000 00010000 0001 01\n" + // truncated
		"0: 00000002 00000000 zz 0001 01 8 /x\n"
	ls, err := ParseProcNetUnix(strings.NewReader(unix))
	if err != nil || len(ls) != 1 || ls[0].Path != "/run/\xff\xfeapp.sock" {
		t.Fatalf("%+v, %v", ls, err)
	}
	if s := ls[0].String(); s != `unix:/run/\xff\xfeapp.sock` || !strings.Contains(ls[0].Line, `\xff`) {
		t.Fatalf("printable %q line %q", s, ls[0].Line)
	}
}

// endless yields lines of a listening socket forever.
type endless struct{ line []byte }

func (e endless) Read(p []byte) (int, error) {
	n := 0
	for n+len(e.line) <= len(p) {
		n += copy(p[n:], e.line)
	}
	if n == 0 {
		return copy(p, e.line), nil
	}
	return n, nil
}

func TestParseProcNetBounded(t *testing.T) {
	line := []byte("   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  0 0 42 1\n")
	ls, err := ParseProcNetTCP(endless{line}, "tcp")
	if !errors.Is(err, ErrTooMany) || len(ls) != maxListeners {
		t.Fatalf("endless listeners: %d, %v", len(ls), err)
	}
	est := bytes.Replace(line, []byte(" 0A "), []byte(" 01 "), 1)
	ls, err = ParseProcNetTCP(io.LimitReader(endless{est}, int64(len(est))*(maxProcLines+10)), "tcp")
	if !errors.Is(err, ErrTooMany) || len(ls) != 0 {
		t.Fatalf("endless connections: %d, %v", len(ls), err)
	}
}

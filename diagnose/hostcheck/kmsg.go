package hostcheck

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// KernelLine is one message of the kernel log.
type KernelLine struct {
	Time time.Time // zero when not known
	Text string
}

// maxKernelLines bounds what is kept of the kernel log.
const maxKernelLines = 1 << 16

// readKernelLog reads the kernel log: /dev/kmsg without blocking (one
// record per read, until EAGAIN), else `dmesg -r`. Both need the right to
// read the kernel log (CAP_SYSLOG where kernel.dmesg_restrict=1).
func readKernelLog(ctx context.Context, procRoot string, now time.Time, run func(context.Context, string, ...string) ([]byte, error)) ([]KernelLine, error) {
	boot := bootTime(procRoot, now)
	lines, kmsgErr := readKmsg(ctx, "/dev/kmsg", boot)
	if kmsgErr == nil {
		return lines, nil
	}
	out, err := run(ctx, "dmesg", "-r")
	if err != nil {
		return nil, fmt.Errorf("read /dev/kmsg: %w; %w", kmsgErr, err)
	}
	return ParseDmesgRaw(string(out), boot), nil
}

// readKmsg reads every record of a /dev/kmsg-like device without blocking.
func readKmsg(ctx context.Context, path string, boot time.Time) ([]KernelLine, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var out []KernelLine
	buf := make([]byte, 16<<10) // a record is at most 8 KiB less a little
	for len(out) < maxKernelLines && ctx.Err() == nil {
		n, err := syscall.Read(fd, buf)
		switch {
		case errors.Is(err, syscall.EAGAIN):
			return out, nil
		case errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.EINTR):
			continue // records overwritten while reading: go on with the next
		case err != nil:
			return out, &os.PathError{Op: "read", Path: path, Err: err}
		case n <= 0:
			return out, nil
		}
		if l, ok := ParseKmsgRecord(string(buf[:n]), boot); ok {
			out = append(out, l)
		}
	}
	return out, ctx.Err()
}

// ParseKmsgRecord parses a /dev/kmsg record, "pri,seq,usec,flags;text\n"
// followed by continuation lines, into its time (boot plus usec) and its
// text.
func ParseKmsgRecord(rec string, boot time.Time) (KernelLine, bool) {
	head, text, ok := strings.Cut(rec, ";")
	if !ok {
		return KernelLine{}, false
	}
	text, _, _ = strings.Cut(text, "\n")
	fields := strings.Split(head, ",")
	if len(fields) < 3 {
		return KernelLine{}, false
	}
	l := KernelLine{Text: printable([]byte(text))}
	if usec, err := strconv.ParseInt(fields[2], 10, 64); err == nil && !boot.IsZero() && usec >= 0 {
		l.Time = boot.Add(time.Duration(usec) * time.Microsecond)
	}
	return l, true
}

// ParseDmesgRaw parses `dmesg -r` output, "<6>[ 12.345678] text" lines.
func ParseDmesgRaw(text string, boot time.Time) []KernelLine {
	var out []KernelLine
	for line := range strings.SplitSeq(text, "\n") {
		if len(out) >= maxKernelLines {
			break
		}
		_, rest, ok := strings.Cut(line, "[")
		if !ok {
			continue
		}
		stamp, msg, ok := strings.Cut(rest, "]")
		if !ok {
			continue
		}
		l := KernelLine{Text: printable([]byte(strings.TrimPrefix(msg, " ")))}
		if sec, err := strconv.ParseFloat(strings.TrimSpace(stamp), 64); err == nil && !boot.IsZero() && sec >= 0 && sec < 1e10 {
			l.Time = boot.Add(time.Duration(sec * float64(time.Second)))
		}
		out = append(out, l)
	}
	return out
}

// bootTime is now less the uptime of procRoot/uptime; zero when unknown.
func bootTime(procRoot string, now time.Time) time.Time {
	s, err := readSmall(filepath.Join(procRoot, "uptime"))
	if err != nil {
		return time.Time{}
	}
	first, _, _ := strings.Cut(s, " ")
	up, err := strconv.ParseFloat(first, 64)
	if err != nil || up < 0 || up > 1e10 {
		return time.Time{}
	}
	return now.Add(-time.Duration(up * float64(time.Second)))
}

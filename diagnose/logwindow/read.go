package logwindow

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
)

// window is one Read's time window and bounds.
type window struct {
	from, now, until time.Time // lines dated in [from, until] count; until = now+FutureSlack
	loc              *time.Location
	maxBytes         int64
	rotated          bool
}

// dateClass says where a date falls.
type dateClass uint8

const (
	classUndated dateClass = iota
	classOld
	classIn
	classFuture
)

func (w *window) classify(t time.Time, ok bool) dateClass {
	switch {
	case !ok:
		return classUndated
	case t.Before(w.from):
		return classOld
	case t.After(w.until):
		return classFuture
	}
	return classIn
}

// Read reads the window of every file and summarises it. A file that cannot
// be read is listed in Result.Skipped with the reason, and the others are
// still read. Files are read one after the other; each is bounded by
// opt.MaxBytes.
func Read(files []File, opt Options) Result {
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	loc := opt.Location
	if loc == nil {
		loc = time.Local
	}
	w := &window{from: now.Add(-opt.Since), now: now, until: now.Add(FutureSlack), loc: loc,
		maxBytes: opt.MaxBytes, rotated: !opt.NoRotated}
	if w.maxBytes <= 0 {
		w.maxBytes = DefaultMaxBytes
	}
	t := newTally()
	var res Result
	for _, f := range files {
		stats, err := w.readFile(f, t, false)
		res.Summary.Files = append(res.Summary.Files, stats...)
		for _, st := range stats {
			res.Logs = append(res.Logs, st.Path)
		}
		if err != nil {
			res.Skipped = append(res.Skipped, diagnose.Skipped{Check: diagnose.CheckLogs, Reason: err.Error()})
		}
	}
	res.Summary.Since, res.Summary.From, res.Summary.To, res.Summary.Location = opt.Since, w.from, now, loc
	res.Summary.Upstreams, res.Summary.Proxy = t.summary()
	return res
}

// openRegular opens path for reading only when it is a regular file: a
// FIFO would block or never end, a device such as /dev/zero never ends,
// /dev/stdout (the docker images' access.log) is not a log on disk. The
// open does not block on a FIFO swapped in after the check.
func openRegular(path string) (*os.File, fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%s: not a regular file (%s)", path, fileKind(fi.Mode()))
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = fmt.Errorf("%s: not a regular file (%s)", path, fileKind(fi.Mode()))
		}
		return nil, nil, err
	}
	return f, fi, nil
}

func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a directory"
	}
	return m.Type().String()
}

// readErr words an error of reading a file for Skipped.
func readErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("cannot read %s: %w", path, pe.Err)
	}
	return fmt.Errorf("cannot read %s: %w", path, err)
}

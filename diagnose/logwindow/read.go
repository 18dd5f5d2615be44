package logwindow

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"sync"
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
	ctx              context.Context
}

// cancelled returns the context's error, looked at every 4096th line.
func (w *window) cancelled(line int) error {
	if line&4095 != 0 || w.ctx == nil {
		return nil
	}
	if err := w.ctx.Err(); err != nil {
		return fmt.Errorf("stopped: %w", err)
	}
	return nil
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
// still read. Up to opt.Concurrency files are read at the same time; each
// is bounded by opt.MaxBytes.
func Read(files []File, opt Options) Result {
	return ReadContext(context.Background(), files, opt)
}

// ReadContext is Read that stops when ctx is done: what was read until
// then is summarised, and the file being read and those not read are
// listed in Result.Skipped with ctx's error.
func ReadContext(ctx context.Context, files []File, opt Options) Result {
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	loc := opt.Location
	if loc == nil {
		loc = time.Local
	}
	since := opt.Since
	if since <= 0 {
		since = DefaultSince
	}
	w := &window{from: now.Add(-since), now: now, until: now.Add(FutureSlack), loc: loc,
		maxBytes: opt.MaxBytes, rotated: !opt.NoRotated, ctx: ctx}
	if w.maxBytes <= 0 {
		w.maxBytes = DefaultMaxBytes
	}
	t := newTally()
	type fileResult struct {
		stats []FileStats
		err   error
	}
	results := make([]fileResult, len(files))
	workers := opt.Concurrency
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, f := range files {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := ctx.Err(); err != nil {
				results[i].err = fmt.Errorf("%s not read: %w", f.Path, err)
				return
			}
			results[i].stats, results[i].err = w.readFile(f, t, false)
		})
	}
	wg.Wait()
	var res Result
	for _, r := range results {
		res.Summary.Files = append(res.Summary.Files, r.stats...)
		for _, st := range r.stats {
			res.Logs = append(res.Logs, st.Path)
		}
		for _, e := range splitErrors(r.err) {
			res.Skipped = append(res.Skipped, diagnose.Skipped{Check: diagnose.CheckLogs, Reason: e.Error()})
		}
	}
	res.Summary.Since, res.Summary.From, res.Summary.To, res.Summary.Location = since, w.from, now, loc
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

// splitErrors returns the errors joined in err (none for nil).
func splitErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// readErr words an error of reading a file for Skipped.
func readErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("cannot read %s: %w", path, pe.Err)
	}
	return fmt.Errorf("cannot read %s: %w", path, err)
}

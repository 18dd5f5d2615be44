package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// rotation is what logrotate does to a file.
type rotation int

const (
	renameRotation rotation = iota // file → file.1, create a new file
	copyTruncate                   // copy file to file.1, truncate file
)

func (r rotation) String() string {
	if r == copyTruncate {
		return "copytruncate"
	}
	return "rename"
}

// fileWriter appends paced lines to a log file the way nginx does
// (O_APPEND, one write per batch) and applies the rotations it is sent.
// After a rename it keeps writing to the old file descriptor for
// reopenDelay, like nginx until `nginx -s reopen`; during a copytruncate it
// pauses, so the copy-then-truncate race of logrotate loses no line.
type fileWriter struct {
	src         *source
	layout      string // time format of the lines
	keep        int    // rotated files kept: file.1 … file.keep
	reopenDelay time.Duration
	requests    chan rotation

	f        *os.File
	reopenAt time.Time // zero: no rename waiting for its reopen
	seq      uint64
	buf      []byte

	renames, truncations int
	oldFileLines         uint64        // lines written to renamed files before the reopen
	maxPause             time.Duration // longest copytruncate (writer paused)
}

func newFileWriter(src *source, layout string, keep int, reopenDelay time.Duration) (*fileWriter, error) {
	f, err := openLog(src.path)
	if err != nil {
		return nil, err
	}
	return &fileWriter{src: src, layout: layout, keep: keep, reopenDelay: reopenDelay, requests: make(chan rotation), f: f}, nil
}

func openLog(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open log: %w", err)
	}
	return f, nil
}

// run writes until the pacer's duration is over or ctx is done.
func (w *fileWriter) run(ctx context.Context, p *pacer, tick time.Duration) error {
	defer w.f.Close()
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case r := <-w.requests:
			if err := w.rotate(r); err != nil {
				return err
			}
		case now := <-t.C:
			if !w.reopenAt.IsZero() && !now.Before(w.reopenAt) {
				if err := w.reopen(); err != nil {
					return err
				}
			}
			if err := w.write(p.due(now), now); err != nil {
				return err
			}
			if p.finished(now) {
				return nil
			}
		}
	}
}

// write appends n lines in one write.
func (w *fileWriter) write(n int, now time.Time) error {
	if n == 0 {
		return nil
	}
	v := lineVars{time: now.AppendFormat(nil, w.layout)}
	w.buf = w.buf[:0]
	for range n {
		i := w.src.order[w.seq%uint64(len(w.src.order))]
		v.n = w.seq
		w.buf = append(render(w.buf, w.src.templates[i].text, &v), '\n')
		w.src.counts[i]++
		w.seq++
	}
	if !w.reopenAt.IsZero() {
		w.oldFileLines += uint64(n)
	}
	if _, err := w.f.Write(w.buf); err != nil {
		return fmt.Errorf("write %s: %w", w.src.path, err)
	}
	return nil
}

func (w *fileWriter) rotate(r rotation) error {
	if !w.reopenAt.IsZero() { // the previous rename's reopen comes first
		if err := w.reopen(); err != nil {
			return err
		}
	}
	if err := w.shift(); err != nil {
		return err
	}
	path := w.src.path
	if r == copyTruncate {
		start := time.Now()
		if err := copyFile(path, path+".1"); err != nil {
			return err
		}
		if err := os.Truncate(path, 0); err != nil {
			return fmt.Errorf("copytruncate: %w", err)
		}
		w.maxPause = max(w.maxPause, time.Since(start))
		w.truncations++
		return nil
	}
	if err := os.Rename(path, path+".1"); err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	created, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644) // logrotate's `create`
	if err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	created.Close()
	w.renames++
	w.reopenAt = time.Now().Add(w.reopenDelay)
	if w.reopenDelay <= 0 {
		return w.reopen()
	}
	return nil
}

// reopen switches from the renamed file to the new one (`nginx -s reopen`).
func (w *fileWriter) reopen() error {
	w.f.Close()
	f, err := openLog(w.src.path)
	if err != nil {
		return err
	}
	w.f, w.reopenAt = f, time.Time{}
	return nil
}

// shift renames file.N-1 → file.N … file.1 → file.2 (file.keep is replaced).
func (w *fileWriter) shift() error {
	for i := w.keep - 1; i >= 1; i-- {
		err := os.Rename(fmt.Sprintf("%s.%d", w.src.path, i), fmt.Sprintf("%s.%d", w.src.path, i+1))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("rotate: %w", err)
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("copytruncate: %w", err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return fmt.Errorf("copytruncate: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copytruncate: %w", err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("copytruncate: %w", err)
	}
	return nil
}

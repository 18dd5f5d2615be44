package archivelog

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// read reads c from where st says (nil: from its beginning).
func (r *Reader) read(c candidate, st *Position) {
	f, err := r.open(c.path)
	if errors.Is(err, os.ErrNotExist) {
		return // gone since the glob: the next scan forgets it
	}
	if err != nil { // unreadable (permissions): say so once, try again when it changes
		r.newHandler(c.path).Failed(err)
		r.mu.Lock()
		failed := &Position{Dev: c.id.dev, Ino: c.id.ino, Size: c.size, Failed: true, Name: c.path}
		if st != nil { // what was read stays read: a later open resumes there
			failed.Head, failed.Delivered = st.Head, st.Delivered
		}
		r.states[c.id] = failed
		r.mu.Unlock()
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return
	}
	if id, _ := identityOf(fi); id != c.id {
		return // replaced since the glob
	}
	head, err := headOf(f)
	if err != nil {
		return
	}
	from := int64(0)
	if st != nil && st.Delivered > 0 {
		from = st.Delivered
	}
	next := &Position{Dev: c.id.dev, Ino: c.id.ino, Head: head, Size: fi.Size(), Delivered: from, Name: c.path}
	r.mu.Lock()
	r.states[c.id] = next // its progress is seen (and saved) as it goes
	r.mu.Unlock()
	h := r.newHandler(c.path)
	err = r.stream(f, strings.HasSuffix(c.path, ".gz"), from, h, next)
	switch {
	case err == nil:
		next.Done = true
		h.Finished()
	case errors.Is(err, errStopped):
	case errors.Is(err, io.ErrUnexpectedEOF):
		next.Partial = true // still being written: read on when it grows
	default:
		next.Failed = true
		h.Failed(fmt.Errorf("%s: %w", c.path, err))
	}
	if r.split.cut > 0 {
		r.opts.Logger.Warn("Lines longer than the line limit were cut", "path", c.path, "lines", r.split.cut, "limit_bytes", r.opts.MaxLineBytes)
	}
	r.mu.Lock()
	r.states[c.id] = next
	r.mu.Unlock()
}

var errStopped = errors.New("archivelog: stopped")

// stream delivers the lines of f's content after its first from bytes,
// recording in pos how far lines were delivered. A nil error means the
// content ended where it should: a gzip stream's end with its checksum
// verified, or a plain file's end.
func (r *Reader) stream(f *os.File, gz bool, from int64, h Handler, pos *Position) error {
	var src io.Reader = bufio.NewReaderSize(f, chunkSize)
	if gz {
		zr, err := gzip.NewReader(src)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return io.ErrUnexpectedEOF // not even a header yet
			}
			return err
		}
		defer zr.Close()
		src = zr
	}
	for skipped := int64(0); skipped < from; { // what was delivered before, a chunk at a time: Stop stays prompt
		if r.stopped() {
			return errStopped
		}
		n, err := io.CopyN(io.Discard, src, min(from-skipped, 1<<20))
		skipped += n
		if errors.Is(err, io.EOF) {
			return io.ErrUnexpectedEOF
		}
		if err != nil {
			return err
		}
	}
	r.split.reset(from)
	buf := make([]byte, chunkSize)
	for {
		if r.stopped() {
			return errStopped
		}
		n, err := src.Read(buf)
		r.split.feed(buf[:n], h.Line)
		r.mu.Lock()
		pos.Delivered = r.split.delivered
		r.mu.Unlock()
		if errors.Is(err, io.EOF) {
			if !gz && r.split.delivered != r.split.pos {
				return io.ErrUnexpectedEOF // a plain file whose last line is not complete yet
			}
			r.split.finish(h.Line)
			r.mu.Lock()
			pos.Delivered = r.split.delivered
			r.mu.Unlock()
			return nil
		}
		if err != nil {
			return err
		}
	}
}

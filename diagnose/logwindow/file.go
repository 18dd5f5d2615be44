package logwindow

import (
	"errors"
	"io"
	"os"
)

// readFile reads the window of one file into t: backwards from its end to
// find where the window starts, then forwards from there, classifying each
// line in file order (the parsers join records that span lines). When the
// window starts before the file's first line, the rotated predecessor
// PATH.1 is read first (uncompressed only; PATH.2.gz and older are not).
func (w *window) readFile(f File, t *tally, predecessor bool) ([]FileStats, error) {
	st := FileStats{Path: f.Path, Format: f.Format, Predecessor: predecessor}
	h, err := w.newHandler(f, t)
	if err != nil {
		return nil, readErr(f.Path, err)
	}
	file, fi, err := openRegular(f.Path)
	if err != nil {
		return nil, readErr(f.Path, err)
	}
	defer file.Close()
	st.Size = fi.Size()
	return w.readOpened(f, file, h, t, st)
}

// readOpened reads the window of an opened file of st.Size bytes.
func (w *window) readOpened(f File, file io.ReaderAt, h lineHandler, t *tally, st FileStats) ([]FileStats, error) {
	start, scanned, err := w.findStart(file, h, &st)
	st.BytesRead = scanned
	var out []FileStats
	var prevErr error
	if errors.Is(err, errShrank) {
		st.Truncated, err = true, nil
	}
	if err != nil {
		return []FileStats{st}, readErr(f.Path, err)
	}
	if st.ReachedStart && w.rotated && !st.Predecessor {
		prev := f
		prev.Path = f.Path + ".1"
		if _, statErr := os.Stat(prev.Path); statErr == nil {
			ps, perr := w.readFile(prev, t, true)
			out = append(out, ps...)
			prevErr = perr // reported beside the current file's, which is still read
		}
	}
	st.Start = start
	if h.ordered() {
		err = w.readForwards(file, h, start, &st)
	}
	if errors.Is(err, errShrank) {
		st.Truncated, err = true, nil
	}
	out = append(out, st)
	if err != nil {
		return out, errors.Join(prevErr, readErr(f.Path, err))
	}
	return out, prevErr
}

// findStart reads backwards from the end of the file and returns the offset
// of the oldest line dated in the window: the reading stops after a run of
// StopAfterOldLines consecutive lines dated before the window (or
// StopAfterOldBytes of them), so that a few lines written out of order
// near the window's start do not end it early. scanned is how many bytes it
// read. A handler that does not need file order (access logs: one line, one
// request) is fed here, in this one pass; the others in readForwards.
func (w *window) findStart(file io.ReaderAt, h lineHandler, st *FileStats) (start, scanned int64, err error) {
	lo := max(0, st.Size-w.maxBytes)
	bs := newBackScanner(file, lo, st.Size, BlockSize, MaxLineBytes)
	start = st.Size
	var oldLines, oldBytes int64
	firstOld := false // the earliest dated line seen so far is before the window
	for n := 0; ; n++ {
		if err := w.cancelled(n); err != nil {
			return start, scanned, err
		}
		l, ok := bs.prev()
		if !ok {
			break
		}
		scanned = st.Size - l.Start
		if l.Partial {
			lo = l.Start + l.Full + 1 // the tail of a line cut by MaxBytes: not a line
			break
		}
		var class dateClass
		if h.ordered() {
			t, dated := h.date(l.Text)
			class = w.classify(t, dated)
		} else {
			class = w.count(h, l, st)
		}
		switch class {
		case classUndated:
			continue
		case classOld:
			oldLines++
			oldBytes += l.Full + 1
			firstOld = true
			if oldLines >= StopAfterOldLines || oldBytes >= StopAfterOldBytes {
				return start, scanned, nil
			}
			continue
		}
		oldLines, oldBytes, firstOld = 0, 0, false
		start = l.Start
	}
	if err := bs.Err(); err != nil {
		return start, scanned, err
	}
	if !firstOld {
		// No line before the window: it starts before what could be read.
		// The undated lines before the first dated one are counted too.
		start = min(lo, st.Size)
		st.Capped = lo > 0
		st.ReachedStart = lo == 0
	}
	return start, scanned, nil
}

// readForwards feeds the lines of [start, size) to the handler in file order.
func (w *window) readForwards(file io.ReaderAt, h lineHandler, start int64, st *FileStats) error {
	fs := newFwdScanner(file, start, st.Size, BlockSize, MaxLineBytes)
	defer h.flush()
	for n := 0; ; n++ {
		if err := w.cancelled(n); err != nil {
			st.BytesRead += fs.off - start
			return err
		}
		l, ok := fs.next()
		if !ok {
			st.BytesRead += fs.off - start
			return fs.Err()
		}
		w.count(h, l, st)
	}
}

// count dates one line, counts it in st by its date, and feeds it.
func (w *window) count(h lineHandler, l backLine, st *FileStats) dateClass {
	st.Lines++
	if l.Full > MaxLineBytes {
		st.Cut++
	}
	t, dated := h.date(l.Text)
	class := w.classify(t, dated)
	switch class {
	case classUndated:
		st.Undated++
	case classOld:
		st.Old++
	case classFuture:
		st.Future++
	default:
		st.InWindow++
	}
	if !h.feed(l.Text, class, t) {
		st.Unrecognized++
	}
	return class
}

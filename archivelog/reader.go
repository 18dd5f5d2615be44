package archivelog

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for zero Options fields.
const (
	DefaultMaxLineBytes = 1 << 20
	DefaultPollInterval = time.Second
	chunkSize           = 64 << 10
)

// Handler receives the lines of one file.
type Handler interface {
	Line(line []byte)
	// Finished: the file was read to its end.
	Finished()
	// Failed: the file cannot be read (corrupt gzip, I/O error); it is
	// not read again until it changes.
	Failed(err error)
}

// Options configure a Reader.
type Options struct {
	Glob string
	// FromBeginning reads the files that exist when reading starts; by
	// default they are remembered unread and only files that appear later
	// are read. Ignored with Resume.
	FromBeginning bool
	// Resume continues an earlier run: Positions are what it read, and
	// files without a position are new since then.
	Resume    bool
	Positions []Position
	// MaxLineBytes bounds a line (default 1 MiB): a longer one is cut.
	MaxLineBytes int
	// PollInterval is how often the glob is expanded again (default 1s).
	PollInterval time.Duration
	Logger       *slog.Logger
	// Forget, if set, is called (from the reading goroutine) with the path
	// of a file that no longer matches the glob: it is forgotten.
	Forget func(path string)
}

// Reader reads the files of a glob once each.
type Reader struct {
	opts       Options
	newHandler func(path string) Handler
	split      splitter

	mu     sync.Mutex
	states map[identity]*Position // files matching the glob at the last scan

	scans atomic.Int64                   // completed scans, for tests that wait for one
	open  func(string) (*os.File, error) // os.Open; a test makes it fail

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// Start checks opts, takes stock of the files already there and starts
// reading in a goroutine; newHandler is called, from that goroutine, when
// a file is about to be read.
func Start(opts Options, newHandler func(path string) Handler) (*Reader, error) {
	if _, err := filepath.Match(opts.Glob, ""); err != nil || opts.Glob == "" {
		return nil, fmt.Errorf("archivelog: bad glob %q", opts.Glob)
	}
	if opts.MaxLineBytes <= 0 {
		opts.MaxLineBytes = DefaultMaxLineBytes
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	r := &Reader{opts: opts, newHandler: newHandler, states: map[identity]*Position{}, open: os.Open,
		stop: make(chan struct{}), done: make(chan struct{}), split: splitter{max: opts.MaxLineBytes}}
	known := map[identity]Position{}
	for _, p := range opts.Positions {
		if p.Valid() {
			known[identity{p.Dev, p.Ino}] = p
		}
	}
	for _, c := range r.candidates() {
		switch p, ok := known[c.id]; {
		case opts.Resume && ok && headMatches(c.path, p):
			r.states[c.id] = &p
		case !opts.Resume && !opts.FromBeginning:
			if head, err := headOfFile(c.path); err == nil {
				r.states[c.id] = &Position{Dev: c.id.dev, Ino: c.id.ino, Head: head, Size: c.size, Delivered: -1, Done: true, Name: c.path}
			}
		}
	}
	go r.run()
	return r, nil
}

// Stop stops reading (within one chunk of a file) and waits.
func (r *Reader) Stop() error {
	r.once.Do(func() { close(r.stop) })
	<-r.done
	return nil
}

// Positions returns what was read of each file that matched the glob at
// the last scan.
func (r *Reader) Positions() []Position {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Position, 0, len(r.states))
	for _, p := range r.states {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (r *Reader) run() {
	defer close(r.done)
	t := time.NewTicker(r.opts.PollInterval)
	defer t.Stop()
	wake := make(chan struct{}, 1)
	if w := watchDir(r.opts.Glob, wake, r.stop); w != nil {
		defer w.Close()
	}
	for {
		r.scan()
		select {
		case <-r.stop:
			return
		case <-t.C:
		case <-wake:
		}
	}
}

// candidate is a regular file matching the glob.
type candidate struct {
	path string
	id   identity
	size int64
}

// candidates lists the matching regular files in name order (AWS names
// sort by time within a load balancer and node).
func (r *Reader) candidates() []candidate {
	paths, _ := filepath.Glob(r.opts.Glob)
	sort.Strings(paths)
	out := make([]candidate, 0, len(paths))
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		id, ok := identityOf(fi)
		if !ok {
			continue
		}
		out = append(out, candidate{path: p, id: id, size: fi.Size()})
	}
	return out
}

// scan reads every file that has something new and forgets the files
// that no longer match.
func (r *Reader) scan() {
	seen := map[identity]bool{}
	for _, c := range r.candidates() {
		seen[c.id] = true
		r.mu.Lock()
		st := r.states[c.id]
		r.mu.Unlock()
		unchanged := st != nil && st.Size == c.size && st.Name == c.path
		if unchanged && (st.Done || st.Failed || st.Partial) {
			continue // nothing new (checked without opening the file)
		}
		if st != nil && !headMatches(c.path, *st) {
			st = nil // same inode, other content: a new file
		}
		if st != nil && st.Delivered < 0 {
			continue // skipped when following started
		}
		if r.stopped() {
			return
		}
		r.read(c, st)
	}
	var gone []string
	r.mu.Lock()
	for id, p := range r.states {
		if !seen[id] {
			delete(r.states, id)
			gone = append(gone, p.Name)
		}
	}
	r.mu.Unlock()
	if r.opts.Forget != nil {
		for _, name := range gone {
			r.opts.Forget(name)
		}
	}
	r.scans.Add(1)
}

func (r *Reader) stopped() bool {
	select {
	case <-r.stop:
		return true
	default:
		return false
	}
}

func headOfFile(path string) (Fingerprint, error) {
	f, err := os.Open(path)
	if err != nil {
		return Fingerprint{}, err
	}
	defer f.Close()
	return headOf(f)
}

// headMatches reports whether the file at path starts as p's did.
func headMatches(path string, p Position) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var buf [fpSize]byte
	n, _ := f.ReadAt(buf[:p.Head.Len], 0)
	if n < p.Head.Len {
		return false
	}
	got, _ := headOf(readerAtBytes(buf[:n]))
	return got == p.Head
}

type readerAtBytes []byte

func (b readerAtBytes) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

package pipeline

import (
	"sync"

	"github.com/badgateway/badgateway_exporter/tailer"
)

// fileClaims makes sure a file that the globs of two `logs` entries match is
// counted by one of them only: the first to find it (entries start in
// config order). Handlers are made from the tail goroutines, hence the lock.
type fileClaims struct {
	mu     sync.Mutex
	owners map[string]string // file → the configured path (glob) that reads it
}

// claim reports whether owner may read file, recording it if so.
func (fc *fileClaims) claim(file, owner string) (bool, string) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.owners == nil {
		fc.owners = map[string]string{}
	}
	if o, ok := fc.owners[file]; ok && o != owner {
		return false, o
	}
	fc.owners[file] = owner
	return true, owner
}

// release forgets the files of owner (its tail group was stopped).
func (fc *fileClaims) release(owner string) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	for f, o := range fc.owners {
		if o == owner {
			delete(fc.owners, f)
		}
	}
}

// releaseFile forgets that owner reads file (a file of an archive log
// that is gone), so the claims do not grow with every file ever read.
func (fc *fileClaims) releaseFile(file, owner string) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.owners[file] == owner {
		delete(fc.owners, file)
	}
}

// handlerFor returns the handler of file for the log configured as owner.
// While another entry counts the file, it reads and drops its lines; it
// takes the file over, at the next line, once that entry is gone.
func (c *Pipeline) handlerFor(file, owner string, counters *counterSwitch) tailer.Handler {
	h := &claimingHandler{c: c, file: file, owner: owner, counters: counters}
	h.tryClaim()
	return h
}

// claimingHandler counts a file once its log holds the claim on it, with
// the log's current line counter.
type claimingHandler struct {
	c        *Pipeline
	file     string
	owner    string
	counters *counterSwitch
	factory  *counterFactory // the one counting's line counter came from
	counting *fileHandler    // nil while another entry counts the file
	warned   bool
}

func (h *claimingHandler) tryClaim() bool {
	ok, other := h.c.claims.claim(h.file, h.owner)
	if !ok {
		if !h.warned {
			h.c.logger.Warn("File matched by two logs entries; only the first counts it", "path", h.file, "counted_by", other, "also_matched_by", h.owner)
			h.warned = true
		}
		return false
	}
	logger := h.c.logger.With("path", h.file)
	h.factory = h.counters.cur.Load()
	h.counting = &fileHandler{lines: h.factory.newCounter(h.file, logger), logger: logger}
	return true
}

// current switches to the log's new line counter after a reload changed
// its settings; what the old one held (an open multi-line record) is
// counted first.
func (h *claimingHandler) current() *fileHandler {
	if f := h.counters.cur.Load(); f != h.factory {
		h.counting.lines.CaughtUp()
		h.factory = f
		h.counting.lines = f.newCounter(h.file, h.counting.logger)
	}
	return h.counting
}

func (h *claimingHandler) Line(line []byte) {
	if h.counting != nil || h.tryClaim() {
		h.current().Line(line)
	}
}

func (h *claimingHandler) Event(ev tailer.Event) {
	if h.counting != nil {
		h.current().Event(ev)
	}
}

// Holding reports whether the file's line counter holds lines read but not
// counted yet (the parts of a split container-log line): see tailer.Holder.
func (h *claimingHandler) Holding() bool {
	if h.counting == nil {
		return false
	}
	held, ok := h.counting.lines.(tailer.Holder)
	return ok && held.Holding()
}

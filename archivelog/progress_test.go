package archivelog

import (
	"path/filepath"
	"testing"
	"time"
)

// progressHandler records the reader's positions at its last line.
type progressHandler struct {
	r     **Reader
	lines int
	at    int
	seen  []Position
}

func (p *progressHandler) Line([]byte) {
	if p.lines++; p.lines == p.at {
		p.seen = (*p.r).Positions()
	}
}
func (p *progressHandler) Finished()    {}
func (p *progressHandler) Failed(error) {}

// While a file is read, the lines delivered so far are in Positions (the
// periodic save sees them), not only after the whole file.
func TestProgressVisibleWhileReading(t *testing.T) {
	dir := t.TempDir()
	writeRenamed(t, filepath.Join(dir, "big.log.gz"), gzipLines(t, "a line of a big archived log", 100000))
	var r *Reader
	h := &progressHandler{r: &r, at: 90000}
	r, err := Start(Options{Glob: filepath.Join(dir, "*.log.gz"), FromBeginning: true, PollInterval: time.Hour}, func(string) Handler { return h })
	if err != nil {
		t.Fatal(err)
	}
	r.Stop()
	r.stop = make(chan struct{})
	r.scan()
	if len(h.seen) != 1 || h.seen[0].Delivered == 0 {
		t.Fatalf("positions at line %d: %+v, want the file with its progress", h.at, h.seen)
	}
}

package logwindow

import (
	"sort"
	"time"
	"unicode/utf8"
)

// causeTally accumulates one cause of one upstream (or of the proxy).
type causeTally struct {
	count       int64
	first, last time.Time
	kept        [EvidenceLines]evidenceLine // the newest lines by date
	n           int                         // kept slots in use
	seq         uint64
}

// evidenceLine is a kept line: its head, raw (sanitized only when the
// summary is made), its date and the order it came in (ties of dates: the
// later line is the newer).
type evidenceLine struct {
	head []byte
	at   time.Time
	seq  uint64
}

func (e *evidenceLine) newer(o *evidenceLine) bool {
	if !e.at.Equal(o.at) {
		return e.at.After(o.at)
	}
	return e.seq > o.seq
}

// note counts one line dated t and keeps it when it is among the
// EvidenceLines newest, whatever order the lines come in (files read at
// the same time, out-of-order lines). Keeping evidence allocates only until
// the slots have grown.
func (c *causeTally) note(t time.Time, line []byte) {
	if c.count == 0 || t.Before(c.first) {
		c.first = t
	}
	if c.count == 0 || !t.Before(c.last) {
		c.last = t
	}
	c.count++
	c.seq++
	cand := evidenceLine{at: t, seq: c.seq}
	slot := c.n
	if c.n < EvidenceLines {
		c.n++
	} else {
		slot = 0
		for i := 1; i < EvidenceLines; i++ {
			if c.kept[slot].newer(&c.kept[i]) {
				slot = i // the oldest kept
			}
		}
		if !cand.newer(&c.kept[slot]) {
			return
		}
	}
	e := &c.kept[slot]
	e.at, e.seq = cand.at, cand.seq
	e.head = append(e.head[:0], line[:min(len(line), EvidenceBytes+utf8.UTFMax)]...)
}

// evidence returns the kept lines, newest first.
func (c *causeTally) evidence() []string {
	kept := c.kept[:c.n]
	sort.Slice(kept, func(i, j int) bool { return kept[i].newer(&kept[j]) })
	out := make([]string, 0, len(kept))
	for i := range kept {
		out = append(out, string(appendEvidence(nil, kept[i].head)))
	}
	return out
}

// appendEvidence appends line cut to EvidenceBytes (on a rune boundary),
// with invalid UTF-8 and control bytes replaced, so that it can be shown and
// put into JSON as it is.
func appendEvidence(dst, line []byte) []byte {
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRune(line[i:])
		if r == utf8.RuneError && size <= 1 || r < 0x20 || r == 0x7f {
			r = utf8.RuneError
		}
		if len(dst)+utf8.RuneLen(r) > EvidenceBytes-len("…") && i+size < len(line) {
			return append(dst, "…"...)
		}
		dst = utf8.AppendRune(dst, r)
		i += size
	}
	return dst
}

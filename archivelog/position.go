// Package archivelog reads files that are written whole and never appended
// to once complete - AWS load balancer access logs, as `aws s3 sync` leaves
// them (.log.gz; Classic .log) - each file once, also across restarts.
//
// A Reader expands a glob every poll interval and reads, in name order,
// each matching file it has not finished: gzip is streamed (never held in
// memory; lines are cut at a limit), plain files are read as they are.
// What it read is kept per file as a Position (device and inode, a
// fingerprint of the first bytes, the compressed size and how many
// decompressed bytes were delivered), which the caller saves and hands back
// after a restart. A file that ends early (a .gz still being written:
// unexpected EOF) keeps what was delivered and is read on when it grows,
// from the first byte not yet delivered, so no line is counted twice; a
// corrupt file is given up until it changes. It is a leaf package.
package archivelog

import (
	"errors"
	"hash/fnv"
	"io"
	"os"
	"syscall"
)

// fpSize is how many first bytes identify a file's content.
const fpSize = 64

// Fingerprint is a hash of a file's first bytes and their number.
type Fingerprint struct {
	Len int    `json:"len"`
	Sum uint64 `json:"sum"`
}

// Position is how far one file was read.
type Position struct {
	Dev  uint64      `json:"dev"`
	Ino  uint64      `json:"ino"`
	Head Fingerprint `json:"head"` // the file's first bytes
	Size int64       `json:"size"` // file size when it was last read
	// Delivered is how many bytes of content (decompressed for .gz) were
	// handed out as complete lines; -1 for a file skipped unread (present
	// when following started without from_beginning).
	Delivered int64  `json:"delivered"`
	Done      bool   `json:"done"`              // read to its end
	Partial   bool   `json:"partial,omitempty"` // ended early (still being written): read on when it grows
	Failed    bool   `json:"failed,omitempty"`  // corrupt: not read again until it changes
	Name      string `json:"name"`              // its path when last read (informational)
}

// Valid reports whether p could have been written by a Reader.
func (p Position) Valid() bool {
	return p.Head.Len >= 0 && p.Head.Len <= fpSize && p.Size >= 0 && p.Delivered >= -1
}

// identity is what tells files apart whatever their names.
type identity struct{ dev, ino uint64 }

func identityOf(fi os.FileInfo) (identity, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return identity{}, false
	}
	return identity{uint64(st.Dev), uint64(st.Ino)}, true //nolint:unconvert // Dev's type differs between platforms
}

// headOf fingerprints the first bytes of f.
func headOf(f io.ReaderAt) (Fingerprint, error) {
	var buf [fpSize]byte
	n, err := f.ReadAt(buf[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return Fingerprint{}, err
	}
	h := fnv.New64a()
	h.Write(buf[:n])
	return Fingerprint{Len: n, Sum: h.Sum64()}, nil
}

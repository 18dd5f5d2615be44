package tailer

import (
	"errors"
	"hash/fnv"
	"io"
	"os"
	"syscall"
)

// Position is how far a file was read, keyed by the file's identity
// (device and inode) rather than its name, so that it survives renames. The
// fingerprints tell a file that was truncated and rewritten, or a recycled
// inode, from the file that was read: a Position is trusted only while the
// file still holds the same first bytes and the same bytes just before
// Offset.
type Position struct {
	Dev    uint64      `json:"dev"`
	Ino    uint64      `json:"ino"`
	Offset int64       `json:"offset"` // every line before it was delivered
	Head   Fingerprint `json:"head"`   // the file's first bytes
	Tail   Fingerprint `json:"tail"`   // the bytes just before Offset
	Name   string      `json:"name"`   // the path it was last read under (informational)
}

// Fingerprint is a hash of up to fpSize bytes and their number.
type Fingerprint struct {
	Len int    `json:"len"`
	Sum uint64 `json:"sum"`
}

// fileID identifies a file whatever its name.
type fileID struct{ dev, ino uint64 }

// idOf returns the identity of a file from its stat; ok is false where the
// platform gives none (then files are told apart by os.SameFile only).
func idOf(fi os.FileInfo) (id fileID, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{uint64(st.Dev), uint64(st.Ino)}, true //nolint:unconvert // Dev's type differs between platforms
}

func (p Position) id() fileID { return fileID{p.Dev, p.Ino} }

func sum(b []byte) Fingerprint {
	h := fnv.New64a()
	h.Write(b)
	return Fingerprint{Len: len(b), Sum: h.Sum64()}
}

// fingerprintAt hashes the n bytes of f at off; ok is false if they are not
// all there.
func fingerprintAt(f io.ReaderAt, off int64, n int) (fp Fingerprint, ok bool, err error) {
	var buf [fpSize]byte
	if n > fpSize || off < 0 {
		return Fingerprint{}, false, nil
	}
	m, err := f.ReadAt(buf[:n], off)
	if m < n {
		if err == nil || errors.Is(err, io.EOF) {
			return Fingerprint{}, false, nil
		}
		return Fingerprint{}, false, err
	}
	return sum(buf[:n]), true, nil
}

// positionOf fingerprints f, of size size, as read up to off.
func positionOf(f io.ReaderAt, id fileID, size, off int64, name string) (Position, error) {
	p := Position{Dev: id.dev, Ino: id.ino, Offset: off, Name: name}
	var err error
	if p.Head, _, err = fingerprintAt(f, 0, int(min(size, fpSize))); err != nil {
		return p, err
	}
	tail := min(off, fpSize)
	p.Tail, _, err = fingerprintAt(f, off-tail, int(tail))
	return p, err
}

// matches reports whether f, of size size, still holds what p was read from.
func (p Position) matches(f io.ReaderAt, size int64) bool {
	if size < p.Offset || int64(p.Head.Len) > size {
		return false
	}
	head, ok, err := fingerprintAt(f, 0, p.Head.Len)
	if err != nil || !ok || head != p.Head {
		return false
	}
	tail, ok, err := fingerprintAt(f, p.Offset-int64(p.Tail.Len), p.Tail.Len)
	return err == nil && ok && tail == p.Tail
}

// Package positions keeps, in one file, how far the exporter read each log
// file, so that a restart continues there: lines written while the exporter
// was down are counted, lines already counted are not counted again (except
// those read after the last save before a crash: at most one sync period).
//
// Like Promtail's positions.yaml, Filebeat's registry and Fluent Bit's DB,
// the file is rewritten whole, atomically (write to a temporary file, fsync,
// rename, fsync the directory), so a crash leaves the old or the new
// version, never a mix. Files are recorded by device and inode with
// fingerprints (see tailer.Position), under the configured path (glob) of
// the log that reads them. One process at a time may use a positions file:
// it is locked with flock(2) while open.
package positions

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/badgateway/badgateway_exporter/archivelog"
	"github.com/badgateway/badgateway_exporter/tailer"
)

// maxFileBytes bounds what Open reads: a larger file is not ours.
const maxFileBytes = 64 << 20

const formatVersion = 1

// Logs are the positions of the files of each log, by configured path.
type Logs map[string][]tailer.Position

// Archives are what was read of the files of each archive log (AWS access
// logs: files read once each), by configured path.
type Archives map[string][]archivelog.Position

// document is the file's content. Archives was added later, omitted when
// empty: files written without archive logs are unchanged.
type document struct {
	Version  int      `json:"version"`
	Logs     Logs     `json:"logs"`
	Archives Archives `json:"archives,omitempty"`
	// S3 is where the logs read from S3 stand, by source
	// (s3://BUCKET/PREFIX); see S3Position.
	S3 map[string]S3Position `json:"s3,omitempty"`
}

// Store is an open positions file. Its methods may be called from several
// goroutines (the pipeline's saves, each S3 source's).
type Store struct {
	path string
	lock *os.File
	mu   sync.Mutex // guards logs, s3 and the file's writes
	logs Logs
	s3   map[string]S3Position

	archives Archives
}

// ErrLocked is returned by Open when another process uses the file.
var ErrLocked = errors.New("positions file is in use by another process")

// Open locks and reads the positions file at path, creating its directory
// if needed. A missing file is an empty store. A file that cannot be
// decoded is an error: the caller decides whether to start afresh (Reset).
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("positions: %w", err)
	}
	lock, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("positions: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("positions: %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("positions: lock %s: %w", path, err)
	}
	s := &Store{path: path, lock: lock, logs: Logs{}, s3: map[string]S3Position{}, archives: Archives{}}
	if err := s.load(); err != nil {
		return s, err
	}
	return s, nil
}

func (s *Store) load() error {
	f, err := os.Open(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("positions: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return fmt.Errorf("positions: %w", err)
	}
	if len(data) > maxFileBytes {
		return fmt.Errorf("positions: %s: larger than %d bytes", s.path, maxFileBytes)
	}
	var doc document
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("positions: %s: %w", s.path, err)
	}
	if doc.Version != formatVersion {
		return fmt.Errorf("positions: %s: version %d, want %d", s.path, doc.Version, formatVersion)
	}
	for log, ps := range doc.Logs {
		for _, p := range ps {
			if p.Offset < 0 || p.Head.Len < 0 || p.Head.Len > 64 || p.Tail.Len < 0 || p.Tail.Len > 64 || int64(p.Tail.Len) > p.Offset {
				return fmt.Errorf("positions: %s: log %q: invalid position %+v", s.path, log, p)
			}
		}
	}
	for src, p := range doc.S3 {
		if err := p.check(); err != nil {
			return fmt.Errorf("positions: %s: s3 source %q: %w", s.path, src, err)
		}
	}
	for log, ps := range doc.Archives {
		for _, p := range ps {
			if !p.Valid() {
				return fmt.Errorf("positions: %s: archive log %q: invalid position %+v", s.path, log, p)
			}
		}
	}
	if doc.Logs != nil {
		s.logs = doc.Logs
	}
	if doc.Archives != nil {
		s.archives = doc.Archives
	}
	if doc.S3 != nil {
		s.s3 = doc.S3
	}
	return nil
}

// Path is the positions file.
func (s *Store) Path() string { return s.path }

// Lookup returns the positions saved for a log, and whether the log was
// followed (saved) before.
func (s *Store) Lookup(log string) ([]tailer.Position, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, ok := s.logs[log]
	return ps, ok
}

// Reset forgets what was loaded (a file that could not be read).
func (s *Store) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logs, s.s3, s.archives = Logs{}, map[string]S3Position{}, Archives{}
}

// LookupArchive returns what was read of an archive log's files, and
// whether the log was saved before.
func (s *Store) LookupArchive(log string) ([]archivelog.Position, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, ok := s.archives[log]
	return ps, ok
}

// SaveAll replaces the followed logs' and the archive logs' positions,
// atomically; the S3 section is kept.
func (s *Store) SaveAll(logs Logs, archives Archives) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.archives
	s.archives = archives
	if err := s.write(logs, s.s3); err != nil {
		s.archives = old
		return err
	}
	s.logs = logs
	return nil
}

// Save replaces the followed logs' positions with logs, atomically; the
// archive logs' and the S3 section are kept.
func (s *Store) Save(logs Logs) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.write(logs, s.s3); err != nil {
		return err
	}
	s.logs = logs
	return nil
}

// write replaces the file's content (with the archive logs' positions
// held), atomically. Called with mu held.
func (s *Store) write(logs Logs, s3 map[string]S3Position) error {
	data, err := json.MarshalIndent(document{Version: formatVersion, Logs: logs, Archives: s.archives, S3: s3}, "", " ")
	if err != nil {
		return fmt.Errorf("positions: %w", err)
	}
	if err := writeAtomic(s.path, append(data, '\n')); err != nil {
		return fmt.Errorf("positions: %w", err)
	}
	return nil
}

// Close releases the lock.
func (s *Store) Close() error { return s.lock.Close() }

// writeAtomic writes data to path through a temporary file in the same
// directory: fsync, rename, fsync of the directory.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

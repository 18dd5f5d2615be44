package positions

import (
	"encoding/base64"
	"errors"
	"maps"
	"unicode/utf8"
)

// maxS3KeyBytes is S3's limit on an object key's length.
const maxS3KeyBytes = 1024

// S3Position is how far a log read from S3 stands: every object up to
// LastKey, in key order, has been counted. A key that is not valid UTF-8
// (JSON would change it) is kept in LastKeyBase64 instead.
type S3Position struct {
	LastKey       string `json:"last_key,omitempty"`
	LastKeyBase64 string `json:"last_key_base64,omitempty"`
}

// NewS3Position records key as the last object counted.
func NewS3Position(key string) S3Position {
	if utf8.ValidString(key) {
		return S3Position{LastKey: key}
	}
	return S3Position{LastKeyBase64: base64.StdEncoding.EncodeToString([]byte(key))}
}

// Key is the last object counted ("" for none).
func (p S3Position) Key() string {
	if p.LastKeyBase64 == "" {
		return p.LastKey
	}
	b, _ := base64.StdEncoding.DecodeString(p.LastKeyBase64) // checked at load
	return string(b)
}

func (p S3Position) check() error {
	if p.LastKey != "" && p.LastKeyBase64 != "" {
		return errors.New("both last_key and last_key_base64")
	}
	if p.LastKeyBase64 != "" {
		b, err := base64.StdEncoding.DecodeString(p.LastKeyBase64)
		if err != nil {
			return err
		}
		if len(b) > maxS3KeyBytes {
			return errors.New("last_key_base64 longer than an S3 key")
		}
	}
	if len(p.LastKey) > maxS3KeyBytes {
		return errors.New("last_key longer than an S3 key")
	}
	return nil
}

// LookupS3 returns where the S3 source (s3://BUCKET/PREFIX) stood, and
// whether it was saved before.
func (s *Store) LookupS3(source string) (S3Position, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.s3[source]
	return p, ok
}

// SaveS3 records, atomically, where the S3 source stands; the rest of the
// file is kept. An S3 source saves after each object, so that a restart
// neither reads an object again nor skips one.
func (s *Store) SaveS3(source string, p S3Position) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := maps.Clone(s.s3)
	next[source] = p
	if err := s.write(s.logs, next); err != nil {
		return err
	}
	s.s3 = next
	return nil
}

// ForgetS3 drops the S3 sources not in keep from the file at its next
// write (sources no longer configured).
func (s *Store) ForgetS3(keep map[string]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	maps.DeleteFunc(s.s3, func(src string, _ S3Position) bool { return !keep[src] })
}

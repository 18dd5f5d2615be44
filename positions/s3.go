package positions

import (
	"encoding/base64"
	"errors"
	"maps"
	"unicode/utf8"
)

// maxS3KeyBytes is S3's limit on an object key's length.
const maxS3KeyBytes = 1024

// maxS3DoneKeys bounds the done keys of one source (two days of a busy
// prefix are a few thousand).
const maxS3DoneKeys = 1 << 20

// S3Position is how far a log read from S3 stands: LastKey is the greatest
// key counted, Done the keys counted in the window that is listed again at
// each poll (see package s3source). Keys that are not valid UTF-8 (JSON
// would change them) are kept in base64 in the *Base64 fields instead.
type S3Position struct {
	LastKey       string   `json:"last_key,omitempty"`
	LastKeyBase64 string   `json:"last_key_base64,omitempty"`
	Done          []string `json:"done,omitempty"`
	DoneBase64    []string `json:"done_base64,omitempty"`
	// InProgress is the object being read at a clean stop, and how many of
	// its lines were counted: the next run skips them.
	InProgress *S3InProgress `json:"in_progress,omitempty"`
}

// S3InProgress is an object partly counted.
type S3InProgress struct {
	Key   string `json:"key"`
	Lines int    `json:"lines"`
}

// WithInProgress records that the first lines of key were counted (a key
// that is not valid UTF-8 is not recorded: that object is read whole again).
func (p S3Position) WithInProgress(key string, lines int) S3Position {
	if key != "" && lines > 0 && utf8.ValidString(key) {
		p.InProgress = &S3InProgress{Key: key, Lines: lines}
	}
	return p
}

// NewS3Position records last and done.
func NewS3Position(last string, done []string) S3Position {
	var p S3Position
	if utf8.ValidString(last) {
		p.LastKey = last
	} else {
		p.LastKeyBase64 = base64.StdEncoding.EncodeToString([]byte(last))
	}
	for _, k := range done {
		if utf8.ValidString(k) {
			p.Done = append(p.Done, k)
		} else {
			p.DoneBase64 = append(p.DoneBase64, base64.StdEncoding.EncodeToString([]byte(k)))
		}
	}
	return p
}

// Keys are the last key counted ("" for none) and the done keys.
func (p S3Position) Keys() (last string, done []string) {
	last = p.LastKey
	if p.LastKeyBase64 != "" {
		b, _ := base64.StdEncoding.DecodeString(p.LastKeyBase64) // checked at load
		last = string(b)
	}
	done = append(done, p.Done...)
	for _, k := range p.DoneBase64 {
		b, _ := base64.StdEncoding.DecodeString(k)
		done = append(done, string(b))
	}
	return last, done
}

func (p S3Position) check() error {
	if p.LastKey != "" && p.LastKeyBase64 != "" {
		return errors.New("both last_key and last_key_base64")
	}
	if len(p.Done)+len(p.DoneBase64) > maxS3DoneKeys {
		return errors.New("too many done keys")
	}
	if ip := p.InProgress; ip != nil && (ip.Key == "" || len(ip.Key) > maxS3KeyBytes || ip.Lines < 0) {
		return errors.New("invalid in_progress")
	}
	for _, k := range append([]string{p.LastKeyBase64}, p.DoneBase64...) {
		b, err := base64.StdEncoding.DecodeString(k)
		if err != nil {
			return err
		}
		if len(b) > maxS3KeyBytes {
			return errors.New("a key longer than S3 allows")
		}
	}
	for _, k := range append([]string{p.LastKey}, p.Done...) {
		if len(k) > maxS3KeyBytes {
			return errors.New("a key longer than S3 allows")
		}
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

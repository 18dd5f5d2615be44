package positions

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/tailer"
)

func TestSaveAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "positions.json")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Lookup("/var/log/nginx/error.log*"); ok {
		t.Fatal("a new store knows a log")
	}
	logs := Logs{"/var/log/nginx/error.log*": {{Dev: 2049, Ino: 1234, Offset: 4096,
		Head: tailer.Fingerprint{Len: 64, Sum: 1}, Tail: tailer.Fingerprint{Len: 64, Sum: 2}, Name: "/var/log/nginx/error.log"}}}
	if err := s.Save(logs); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}

	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, ok := s2.Lookup("/var/log/nginx/error.log*")
	if !ok || !reflect.DeepEqual(got, logs["/var/log/nginx/error.log*"]) {
		t.Fatalf("reopened: %+v (known %v), want %+v", got, ok, logs)
	}
}

// Two processes must not share a positions file: each would overwrite what
// the other saved. flock locks belong to an open file, so a second Open in
// this process is refused like another process would be.
func TestLockedByAnother(t *testing.T) {
	path := filepath.Join(t.TempDir(), "positions.json")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s2.Close()
}

// A damaged or foreign file is an error naming the file; the store stays
// usable (locked, empty after Reset) so the exporter can start afresh.
func TestHostileFiles(t *testing.T) {
	for name, content := range map[string]string{
		"not json":          "\xff\xfe garbage",
		"truncated":         `{"version":1,"logs":{"/a":[{"dev":1,"ino":2,"off`,
		"unknown field":     `{"version":1,"logs":{},"extra":true}`,
		"other version":     `{"version":99,"logs":{}}`,
		"negative offset":   `{"version":1,"logs":{"/a":[{"dev":1,"ino":2,"offset":-5}]}}`,
		"tail before start": `{"version":1,"logs":{"/a":[{"dev":1,"ino":2,"offset":3,"tail":{"len":64,"sum":1}}]}}`,
		"huge head":         `{"version":1,"logs":{"/a":[{"dev":1,"ino":2,"offset":300,"head":{"len":100000,"sum":1}}]}}`,
		"too large":         `{"version":1,"logs":{}}` + strings.Repeat(" ", maxFileBytes),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "positions.json")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path)
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("Open: %v, want an error naming %s", err, path)
			}
			defer s.Close()
			s.Reset()
			if _, ok := s.Lookup("/a"); ok {
				t.Fatal("a damaged file's logs are used")
			}
			if err := s.Save(Logs{"/b": nil}); err != nil {
				t.Fatalf("cannot save over a damaged file: %v", err)
			}
		})
	}
}

func TestUnwritableDirectory(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(blocker, "positions.json")); err == nil {
		t.Fatal("Open under a regular file succeeded")
	}
}

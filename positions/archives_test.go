package positions

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/archivelog"
	"github.com/badgateway/badgateway_exporter/tailer"
)

func TestArchivesSavedAndLoaded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "positions.json")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	done := archivelog.Position{Dev: 1, Ino: 2, Head: archivelog.Fingerprint{Len: 64, Sum: 9}, Size: 1000, Delivered: 5000, Done: true, Name: "/alb/a.log.gz"}
	if err := s.SaveAll(Logs{"/x.log": {{Dev: 1, Ino: 3, Offset: 10}}}, Archives{"/alb/*.log.gz": {done}}); err != nil {
		t.Fatal(err)
	}
	// Save (the followed logs only) keeps the archives.
	if err := s.Save(Logs{"/x.log": {{Dev: 1, Ino: 3, Offset: 20}}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, ok := s.LookupArchive("/alb/*.log.gz")
	if !ok || len(got) != 1 || got[0] != done {
		t.Fatalf("LookupArchive = %+v %v", got, ok)
	}
	if ps, _ := s.Lookup("/x.log"); len(ps) != 1 || ps[0].Offset != 20 {
		t.Fatalf("Lookup = %+v", ps)
	}
}

func TestFileWithoutArchivesIsUnchanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "positions.json")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Save(Logs{"/x.log": []tailer.Position{{Dev: 1, Ino: 3, Offset: 10}}}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "archives") {
		t.Fatalf("a file without archive logs names them:\n%s", data)
	}
}

func TestInvalidArchivePosition(t *testing.T) {
	path := filepath.Join(t.TempDir(), "positions.json")
	doc := `{"version":1,"logs":{},"archives":{"/alb/*.log.gz":[{"dev":1,"ino":2,"head":{"len":65,"sum":0},"size":1,"delivered":0,"done":true,"name":"a"}]}}`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if s != nil {
		defer s.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "invalid position") {
		t.Fatalf("Open = %v, want an invalid position error", err)
	}
}

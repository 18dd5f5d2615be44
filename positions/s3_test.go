package positions

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestS3PositionsSurviveReopenAndFileSaves(t *testing.T) {
	path := filepath.Join(t.TempDir(), "positions.json")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	const src = "s3://lb-logs/AWSLogs/1/elasticloadbalancing/eu-west-1/"
	if _, ok := s.LookupS3(src); ok {
		t.Fatal("a new store knows an S3 source")
	}
	invalid := "AWSLogs/1/2026/12/02/bad-\xff\xfe.log.gz"
	done := []string{"AWSLogs/1/2026/12/02/a.log.gz", invalid}
	if err := s.SaveS3(src, NewS3Position(invalid, done).WithInProgress("AWSLogs/1/2026/12/02/b.log.gz", 42)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveS3("s3://other/", NewS3Position("a/b.log", nil)); err != nil {
		t.Fatal(err)
	}
	// A save of the file logs keeps the S3 section.
	if err := s.Save(Logs{"/var/log/x.log": {{Dev: 1, Ino: 2, Offset: 3, Name: "/var/log/x.log"}}}); err != nil {
		t.Fatal(err)
	}
	s.ForgetS3(map[string]bool{src: true})
	if err := s.Save(Logs{}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	p, ok := s2.LookupS3(src)
	last, gotDone := p.Keys()
	if !ok || last != invalid || !slices.Equal(gotDone, done) {
		t.Errorf("reopened: %+v (known %v), keys %q %q, want %q %q", p, ok, last, gotDone, invalid, done)
	}
	if ip := p.InProgress; ip == nil || *ip != (S3InProgress{Key: "AWSLogs/1/2026/12/02/b.log.gz", Lines: 42}) {
		t.Errorf("in progress = %+v", ip)
	}
	if _, ok := s2.LookupS3("s3://other/"); ok {
		t.Error("a forgotten S3 source is still in the file")
	}
}

func TestInvalidS3PositionsRefused(t *testing.T) {
	for name, s3 := range map[string]string{
		"both":        `{"x": {"last_key": "a", "last_key_base64": "YQ=="}}`,
		"bad base64":  `{"x": {"last_key_base64": "!!"}}`,
		"too long":    `{"x": {"last_key": "` + strings.Repeat("k", 1025) + `"}}`,
		"unknown":     `{"x": {"last": "a"}}`,
		"bad done":    `{"x": {"done_base64": ["!!"]}}`,
		"bad partial": `{"x": {"in_progress": {"key": "", "lines": 3}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "positions.json")
			if err := os.WriteFile(path, []byte(`{"version": 1, "logs": {}, "s3": `+s3+`}`), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path)
			if err == nil {
				t.Fatal("no error")
			}
			s.Close()
		})
	}
}

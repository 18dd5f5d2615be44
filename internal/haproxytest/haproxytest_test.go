package haproxytest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindHonoursEnv(t *testing.T) {
	dir := t.TempDir()
	exe, plain := filepath.Join(dir, "my-haproxy"), filepath.Join(dir, "not-executable")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvBinary, exe)
	if got, err := find(); err != nil || got != exe {
		t.Errorf("find() = %q, %v; want $%s = %s", got, err, EnvBinary, exe)
	}
	for _, bad := range []string{plain, dir, filepath.Join(dir, "absent")} {
		t.Setenv(EnvBinary, bad)
		if got, err := find(); err == nil || !strings.Contains(err.Error(), EnvBinary) {
			t.Errorf("$%s=%s: find() = %q, %v; want an error naming the variable", EnvBinary, bad, got, err)
		}
	}
}

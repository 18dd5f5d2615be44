package nginxtest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"
)

// WaitForLine polls the file at path, at most PollTries times PollInterval
// apart, until it has a complete line containing every one of substrs, and
// returns the first such line without its newline. A missing file counts as
// empty.
func WaitForLine(path string, substrs ...string) (string, error) {
	for i := range PollTries {
		lines, err := readLines(path)
		if err != nil {
			return "", err
		}
		for _, l := range lines {
			if containsAll(l, substrs) {
				return l, nil
			}
		}
		if i < PollTries-1 {
			time.Sleep(PollInterval)
		}
	}
	return "", fmt.Errorf("nginxtest: no line with %q in %s after %v", substrs, path, PollTries*PollInterval)
}

// WaitErrorLog is WaitForLine on the error log.
func (n *Nginx) WaitErrorLog(substrs ...string) (string, error) {
	return WaitForLine(n.ErrorLogPath(), substrs...)
}

// ErrorLogLines returns the complete lines of the error log that contain
// every one of substrs (all lines when none are given).
func (n *Nginx) ErrorLogLines(substrs ...string) ([]string, error) {
	lines, err := readLines(n.ErrorLogPath())
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range lines {
		if containsAll(l, substrs) {
			out = append(out, l)
		}
	}
	return out, nil
}

// readLines returns the newline-terminated lines of a file; a line still
// being written is left out.
func readLines(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("nginxtest: %w", err)
	}
	s := string(b)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	} else {
		return nil, nil
	}
	return strings.Split(s, "\n"), nil
}

func containsAll(s string, substrs []string) bool {
	for _, sub := range substrs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

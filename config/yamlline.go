package config

import (
	"bytes"
	"errors"
	"regexp"

	"gopkg.in/yaml.v3"
)

// yaml.v3 (v3.0.1) reports a syntax error at the line where the enclosing
// block starts, counted from 0 ("line 1: did not find expected '-'
// indicator" for a bad indent on line 4). syntaxError finds the line
// itself: the first line whose prefix of the file fails with the same
// message.

var yamlLinePrefix = regexp.MustCompile(`^yaml: line \d+: `)

// maxSyntaxSearchLines bounds the search (a parse per line): a longer file
// keeps yaml.v3's own message.
const maxSyntaxSearchLines = 2000

// syntaxError turns yaml.v3's error for data into a FieldError at the line
// where the problem is, when it can be found.
func syntaxError(file string, data []byte, err error) error {
	msg := yamlLinePrefix.ReplaceAllString(err.Error(), "")
	if msg == err.Error() || bytes.Count(data, []byte("\n")) > maxSyntaxSearchLines {
		return &FieldError{File: file, Err: err}
	}
	end := 0
	for line := 1; end < len(data); line++ {
		next := bytes.IndexByte(data[end:], '\n')
		if next < 0 {
			end = len(data)
		} else {
			end += next + 1
		}
		var n yaml.Node
		if perr := yaml.Unmarshal(data[:end], &n); perr != nil && yamlLinePrefix.ReplaceAllString(perr.Error(), "") == msg {
			return &FieldError{File: file, Line: line, Err: errors.New("yaml: " + msg)}
		}
	}
	return &FieldError{File: file, Err: err}
}

package config

import "fmt"

// FieldError is a configuration error located at a file, line and field.
type FieldError struct {
	File  string
	Line  int
	Field string // dotted path, e.g. logs[1].format
	Err   error
}

func (e *FieldError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Field == "" {
		return fmt.Sprintf("%s: %v", loc, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", loc, e.Field, e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }

// location is where a config struct was given: file, dotted path, line,
// and the line of each field's value.
type location struct {
	file  string
	path  string
	line  int
	lines map[string]int // yaml field name → line
}

// fieldError locates err at field, or at the struct when field was not given.
func (l *location) fieldError(field string, err error) *FieldError {
	line, ok := l.lines[field]
	if !ok {
		line = l.line
	}
	return &FieldError{File: l.file, Line: line, Field: joinPath(l.path, field), Err: err}
}

package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

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

// defaulter is implemented by config structs that have non-zero defaults.
// SetDefaults is called before the YAML values are applied, so what the file
// says wins.
type defaulter interface{ SetDefaults() }

// validator is implemented by config structs that check themselves after
// decoding. It names the offending yaml field (empty for the whole struct).
type validator interface {
	validate() (field string, err error)
}

// decodeStrict fills out (a pointer to a struct) from a YAML mapping node,
// rejecting keys that do not name a field and locating every error at the
// line and dotted field path where it happened. yaml.v3's KnownFields does
// not reach through custom unmarshalers and reports no field path, hence this
// walker.
func decodeStrict(node *yaml.Node, out any, file, path string) error {
	v := reflect.ValueOf(out).Elem()
	if d, ok := out.(defaulter); ok {
		d.SetDefaults()
	}
	if node.Kind == yaml.AliasNode {
		node = node.Alias
	}
	if node.Kind == yaml.ScalarNode && node.Tag == "!!null" {
		// An empty entry (`- ~`, `limits:`) has its defaults, and must
		// still be valid with them.
		return validateStruct(out, file, path, node.Line, nil)
	}
	if node.Kind != yaml.MappingNode {
		return &FieldError{File: file, Line: node.Line, Field: path, Err: fmt.Errorf("expected a mapping, got %s", kindName(node))}
	}
	fields := yamlFields(v.Type())
	seen := map[string]int{}
	for i := 0; i+1 < len(node.Content); i += 2 {
		key, val := node.Content[i], node.Content[i+1]
		fieldPath := joinPath(path, key.Value)
		idx, ok := fields[key.Value]
		if !ok {
			return &FieldError{File: file, Line: key.Line, Field: fieldPath, Err: fmt.Errorf("unknown field (known: %s)", knownList(v.Type()))}
		}
		if _, dup := seen[key.Value]; dup {
			return &FieldError{File: file, Line: key.Line, Field: fieldPath, Err: errors.New("field given twice")}
		}
		seen[key.Value] = val.Line
		if err := decodeValue(val, v.Field(idx), file, fieldPath); err != nil {
			return err
		}
	}
	return validateStruct(out, file, path, node.Line, seen)
}

// validateStruct runs a struct's own checks, locating an error at the line of
// the field it names (seen: field → line), else at the struct's line.
func validateStruct(out any, file, path string, structLine int, seen map[string]int) error {
	val, ok := out.(validator)
	if !ok {
		return nil
	}
	field, err := val.validate()
	if err == nil {
		return nil
	}
	line, ok := seen[field]
	if !ok {
		line = structLine
	}
	return &FieldError{File: file, Line: line, Field: joinPath(path, field), Err: err}
}

func decodeValue(node *yaml.Node, fv reflect.Value, file, path string) error {
	if node.Kind == yaml.AliasNode {
		node = node.Alias
	}
	if fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Struct && !implementsUnmarshaler(fv.Type()) {
		if node.Tag == "!!null" {
			return nil
		}
		fv.Set(reflect.New(fv.Type().Elem()))
		return decodeStrict(node, fv.Interface(), file, path)
	}
	switch {
	case fv.Kind() == reflect.Struct && !implementsUnmarshaler(fv.Addr().Type()):
		return decodeStrict(node, fv.Addr().Interface(), file, path)
	case fv.Kind() == reflect.Slice && isPlainStruct(fv.Type().Elem()):
		if node.Tag == "!!null" {
			return nil
		}
		if node.Kind != yaml.SequenceNode {
			return &FieldError{File: file, Line: node.Line, Field: path, Err: fmt.Errorf("expected a list, got %s", kindName(node))}
		}
		out := reflect.MakeSlice(fv.Type(), len(node.Content), len(node.Content))
		for i, item := range node.Content {
			if err := decodeStrict(item, out.Index(i).Addr().Interface(), file, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		fv.Set(out)
		return nil
	}
	if err := node.Decode(fv.Addr().Interface()); err != nil {
		return &FieldError{File: file, Line: node.Line, Field: path, Err: cleanYAMLError(err)}
	}
	return nil
}

// yamlFields maps yaml key names to struct field indexes.
func yamlFields(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = i
	}
	return m
}

func knownList(t reflect.Type) string {
	var names []string
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

func implementsUnmarshaler(t reflect.Type) bool { return t.Implements(unmarshalerType) }

func isPlainStruct(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && !implementsUnmarshaler(reflect.PointerTo(t))
}

func joinPath(path, key string) string {
	if key == "" {
		return path
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

// cleanYAMLError drops yaml.v3's "yaml: unmarshal errors:\n  line N: " framing:
// the FieldError already names the line.
func cleanYAMLError(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg := te.Errors[0]
		if _, rest, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, "line ") {
			msg = rest
		}
		return errors.New(msg)
	}
	return err
}

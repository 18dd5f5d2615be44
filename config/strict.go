package config

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// defaulter is implemented by config structs that have non-zero defaults.
// SetDefaults is called before the YAML values are applied, so what the file
// says wins.
type defaulter interface{ SetDefaults() }

// validator is implemented by config structs that check themselves after
// decoding. It names the offending yaml field (empty for the whole struct).
type validator interface {
	validate() (field string, err error)
}

// locatable is implemented by config structs that keep where they were in
// the file, for errors found after loading.
type locatable interface{ setLocation(*location) }

// decoder walks a YAML node tree down to the config structs (see the
// package comment for why yaml.v3 cannot do this alone). Whatever holds no
// config struct is decoded by yaml.v3.
type decoder struct{ file string }

func (d decoder) errorf(n *yaml.Node, path, format string, args ...any) error {
	return &FieldError{File: d.file, Line: n.Line, Field: path, Err: fmt.Errorf(format, args...)}
}

// value decodes n into v, which must be addressable.
func (d decoder) value(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if !holdsStruct(v.Type()) {
		if err := n.Decode(v.Addr().Interface()); err != nil {
			return &FieldError{File: d.file, Line: n.Line, Field: path, Err: cleanYAMLError(err)}
		}
		return nil
	}
	null := n.Tag == "!!null"
	switch {
	case v.Kind() == reflect.Struct:
		return d.structure(n, v, path, null)
	case null: // a nil pointer, list or map
		return nil
	case v.Kind() == reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		return d.value(n, v.Elem(), path)
	case v.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return d.errorf(n, path, "expected a list, got %s", kindName(n))
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			if err := d.value(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	default: // a map
		if n.Kind != yaml.MappingNode {
			return d.errorf(n, path, "expected a mapping, got %s", kindName(n))
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, keyPath := reflect.New(v.Type().Key()).Elem(), joinPath(path, n.Content[i].Value)
			if err := d.value(n.Content[i], key, keyPath); err != nil {
				return err
			}
			if m.MapIndex(key).IsValid() {
				return d.errorf(n.Content[i], keyPath, "key given twice")
			}
			elem := reflect.New(v.Type().Elem()).Elem()
			if err := d.value(n.Content[i+1], elem, keyPath); err != nil {
				return err
			}
			m.SetMapIndex(key, elem)
		}
		v.Set(m)
		return nil
	}
}

// structure decodes a config struct: its defaults, then the fields the
// mapping gives (an unknown or repeated key is an error), then its own
// checks. A null node (`- ~`, `limits:`) leaves the defaults, still checked.
func (d decoder) structure(n *yaml.Node, v reflect.Value, path string, null bool) error {
	out := v.Addr().Interface()
	if def, ok := out.(defaulter); ok {
		def.SetDefaults()
	}
	at := &location{file: d.file, path: path, line: n.Line, lines: map[string]int{}}
	if !null && n.Kind != yaml.MappingNode {
		return d.errorf(n, path, "expected a mapping, got %s", kindName(n))
	}
	fields := yamlFields(v.Type())
	for i := 0; !null && i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		fieldPath := joinPath(path, key.Value)
		f, ok := fields.index[key.Value]
		if !ok {
			return d.errorf(key, fieldPath, "unknown field (known: %s)", strings.Join(fields.names, ", "))
		}
		if _, dup := at.lines[key.Value]; dup {
			return d.errorf(key, fieldPath, "field given twice")
		}
		at.lines[key.Value] = val.Line
		if err := d.value(val, v.FieldByIndex(f), fieldPath); err != nil {
			return err
		}
	}
	if l, ok := out.(locatable); ok {
		l.setLocation(at)
	}
	if val, ok := out.(validator); ok {
		if field, err := val.validate(); err != nil {
			return at.fieldError(field, err)
		}
	}
	return nil
}

// structFields are the yaml keys of a struct, `,inline` structs' included.
type structFields struct {
	names []string         // in declaration order
	index map[string][]int // key → reflect field index
}

func yamlFields(t reflect.Type) structFields {
	fs := structFields{index: map[string][]int{}}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		inline := slices.Contains(strings.Split(opts, ","), "inline")
		if name == "-" || !f.IsExported() && !(inline && f.Anonymous) {
			continue
		}
		if inline {
			if f.Type.Kind() != reflect.Struct {
				panic(fmt.Sprintf("config: %s.%s: ,inline is supported on struct fields only", t, f.Name))
			}
			inner := yamlFields(f.Type)
			for _, n := range inner.names {
				fs.names = append(fs.names, n)
				fs.index[n] = append([]int{i}, inner.index[n]...)
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fs.names = append(fs.names, name)
		fs.index[name] = []int{i}
	}
	return fs
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

// holdsStruct reports whether values of t are or contain (through
// pointers, slices and maps) a config struct: a struct with exported
// fields and no UnmarshalYAML of its own.
func holdsStruct(t reflect.Type) bool {
	if t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) {
		return false
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		return holdsStruct(t.Elem())
	case reflect.Struct:
		return len(yamlFields(t).names) > 0
	}
	return false
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

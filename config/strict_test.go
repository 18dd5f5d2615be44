package config

import (
	"errors"
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"
)

// Test-only shapes that the configuration does not use yet: an inline
// struct, a list of pointers and maps of structs must be as strict as the
// rest.
type strictItem struct {
	Name string `yaml:"name"`
}

func (s *strictItem) validate() (string, error) {
	if s.Name == "" {
		return "name", errors.New("missing")
	}
	return "", nil
}

type strictBase struct {
	ID int `yaml:"id"`
}

type strictRoot struct {
	strictBase `yaml:",inline"`
	Ptrs       []*strictItem          `yaml:"ptrs"`
	ByKey      map[string]strictItem  `yaml:"by_key"`
	PtrByKey   map[string]*strictItem `yaml:"ptr_by_key"`
}

func decodeTest(t *testing.T, yml string) (*strictRoot, error) {
	t.Helper()
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(yml), &root); err != nil {
		t.Fatal(err)
	}
	out := &strictRoot{}
	return out, decoder{"t.yml"}.value(root.Content[0], reflect.ValueOf(out).Elem(), "")
}

func TestStrictShapes(t *testing.T) {
	got, err := decodeTest(t, "id: 7\nptrs: [{name: a}, ~]\nby_key: {k: {name: b}}\nptr_by_key: {p: {name: c}, n: ~}\n")
	if err != nil {
		t.Fatal(err)
	}
	want := &strictRoot{strictBase{7}, []*strictItem{{"a"}, nil},
		map[string]strictItem{"k": {"b"}}, map[string]*strictItem{"p": {"c"}, "n": nil}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded %+v, want %+v", got, want)
	}
}

func TestStrictShapesRefuse(t *testing.T) {
	for yml, want := range map[string]string{
		"idd: 1\n":                         "t.yml:1: idd: unknown field (known: id, ptrs, by_key, ptr_by_key)",
		"id: 1\nid: 2\n":                   "t.yml:2: id: field given twice",
		"id: x\n":                          "t.yml:1: id: cannot unmarshal !!str `x` into int",
		"ptrs:\n  - name: a\n  - nme: b\n": "t.yml:3: ptrs[1].nme: unknown field (known: name)",
		"ptrs:\n  - {}\n":                  "t.yml:2: ptrs[0].name: missing",
		"ptrs: {name: a}\n":                `t.yml:1: ptrs: expected a list, got a mapping`,
		"ptrs: [x]\n":                      `t.yml:1: ptrs[0]: expected a mapping, got "x"`,
		"by_key:\n  a: {name: x}\n  b: {nme: y}\n":     "t.yml:3: by_key.b.nme: unknown field (known: name)",
		"by_key:\n  a: {}\n":                           "t.yml:2: by_key.a.name: missing",
		"by_key:\n  a: ~\n":                            "t.yml:2: by_key.a.name: missing",
		"by_key: [a]\n":                                "t.yml:1: by_key: expected a mapping, got a list",
		"by_key:\n  a: {name: x}\n  a: {name: y}\n":    "t.yml:3: by_key.a: key given twice",
		"ptr_by_key:\n  a:\n    name: x\n    nam: y\n": "t.yml:4: ptr_by_key.a.nam: unknown field (known: name)",
	} {
		if _, err := decodeTest(t, yml); err == nil || err.Error() != want {
			t.Errorf("%q:\n got  %v\n want %s", yml, err, want)
		}
	}
}

// A null entry has its defaults and is checked with them.
func TestNullEntryChecked(t *testing.T) {
	_, err := Parse([]byte("logs: [~]\n"), "t.yml")
	if want := "t.yml:1: logs[0].path: missing: give a file path or a glob"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

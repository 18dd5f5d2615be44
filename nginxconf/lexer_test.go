package nginxconf

import (
	"reflect"
	"strings"
	"testing"
)

func lexAll(t *testing.T, src string) []token {
	t.Helper()
	lx := newLexer([]byte(src), "t.conf")
	var out []token
	for i := 0; i < 1000; i++ {
		tok, err := lx.next()
		if err != nil {
			t.Fatalf("lex %q: %v", src, err)
		}
		if tok.kind == tokEOF {
			return out
		}
		out = append(out, tok)
	}
	t.Fatal("lexer does not end")
	return nil
}

func words(toks []token) []string {
	var out []string
	for _, tok := range toks {
		switch tok.kind {
		case tokWord:
			out = append(out, tok.text)
		case tokSemicolon:
			out = append(out, ";")
		case tokBlockStart:
			out = append(out, "{")
		case tokBlockEnd:
			out = append(out, "}")
		}
	}
	return out
}

func TestLexer(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{"a b;", []string{"a", "b", ";"}},
		{"a{b;}", []string{"a", "{", "b", ";", "}"}},
		{`a "x y" 'z;{}';`, []string{"a", "x y", "z;{}", ";"}},
		{`a "q\"t" 'it\'s' "\\" "t\tn\n";`, []string{"a", `q"t`, "it's", `\`, "t\tn\n", ";"}},
		{`a x\ y \d;`, []string{"a", `x\ y`, `\d`, ";"}}, // nginx keeps unknown escapes
		{"a b#c; # comment ; {\n d;", []string{"a", "b#c", ";", "d", ";"}},
		{"set $x ${host}abc;", []string{"set", "$x", "${host}abc", ";"}},
		{"return 200 a}b\"c;", []string{"return", "200", "a}b\"c", ";"}},
		{`if ($a = "x") {}`, []string{"if", "($a", "=", "x", ")", "{", "}"}},
		{"\"a\"{", []string{"a", "{"}},
	} {
		if got := words(lexAll(t, tc.src)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("lex %q = %q, want %q", tc.src, got, tc.want)
		}
	}
}

func TestLexerLines(t *testing.T) {
	toks := lexAll(t, "a\n\"multi\nline\" b\n# c\n\nd;")
	var lines []int
	for _, tok := range toks {
		lines = append(lines, tok.line)
	}
	if want := []int{1, 2, 3, 6, 6}; !reflect.DeepEqual(lines, want) {
		t.Errorf("lines = %v, want %v", lines, want)
	}
}

func TestLexerErrors(t *testing.T) {
	for src, want := range map[string]string{
		`a "open`:   `t.conf:1: unexpected end of file, expecting '"'`,
		"a\n'x'y;":  `t.conf:2: unexpected 'y' after a quoted string`,
		"a 'x\n\ny": `t.conf:1: unexpected end of file, expecting '\''`,
	} {
		lx := newLexer([]byte(src), "t.conf")
		var err error
		for i := 0; i < 100 && err == nil; i++ {
			var tok token
			if tok, err = lx.next(); tok.kind == tokEOF {
				break
			}
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("lex %q: error %v, want %s", src, err, want)
		}
	}
}

func TestLuaBlockSkipped(t *testing.T) {
	cfg, err := parse(`
location / {
    content_by_lua_block {
        local s = "}" -- a brace }
        if x then ngx.say('{') end
    }
    proxy_pass http://a;
}`, "lua.conf")
	if err != nil {
		t.Fatal(err)
	}
	loc := cfg.Directives[0]
	if len(loc.Block) != 2 || loc.Block[1].Name != "proxy_pass" || loc.Block[1].Line != 7 {
		t.Fatalf("block = %v", loc.Block)
	}
}

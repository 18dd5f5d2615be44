package containerlog

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDockerJSONRealLines(t *testing.T) {
	got, errs := feed(NewJoiner(DockerJSON, 0),
		// docs.docker.com/engine/logging/drivers/json-file/
		`{"log":"Log line is here\n","stream":"stdout","time":"2019-01-01T11:11:11.111111111Z"}`,
		// The Promtail docker stage's documented example
		// (grafana.com/docs/loki/latest/send-data/promtail/stages/docker/).
		`{"log":"log message\n","stream":"stderr","time":"2019-04-30T02:12:41.8443515Z"}`,
		// moby's json-file escapes <, > and & (\u003c…) and writes "attrs"
		// with --log-opt labels/env (daemon/logger/jsonfilelog/jsonlog).
		`{"log":"192.0.2.10 - - [01/Mar/2024:10:15:02 +0000] \"GET /search?q=\u003cscript\u003e\u0026x=1 HTTP/1.1\" 502 150 \"-\" \"curl/8.5.0\"\n","stream":"stdout","attrs":{"com.example.tier":"edge","env":"prod"},"time":"2024-03-01T10:15:02.123456789Z"}`,
		// A color-coded line as in a public gist of json-file output
		// (gist.github.com/rossjones): \u001b escapes.
		`{"log":"\u001b[32mThe Project Gutenberg EBook\n","stream":"stdout","time":"2023-03-17T11:37:08.764363458Z"}`,
		` { "stream" : "stderr" , "log" : "tab\there, quote \", slash \/, back \\, snow \u2603, clef \ud834\udd1e\r\n" } `,
	)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	equal(t, got, []string{
		"stdout|Log line is here",
		"stderr|log message",
		`stdout|192.0.2.10 - - [01/Mar/2024:10:15:02 +0000] "GET /search?q=<script>&x=1 HTTP/1.1" 502 150 "-" "curl/8.5.0"`,
		"stdout|\x1b[32mThe Project Gutenberg EBook",
		"stderr|tab\there, quote \", slash /, back \\, snow \u2603, clef \U0001d11e\r",
	})
}

// Docker splits a line longer than 16 KiB into "log"s without the final
// newline; the parts are joined per stream until the one that has it.
func TestDockerJSONJoinsSplitLines(t *testing.T) {
	j := NewJoiner(DockerJSON, 0)
	long := strings.Repeat("a", 16384) + strings.Repeat("b", 100)
	part := func(text, stream string) string {
		b, _ := json.Marshal(map[string]string{"log": text, "stream": stream, "time": "2024-03-01T10:15:02.1Z"})
		return string(b)
	}
	got, errs := feed(j,
		part(long[:16384], "stdout"),
		part("error \"1\"\n", "stderr"),
		part(long[16384:]+"\n", "stdout"),
		part("no newline yet, <escaped>", "stderr"),
	)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	equal(t, got, []string{`stderr|error "1"`, "stdout|" + long + " (2 parts)"})
	got, _ = feed(j, part(" & the end\n", "stderr"))
	equal(t, got, []string{"stderr|no newline yet, <escaped> & the end (2 parts)"})
}

// What encoding/json writes, the joiner reads back the same, for every
// byte value and the runes JSON escapes.
func TestDockerJSONMatchesEncodingJSON(t *testing.T) {
	var sb strings.Builder
	for c := range 256 {
		sb.WriteByte(byte(c))
	}
	sb.WriteString("\u2028\u2029\U0001F600<>&")
	text := strings.ToValidUTF8(sb.String(), "\uFFFD")
	b, _ := json.Marshal(map[string]string{"log": text + "\n", "stream": "stdout"})
	got, errs := feed(NewJoiner(DockerJSON, 0), string(b))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	equal(t, got, []string{"stdout|" + text})
}

func TestDockerJSONHostileLines(t *testing.T) {
	cases := map[string]error{
		``:                               ErrBadJSON,
		`{`:                              ErrBadJSON,
		`{}`:                             ErrNoLog,
		`[]`:                             ErrBadJSON,
		`{"log":"x\n"}`:                  ErrBadStream,
		`{"stream":"stdout"}`:            ErrNoLog,
		`{"log":"x\n","stream":"stdin"}`: ErrBadStream,
		`{"log":"x\n","stream":"stdout","time":"never"}`:    ErrBadTimestamp,
		`{"log":"x\n","stream":"stdout"} trailing`:          ErrBadJSON,
		`{"log":"x\n","stream":"stdout",}`:                  ErrBadJSON,
		`{"log":"x\n" "stream":"stdout"}`:                   ErrBadJSON,
		`{"log":"x\n","stream":"stdout"`:                    ErrBadJSON,
		`{"log":"x\n","stream":"stdout","attrs":}`:          ErrBadJSON,
		`{"log":"x\n","stream":"stdout","attrs":{"a":[1,2}`: ErrBadJSON,
		`{"log":"x\n","stream":"stdout","attrs":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`: ErrBadJSON,
		`{"log":"unterminated\n,"stream":"stdout"}`:                                                           ErrBadJSON,
		`{"log":"bad \q escape\n","stream":"stdout"}`:                                                         ErrBadEscape,
		`{"log":"bad \u12 escape\n","stream":"stdout"}`:                                                       ErrBadEscape,
		`{"log":"bad \uZZZZ escape\n","stream":"stdout"}`:                                                     ErrBadEscape,
		`{"log":"ends in a backslash \","stream":"stdout"}`:                                                   ErrBadJSON,
		`{"log":5,"stream":"stdout"}`:                                                                         ErrBadJSON,
		`2024-03-01T10:15:02Z stdout F a CRI line`:                                                            ErrBadJSON,
	}
	for line, want := range cases {
		j := NewJoiner(DockerJSON, 0)
		j.Line([]byte(`{"log":"kept","stream":"stdout"}`))
		_, ok, err := j.Line([]byte(line))
		if !errors.Is(err, want) || ok {
			t.Errorf("%q: ok=%v err=%v, want %v", line, ok, err, want)
		}
		if j.Pending() != len("kept") {
			t.Errorf("%q: pending %d", line, j.Pending())
		}
	}
	// Lone surrogates become U+FFFD as with encoding/json; invalid UTF-8
	// is passed through; nested attrs within the bound are skipped.
	got, errs := feed(NewJoiner(DockerJSON, 0),
		`{"log":"lone \ud800 and \udc00 and \ud800\u0041\n","stream":"stderr"}`,
		"{\"log\":\"raw \xff\xfe bytes\\n\",\"stream\":\"stderr\"}",
		`{"attrs":{"a":[1,-2.5e3,true,null,{"b":"c\"}"}]},"log":"ok\n","stream":"stdout"}`,
	)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	equal(t, got, []string{"stderr|lone \uFFFD and \uFFFD and \uFFFDA", "stderr|raw \xff\xfe bytes", "stdout|ok"})
}

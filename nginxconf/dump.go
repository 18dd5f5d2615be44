package nginxconf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// dumpHeader starts each file's section in the output of `nginx -T`
// (nginx.c: "# configuration file NAME:" LF, the file's bytes, LF).
const dumpHeader = "# configuration file "

var errNotDumped = errors.New("file not in the nginx -T output")

// ParseDump parses the standard output of `nginx -T`. The first section is
// the main file; include directives are expanded from the other sections
// (nginx dumps each file it read once). Line numbers are those of the
// original files.
func ParseDump(out []byte) (*Config, error) {
	d, err := splitDump(out)
	if err != nil {
		return nil, err
	}
	return load(d.order[0], d, filepath.Dir(d.order[0]))
}

// Dump runs `nginx -T` with the given binary and extra arguments (for
// example -c FILE or -p PREFIX) and parses its output.
func Dump(ctx context.Context, binary string, args ...string) (*Config, error) {
	cmd := exec.CommandContext(ctx, binary, append([]string{"-T"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 2000 {
			msg = msg[:2000] + "…"
		}
		return nil, fmt.Errorf("%s -T: %w: %s", binary, err, msg)
	}
	return ParseDump(stdout.Bytes())
}

type dump struct {
	files map[string][]byte
	order []string
}

func splitDump(out []byte) (*dump, error) {
	d := &dump{files: map[string][]byte{}}
	var cur string
	var body []byte
	flush := func() {
		if cur == "" {
			return
		}
		// nginx writes a line feed after each file's bytes.
		body = bytes.TrimSuffix(body, []byte("\n"))
		if _, dup := d.files[cur]; !dup {
			d.order = append(d.order, cur)
		}
		d.files[cur] = body
	}
	for rest := out; len(rest) > 0; {
		line, after, _ := bytes.Cut(rest, []byte("\n"))
		if name, ok := dumpSectionName(line); ok {
			flush()
			cur, body = name, nil
		} else if cur != "" {
			body = append(body, rest[:len(line)]...)
			if len(after) > 0 || len(rest) > len(line) {
				body = append(body, '\n')
			}
		}
		rest = after
	}
	flush()
	if len(d.order) == 0 {
		return nil, fmt.Errorf("no %q section in the nginx -T output", strings.TrimSpace(dumpHeader))
	}
	return d, nil
}

func dumpSectionName(line []byte) (string, bool) {
	rest, ok := bytes.CutPrefix(line, []byte(dumpHeader))
	if !ok || !bytes.HasSuffix(rest, []byte(":")) || len(rest) < 2 {
		return "", false
	}
	return string(rest[:len(rest)-1]), true
}

func (d *dump) read(name string) ([]byte, error) {
	if b, ok := d.files[name]; ok {
		return b, nil
	}
	if b, ok := d.files[filepath.Clean(name)]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("%s: %w", name, errNotDumped)
}

// glob matches the pattern against the names of the dumped files.
func (d *dump) glob(pattern string) ([]string, error) {
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, err
	}
	var out []string
	for _, name := range d.order {
		if ok, _ := filepath.Match(pattern, name); ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out, nil
}

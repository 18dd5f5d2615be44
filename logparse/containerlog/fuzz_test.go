package containerlog

import (
	"bytes"
	"testing"
)

// FuzzJoiner feeds arbitrary lines, split into physical lines, to both
// wrappers: nothing panics, what is held never passes the limit, and a
// message is never longer than the limit.
func FuzzJoiner(f *testing.F) {
	for _, s := range []string{
		"2016-10-06T00:17:09.669794202Z stdout P log content 1\n2016-10-06T00:17:09.669794202Z stdout F log content 2",
		"2024-03-01T10:15:02+01:00 stderr F:x y\n2024-03-01T10:15:02Z stdout P",
		`{"log":"Log line is here\n","stream":"stdout","time":"2019-01-01T11:11:11.111111111Z"}`,
		`{"log":"part","stream":"stderr","attrs":{"a":[1,{"b":null}]}}` + "\n" + `{"log":"\ud834\udd1e \u00e9\n","stream":"stderr"}`,
		`{"log":"\ud800\","stream":"stdout"}`,
	} {
		f.Add([]byte(s))
	}
	const limit = 64
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, w := range []Wrapper{CRI, DockerJSON} {
			j := NewJoiner(w, limit)
			for line := range bytes.SplitSeq(data, []byte{'\n'}) {
				msg, ok, err := j.Line(line)
				if ok && (err != nil || len(msg.Text) > limit || msg.Parts < 1 || msg.Stream > Stderr) {
					t.Fatalf("%v: %q: message %+v, err %v", w, line, msg, err)
				}
				if !ok && msg.Text != nil {
					t.Fatalf("%v: %q: text without a message", w, line)
				}
				if j.Pending() > 2*limit {
					t.Fatalf("%v: holds %d bytes", w, j.Pending())
				}
			}
		}
	})
}

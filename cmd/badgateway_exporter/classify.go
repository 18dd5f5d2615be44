package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/badgateway/badgateway_exporter/logparse"
)

// maxClassifyLine is the longest line classify reads whole; the rest of a
// longer line is skipped (nginx itself caps error-log lines at 2048 bytes).
const maxClassifyLine = 1 << 20

type classifyOptions struct {
	proxy  string
	output string
	files  []string
}

// lineResult is one input line as classify reports it (one jsonl object).
type lineResult struct {
	File     string `json:"file,omitempty"`
	Line     int    `json:"line"`
	Proxy    string `json:"proxy"`
	Cause    string `json:"cause"`
	Upstream string `json:"upstream"`
	Server   string `json:"server"`
	Status   int    `json:"status"`
	Level    string `json:"level,omitempty"`
	ConnID   uint64 `json:"conn_id,omitempty"`
	Client   string `json:"client,omitempty"`
	Request  string `json:"request,omitempty"`
	Host     string `json:"host,omitempty"`
	Kind     string `json:"kind,omitempty"`  // error, request or health (with state)
	State    string `json:"state,omitempty"` // health events: down or up
	Result   string `json:"result"`
	PartOf   int    `json:"part_of,omitempty"` // continuation line of the record that starts at this line
}

func runClassify(o *classifyOptions, stdin io.Reader, stdout, stderr io.Writer) int {
	files := o.files
	if len(files) == 0 {
		files = []string{"-"}
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	var sink resultSink
	if o.output == "jsonl" {
		sink = newJSONLSink(out, len(files) > 1)
	} else {
		sink = newTableSink()
	}
	status := 0
	for _, name := range files {
		if err := classifyFile(name, o.proxy, stdin, sink); err != nil {
			fmt.Fprintf(stderr, "classify: %v\n", err)
			status = 1
		}
	}
	if err := sink.Close(out); err != nil {
		fmt.Fprintf(stderr, "classify: %v\n", err)
		return 1
	}
	return status
}

func classifyFile(name, proxy string, stdin io.Reader, sink resultSink) error {
	r := stdin
	if name == "" { // kingpin hands a lone "-" over as ""
		name = "-"
	}
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	c := newRecordJoiner(name, proxy, sink)
	br := bufio.NewReaderSize(r, 64*1024)
	for {
		line, err := readLine(br)
		if len(line) > 0 || err == nil {
			c.line(line)
		}
		if err == io.EOF {
			c.flush()
			return nil
		}
		if err != nil {
			c.flush()
			return fmt.Errorf("reading %s: %w", name, err)
		}
	}
}

// readLine returns the next line without its newline, cut at maxClassifyLine.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) <= maxClassifyLine {
			buf = append(buf, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if n := len(buf); n > 0 && buf[n-1] == '\n' {
			buf = buf[:n-1]
		}
		return buf, err
	}
}

// recordJoiner feeds lines to the parser and attributes each emitted record
// to the line it starts on, so that output keeps one entry per input line in
// input order even when a record (FastCGI stderr) spans several lines.
type recordJoiner struct {
	file    string
	proxy   string // auto, nginx or haproxy
	nginx   logparse.NginxErrorParser
	haproxy logparse.HAProxyParser
	sink    resultSink
	n       int
	pending []lineResult // lines of an open record whose event has not come yet
	emitted []lineResult // events emitted by the current Parse or Flush call
	spans   []int        // physical lines of each emitted event
	emit    logparse.EmitFunc
}

func newRecordJoiner(file, proxy string, sink resultSink) *recordJoiner {
	j := &recordJoiner{file: file, proxy: proxy, sink: sink}
	j.emit = func(ev *logparse.Event) {
		j.emitted = append(j.emitted, eventResult(ev))
		j.spans = append(j.spans, ev.Lines)
	}
	return j
}

func (j *recordJoiner) line(b []byte) {
	j.n++
	proxy := j.proxy
	if proxy == "auto" {
		proxy = "nginx"
		if logparse.LooksLikeHAProxy(b) {
			proxy = "haproxy"
		}
	}
	cur := lineResult{File: j.file, Line: j.n, Proxy: proxy, Cause: "none"}
	j.emitted, j.spans = j.emitted[:0], j.spans[:0]
	var res logparse.Result
	if proxy == "haproxy" {
		res = j.haproxy.Parse(b, j.emit)
	} else {
		res = j.nginx.Parse(b, j.emit)
	}
	cur.Result = res.String()
	curDone := j.attribute(&cur)
	switch {
	case curDone:
		j.sink.Add(cur)
	case res == logparse.ResultClassified:
		j.pending = append(j.pending, cur) // opens or continues a record
	default:
		j.flushPending() // not expected: the parser closes a record before an unrelated line
		j.sink.Add(cur)
	}
}

// attribute hands the emitted events to the lines they belong to; it reports
// whether the current line has been given its result.
func (j *recordJoiner) attribute(cur *lineResult) bool {
	curDone := false
	for i, ev := range j.emitted {
		if len(j.pending) == 0 {
			fill(cur, ev)
			curDone = true
			continue
		}
		head := j.pending[0].Line
		fill(&j.pending[0], ev)
		for k := 1; k < len(j.pending); k++ {
			j.pending[k].PartOf = head
		}
		if cur != nil && j.spans[i] > len(j.pending) { // the record ends on this line
			cur.PartOf, curDone = head, true
		}
		j.flushPending()
	}
	return curDone
}

func (j *recordJoiner) flushPending() {
	for _, p := range j.pending {
		j.sink.Add(p)
	}
	j.pending = j.pending[:0]
}

// flush ends the input: a record still open is emitted as it is.
func (j *recordJoiner) flush() {
	j.emitted, j.spans = j.emitted[:0], j.spans[:0]
	j.nginx.Flush(j.emit)
	j.attribute(nil)
	j.flushPending()
}

// fill copies an event's fields into a line result, keeping its position.
func fill(dst *lineResult, ev lineResult) {
	ev.File, ev.Line, ev.Result = dst.File, dst.Line, dst.Result
	*dst = ev
}

func eventResult(ev *logparse.Event) lineResult {
	kind, state := "error", ""
	switch {
	case ev.Kind == logparse.KindRequest:
		kind = "request"
	case ev.Kind == logparse.KindHealth || ev.Cause == logparse.CauseMarkedDown:
		kind, state = "health", ev.Health.String()
	}
	return lineResult{
		Kind:     kind,
		State:    state,
		Proxy:    ev.Proxy.String(),
		Cause:    ev.Cause.String(),
		Upstream: string(ev.Upstream),
		Server:   string(ev.Server),
		Status:   ev.Status,
		Level:    string(ev.Level),
		ConnID:   ev.ConnID,
		Client:   string(ev.Client),
		Request:  string(ev.Request),
		Host:     string(ev.Host),
	}
}

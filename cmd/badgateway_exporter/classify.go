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
	cut := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !cut { // keep the first maxClassifyLine bytes, skip the rest of the line
			room := maxClassifyLine - len(buf)
			if len(chunk) > room {
				chunk, cut = chunk[:room], true
			}
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

// recordJoiner feeds lines to the parsers and attributes each emitted record
// to the line it starts on, so that output keeps one entry per input line in
// input order even when a record (nginx FastCGI stderr) spans several lines
// and, with --proxy=auto, HAProxy lines come in between.
type recordJoiner struct {
	file    string
	proxy   string // auto, nginx or haproxy
	nginx   logparse.NginxErrorParser
	haproxy logparse.HAProxyParser
	sink    resultSink
	n       int
	queue   []queued     // lines held back while an nginx record is open, in input order
	emitted []lineResult // events emitted by the current Parse or Flush call
	spans   []int        // physical lines of each emitted event
	emit    logparse.EmitFunc
}

// queued is a held-back line; open marks a line of the open nginx record.
type queued struct {
	r    lineResult
	open bool
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
	if proxy == "haproxy" { // one line, one record: it never joins the nginx record
		cur.Result = j.haproxy.Parse(b, j.emit).String()
		if len(j.emitted) > 0 {
			fill(&cur, j.emitted[0])
		}
		j.add(cur, false)
		return
	}
	res := j.nginx.Parse(b, j.emit)
	cur.Result = res.String()
	switch {
	case j.attribute(&cur):
		j.add(cur, false)
	case res == logparse.ResultClassified:
		j.add(cur, true) // opens or continues a record
	default:
		j.closeOpen() // not expected: the parser closes a record before an unrelated line
		j.add(cur, false)
	}
}

// add outputs a line, or holds it back behind an open record.
func (j *recordJoiner) add(r lineResult, open bool) {
	if len(j.queue) == 0 && !open {
		j.sink.Add(r)
		return
	}
	j.queue = append(j.queue, queued{r, open})
	j.release()
}

// attribute hands the emitted nginx events to the lines they belong to; it
// reports whether the current line has been given its result.
func (j *recordJoiner) attribute(cur *lineResult) bool {
	curDone := false
	for i, ev := range j.emitted {
		var open []int
		for k := range j.queue {
			if j.queue[k].open {
				open = append(open, k)
			}
		}
		if len(open) == 0 {
			fill(cur, ev)
			curDone = true
			continue
		}
		head := &j.queue[open[0]].r
		fill(head, ev)
		for _, k := range open {
			if k != open[0] {
				j.queue[k].r.PartOf = head.Line
			}
			j.queue[k].open = false
		}
		if cur != nil && j.spans[i] > len(open) { // the record ends on this line
			cur.PartOf, curDone = head.Line, true
		}
		j.release()
	}
	return curDone
}

// closeOpen gives up on the open record: its lines go out as they are.
func (j *recordJoiner) closeOpen() {
	for k := range j.queue {
		j.queue[k].open = false
	}
	j.release()
}

// release outputs the held-back lines once no record is open.
func (j *recordJoiner) release() {
	for _, q := range j.queue {
		if q.open {
			return
		}
	}
	for _, q := range j.queue {
		j.sink.Add(q.r)
	}
	j.queue = j.queue[:0]
}

// flush ends the input: a record still open is emitted as it is.
func (j *recordJoiner) flush() {
	j.emitted, j.spans = j.emitted[:0], j.spans[:0]
	j.nginx.Flush(j.emit)
	j.attribute(nil)
	j.closeOpen()
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

package main

import (
	"github.com/badgateway/badgateway_exporter/logparse"
	"github.com/badgateway/badgateway_exporter/logparse/apacheerror"
	"github.com/badgateway/badgateway_exporter/logparse/awsalb"
	"github.com/badgateway/badgateway_exporter/logparse/haproxy"
	"github.com/badgateway/badgateway_exporter/logparse/nginxerror"
)

// recordJoiner feeds lines to the parsers and attributes each emitted record
// to the line it starts on, so that output keeps one entry per input line in
// input order even when a record (nginx FastCGI stderr) spans several lines
// and, with --proxy=auto, HAProxy lines come in between.
type recordJoiner struct {
	file    string
	proxy   string // auto, nginx, haproxy, apache, aws_alb or aws_elb
	nginx   nginxerror.Parser
	haproxy haproxy.Parser
	apache  apacheerror.Parser
	aws     awsalb.Parser
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
		switch {
		case apacheerror.LooksLike(b): // before nginx: a 2.2 `[error]` tag would pass for nginx's
			proxy = "apache"
		case haproxy.LooksLike(b):
			proxy = "haproxy"
		case awsalb.LooksLike(b): // after HAProxy and Apache: an ALB line starts with its type, a Classic one with a timestamp
			if k, _ := awsalb.Detect(b); k == awsalb.KindELB {
				proxy = "aws_elb"
			} else {
				proxy = "aws_alb"
			}
		default:
			proxy = "nginx"
		}
	}
	cur := lineResult{File: j.file, Line: j.n, Proxy: proxy, Cause: "none"}
	j.emitted, j.spans = j.emitted[:0], j.spans[:0]
	if proxy != "nginx" { // one line, one record: it never joins the nginx record
		switch proxy {
		case "apache":
			cur.Result = j.apache.Parse(b, j.emit).String()
		case "aws_alb", "aws_elb":
			j.aws.Kind = awsalb.KindALB
			if proxy == "aws_elb" {
				j.aws.Kind = awsalb.KindELB
			}
			cur.Result = j.aws.Parse(b, j.emit).String()
		default:
			cur.Result = j.haproxy.Parse(b, j.emit).String()
		}
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

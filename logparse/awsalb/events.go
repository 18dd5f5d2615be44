package awsalb

import (
	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// Parser adapts Parse to the logparse event interface (classify, and any
// source that counts events): each line is one KindRequest event. The
// counters of the exporter use Record directly, for attempts and generated
// responses.
type Parser struct {
	Kind Kind
	Auto bool // detect ALB or Classic per line
	rec  Record
	ev   logparse.Event
}

// Parse parses one line and emits its event.
func (p *Parser) Parse(line []byte, emit logparse.EmitFunc) logparse.Result {
	kind := p.Kind
	if p.Auto {
		k, ok := Detect(line)
		if !ok {
			return logparse.ResultUnrecognized
		}
		kind = k
	}
	if err := parse(line, kind, &p.rec); err != nil {
		return logparse.ResultUnrecognized
	}
	r := &p.rec
	p.ev = logparse.Event{
		Kind: logparse.KindRequest, Proxy: r.Proxy(), Cause: r.Cause, Status: r.StatusCode(), Lines: 1,
		ResponseSeconds: r.TargetSeconds, Upstream: r.Upstream, Server: LoadBalancerName(r.LoadBalancer()),
		Client: r.Client(), Request: r.Request(),
	}
	emit(&p.ev)
	if r.Cause != cause.None {
		return logparse.ResultClassified
	}
	return logparse.ResultIgnored
}

// Flush does nothing: records never span lines.
func (p *Parser) Flush(logparse.EmitFunc) {}

// Proxy is the proxy label of the record's kind.
func (r *Record) Proxy() logparse.Proxy {
	if r.Kind == KindELB {
		return logparse.ProxyAWSELB
	}
	return logparse.ProxyAWSALB
}

// StatusCode is the status the client got, -1 when none (TCP listeners).
func (r *Record) StatusCode() int {
	if !isStatus(r.ELBStatus()) {
		return -1
	}
	return int(r.ELBStatus()[0]-'0')*100 + int(r.ELBStatus()[1]-'0')*10 + int(r.ELBStatus()[2]-'0')
}

// LooksLike reports whether line looks like an ALB or Classic access-log
// entry (for --proxy=auto): it starts as one and parses.
func LooksLike(line []byte) bool {
	k, ok := Detect(line)
	if !ok {
		return false
	}
	var rec Record
	return parse(line, k, &rec) == nil
}

package pipeline

import (
	"log/slog"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/collector"
	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/logparse"
	"github.com/badgateway/badgateway_exporter/logparse/awsalb"
)

// awsLogFile counts the requests, target attempts and load-balancer
// failures of one AWS access-log file (ALB or Classic). It is a
// lineCounter, used by one goroutine; any source of AWS access-log lines -
// a directory of .log.gz files or S3 objects - makes one per file or object
// with newAWSLogFile and feeds it lines.
type awsLogFile struct {
	collector.SourceStats
	kind    awsalb.Kind
	rec     awsalb.Record
	server  []byte // the load balancer name from the file name; nil: take it from each line
	counter *collector.AccessCounter
	logger  *slog.Logger
	guard   lineGuard
	now     func() time.Time

	lastWarn   time.Time
	suppressed int
}

// newAWSLogFile returns the counter of one file (or object) named name, of
// a log configured as log (its `path` label; name when empty).
func newAWSLogFile(name, log string, format config.Format, m *collector.Metrics, gov *collector.Governor, logger *slog.Logger) *awsLogFile {
	if log == "" {
		log = name
	}
	kind, proxy := awsalb.KindALB, logparse.ProxyAWSALB
	if format == config.FormatAWSELB {
		kind, proxy = awsalb.KindELB, logparse.ProxyAWSELB
	}
	f := &awsLogFile{
		SourceStats: collector.NewSourceStats(log, m, gov), kind: kind,
		counter: collector.NewProxyAccessCounter(m, gov, proxy.String()), logger: logger, now: time.Now,
		guard: newLineGuard(collector.PanicSourceAWS, log, m, logger),
	}
	if lb, ok := awsalb.NameFromFileName(name); ok {
		f.server = []byte(lb)
	}
	return f
}

// Line parses and counts one access-log entry.
func (f *awsLogFile) Line(line []byte) {
	defer f.recoverLine(line)
	var err error
	if f.kind == awsalb.KindELB {
		err = awsalb.ParseELB(line, &f.rec)
	} else {
		err = awsalb.Parse(line, &f.rec)
	}
	if err != nil {
		f.warnUnparsed(err)
		f.Counted(logparse.ResultUnrecognized)
		return
	}
	r := &f.rec
	server := f.server
	if server == nil {
		server = awsalb.LoadBalancerName(r.LoadBalancer())
	}
	status := r.ELBStatus()
	if len(status) == 1 { // "-": a TCP/SSL listener of a Classic Load Balancer
		status = nil
	}
	f.counter.Request(server, r.Upstream, status, r.Generated)
	for _, a := range r.TargetAttempts() {
		f.counter.Attempt(a.Upstream, a.Status, a.Seconds)
	}
	result := logparse.ResultIgnored
	if r.Cause != cause.None {
		f.counter.UpstreamError(r.Cause.String(), r.Upstream, server)
		result = logparse.ResultClassified
	}
	f.Counted(result) // last: a line that panics is counted once, as unrecognized
}

func (f *awsLogFile) recoverLine(line []byte) {
	if r := recover(); r != nil {
		f.guard.recovered(r, line)
		f.Counted(logparse.ResultUnrecognized)
		f.rec = awsalb.Record{}
	}
}

// warnUnparsed logs a line that is not an entry, at most once per
// mismatchLogEvery per file.
func (f *awsLogFile) warnUnparsed(err error) {
	now := f.now()
	if now.Sub(f.lastWarn) < mismatchLogEvery {
		f.suppressed++
		return
	}
	f.logger.Warn("AWS access-log line not understood; counted as unrecognized", "path", f.Path(), "err", err, "similar_lines_not_logged", f.suppressed)
	f.lastWarn, f.suppressed = now, 0
}

// Package logwindow reads the proxies' logs over a time window for the
// `diagnose` command (check 3, "proxy logs"): each file is read backwards
// from its end in blocks until its lines are older than the window, then the
// lines of the window are classified forwards with the project's parsers
// (nginx error and access logs, HAProxy, Apache httpd error logs). The result
// is a Summary per upstream (causes with their newest evidence, requests,
// 5xx share, upstream response-time percentiles) and the findings it
// implies.
//
// Rules:
//   - The cost depends on the window, not on the size of the files: the
//     backwards read stops after a run of StopAfterOldLines (or
//     StopAfterOldBytes) consecutive lines dated before the window; shorter
//     runs of lines written out of order are read through. Access logs are
//     counted in that one backwards pass; the other families, whose parsers
//     join records across lines, are read forwards again from the window's
//     first line.
//   - Dates without a zone (nginx error log, Apache, RFC 3164 syslog, HAProxy
//     accept dates) are in Options.Location, the host's zone by default.
//     Lines with no date this package can read are counted as undated, never
//     guessed into the window; lines more than FutureSlack after Now are
//     counted as future.
//   - When the window starts before a file's first line, its rotated
//     predecessor PATH.1 is read too (not the compressed PATH.2.gz …).
//   - Memory is bounded: lines are kept only up to MaxLineBytes, a file is
//     never read past Options.MaxBytes, response times are sampled beyond
//     a bound, upstreams beyond MaxUpstreams are folded together, and only
//     regular files are opened (a FIFO or a device such as /dev/zero is
//     skipped with the reason, as is a file that cannot be opened).
package logwindow

import (
	"time"

	"github.com/badgateway/badgateway_exporter/diagnose"
	"github.com/badgateway/badgateway_exporter/logparse/nginxaccess"
)

// Format is the log family of a file.
type Format uint8

// The formats Read understands.
const (
	NginxError  Format = iota // nginx error_log: `2026/12/02 03:04:05 [error] …`
	NginxAccess               // nginx access_log; File.Access is its compiled log_format
	HAProxy                   // HAProxy through syslog (RFC 3164/5424, rsyslog files) or raw httplog
	ApacheError               // Apache httpd ErrorLog: `[Wed Dec 02 03:04:05.123456 2026] …`
)

var formatNames = [...]string{"nginx_error", "nginx_access", "haproxy", "apache_error"}

// String returns the name used in the config file's `format:`.
func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "unknown"
}

// File is one log to read.
type File struct {
	Path   string
	Format Format
	// Access is the compiled log_format of an NginxAccess file
	// (nginxaccess.Compile); it must have $time_local, $time_iso8601 or
	// $msec, or the file is skipped.
	Access *nginxaccess.Parser
}

// Options bound one Read.
type Options struct {
	// Since is the length of the window ending at Now (diagnose --since);
	// 0 means DefaultSince.
	Since time.Duration
	// Now ends the window; the zero value means time.Now().
	Now time.Time
	// Location is the zone of timestamps that carry none (nginx error log,
	// Apache, RFC 3164 syslog); nil means time.Local, the host's zone, which
	// is the zone those programs write in.
	Location *time.Location
	// MaxBytes bounds how many bytes of one file are read from its end;
	// 0 means DefaultMaxBytes. A window that reaches further is reported as
	// FileStats.Capped.
	MaxBytes int64
	// Concurrency is how many files are read at the same time; 0 means
	// runtime.GOMAXPROCS(0).
	Concurrency int
	// NoRotated turns off reading the rotated predecessor (PATH.1) when the
	// window starts before the first line of PATH.
	NoRotated bool
}

// Limits.
const (
	DefaultSince    = 15 * time.Minute
	DefaultMaxBytes = 2 << 30 // per file
	BlockSize       = 64 << 10
	MaxLineBytes    = 16 << 10 // longer lines are cut: their head is kept
	EvidenceBytes   = 300      // an evidence line is cut to this many bytes
	EvidenceLines   = 3        // newest lines kept per upstream and cause
	MaxUpstreams    = 1000     // more distinct upstreams are folded into OtherUpstream
	// MaxUpstreamBytes cuts an upstream label, as the metrics' default
	// max_label_value_bytes does.
	MaxUpstreamBytes = 256
	// FutureSlack is how far past Now a line may be dated and still count
	// in the window (the proxy's clock and ours, second-granular caches).
	FutureSlack = 2 * time.Minute
	// StopAfterOldLines and StopAfterOldBytes end the backwards read: a run
	// of consecutive dated lines older than the window that is this long in
	// lines or in bytes. Out-of-order lines (workers writing late) within a
	// shorter run are still read.
	StopAfterOldLines = 256
	StopAfterOldBytes = BlockSize
)

// OtherUpstream labels the upstreams beyond MaxUpstreams.
const OtherUpstream = "__other__"

// Result is what Read found: the summary, the files it read and the ones it
// could not.
type Result struct {
	Summary Summary
	Logs    []string           // files read, rotated predecessors included
	Skipped []diagnose.Skipped // files that could not be read, with the reason
}

// Findings returns the findings of the result (see Summary.Findings).
func (r *Result) Findings() []diagnose.Finding { return r.Summary.Findings() }

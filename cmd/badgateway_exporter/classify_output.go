package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/badgateway/badgateway_exporter/cause"
)

// resultSink receives every input line's result in input order.
type resultSink interface {
	Add(r lineResult)
	Close(w *bufio.Writer) error
}

// jsonlSink writes one JSON object per input line.
type jsonlSink struct {
	enc      *json.Encoder
	withFile bool
	err      error
}

func newJSONLSink(w *bufio.Writer, withFile bool) *jsonlSink {
	return &jsonlSink{enc: json.NewEncoder(w), withFile: withFile}
}

func (s *jsonlSink) Add(r lineResult) {
	if !s.withFile {
		r.File = ""
	}
	if s.err == nil {
		s.err = s.enc.Encode(r)
	}
}

func (s *jsonlSink) Close(*bufio.Writer) error { return s.err }

// tableSink counts records by cause and upstream.
type tableSink struct {
	rows    map[tableKey]*tableRow
	results map[string]int
	lines   int
}

type tableKey struct{ cause, upstream string }

type tableRow struct {
	count    int
	statuses map[int]int
}

func newTableSink() *tableSink {
	return &tableSink{rows: map[tableKey]*tableRow{}, results: map[string]int{}}
}

func (s *tableSink) Add(r lineResult) {
	s.lines++
	s.results[r.Result]++
	if r.Cause == "none" {
		return
	}
	cause := r.Cause
	if r.Kind == "health" {
		cause += " (health " + r.State + ")"
	}
	k := tableKey{cause, r.Upstream}
	row := s.rows[k]
	if row == nil {
		row = &tableRow{statuses: map[int]int{}}
		s.rows[k] = row
	}
	row.count++
	if r.Kind != "health" { // a state change answered no client
		row.statuses[r.Status]++
	}
}

// Close prints the table: causes by total count, then upstreams by count, and
// each cause's fix hint under its rows.
func (s *tableSink) Close(w *bufio.Writer) error {
	total := map[string]int{}
	for k, r := range s.rows {
		total[k.cause] += r.count
	}
	keys := make([]tableKey, 0, len(s.rows))
	for k := range s.rows {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b tableKey) int {
		if c := total[b.cause] - total[a.cause]; c != 0 {
			return c
		}
		if a.cause != b.cause {
			return strings.Compare(a.cause, b.cause)
		}
		if c := s.rows[b].count - s.rows[a].count; c != 0 {
			return c
		}
		return strings.Compare(a.upstream, b.upstream)
	})
	events := 0
	var causes []string
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	if len(keys) == 0 {
		fmt.Fprintln(w, "No upstream failures found.")
	} else {
		fmt.Fprintln(tw, "CAUSE\tUPSTREAM\tCOUNT\tCLIENT GOT")
	}
	for i, k := range keys {
		r := s.rows[k]
		events += r.count
		upstream := k.upstream
		if upstream == "" {
			upstream = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", k.cause, upstream, r.count, statusSummary(r.statuses))
		if i == 0 || keys[i-1].cause != k.cause {
			causes = append(causes, k.cause)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(causes) > 0 {
		fmt.Fprintln(w, "\nWhat to try first:")
	}
	for _, name := range causes {
		base, _, _ := strings.Cut(name, " ")
		c, _ := cause.Parse(base)
		fmt.Fprintf(w, "  %-26s %s\n", name, c.FixHint())
	}
	fmt.Fprintf(w, "\n%d lines: %d upstream failures (on %d lines), %d other lines, %d unrecognized\n",
		s.lines, events, s.results["classified"], s.results["ignored"], s.results["unrecognized"])
	if s.results["unrecognized"] > 0 {
		fmt.Fprintln(w, unrecognizedHint)
	}
	return nil
}

// unrecognizedHint follows the summary when some lines were not recognized.
const unrecognizedHint = `Unrecognized lines: classify reads nginx error logs, HAProxy logs and Apache httpd error logs only (files or syslog lines).
nginx access logs need their log_format: follow them with the exporter (format: nginx_access).`

// statusSummary renders the statuses a cause gave, e.g. "502" or "504 (3), truncated (1)".
func statusSummary(statuses map[int]int) string {
	codes := make([]int, 0, len(statuses))
	for c := range statuses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	parts := make([]string, 0, len(codes))
	for _, c := range codes {
		label := strconv.Itoa(c)
		switch {
		case c == 0:
			label = "unknown/truncated"
		case c < 0:
			label = "none sent"
		}
		if len(codes) > 1 {
			label = fmt.Sprintf("%s (%d)", label, statuses[c])
		}
		parts = append(parts, label)
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// Package collector turns events into series: it defines the metrics of
// metrics.md (Metrics) and counts logparse events (EventCounter), access-log
// requests and attempts (AccessCounter) and each source's lines
// (SourceStats) in them, bounding the label values that come from logs
// (Governor). It reads nothing and parses nothing: package pipeline feeds
// it.
//
// # Label values from input
//
// Every label value taken from input (upstream, server, path) goes through
// the Governor before it reaches a metric; status is three digits, "" or
// __other__; every other label value is a constant. The Governor
//
//   - replaces each run of invalid UTF-8 with U+FFFD (client_golang panics
//     on invalid UTF-8): label_values_sanitized_total{reason="invalid_utf8"};
//   - cuts a value to limits.max_label_value_bytes on a rune boundary:
//     reason="too_long";
//   - folds values past limits.max_values_per_label distinct ones per
//     label into __other__: label_values_folded_total.
//
// These count each increment of such a value (for path: once per source).
// Sources cache resolved series by the raw bytes of their labels, so all of
// this happens on a cache miss only and a line costs no allocation.
//
// # Expiry of label values
//
// A folded value would stay __other__ until a restart once a flood of
// one-off values (random Host headers, say) has filled its label, so values
// that stop being used give their slot back. But deleting a series resets
// it when it comes back, and increase() misses the first increment of a
// re-created series, which would hide a rare error from an alert. So:
//
//  1. Below the limit nothing ever expires. Only a label under pressure (it
//     folded a value since the last sweep: a value waits for a slot) gives
//     slots back.
//  2. Only values that no line used for limits.label_value_ttl (default 1h;
//     0 turns expiry off) expire. Sources increment cached series without
//     asking the Governor, so it learns what is in use from censuses: while
//     a label is full, every sweep (every TTL/4) changes the Generation;
//     every source checks it (one atomic load) before it uses its cache,
//     drops the cache when it changed and admits its values again, which
//     stamps them. A value not admitted since a census at least a TTL old
//     was not used since: it was idle for between TTL and 1.25 TTL.
//  3. An expired value leaves the label's set at once (its slot is free)
//     but its series are deleted only at the next sweep, and only if no
//     source admitted it again in between: a source that still had it
//     cached sees the new generation at its next line, drops it and admits
//     it again, so no increment ever lands in a deleted series (a source
//     would have to spend TTL/4 inside one line). Meanwhile a label can
//     have up to twice its limit of series.
//  4. Each census costs every source one refill of its cache (an Admit and
//     a WithLabelValues per live series), every TTL/4 while a label is full.
//
// # Panics
//
// A panic while one line is handled is recovered at the per-line boundary
// by package pipeline (see its recover.go), counted in
// badgateway_exporter_panics_total{source} (PanicSource*) and logged; the
// line counts as unrecognized.
package collector

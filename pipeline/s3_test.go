package pipeline

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/badgateway/badgateway_exporter/internal/exportertest"
	"github.com/badgateway/badgateway_exporter/internal/s3test"
	"github.com/badgateway/badgateway_exporter/positions"
)

const (
	s3Bucket = "lb-logs"
	s3Prefix = "AWSLogs/123456789012/elasticloadbalancing/eu-west-1/"
	s3Source = "s3://" + s3Bucket + "/" + s3Prefix
)

// s3Cfg is a configuration reading nginx error lines from the loopback S3.
func s3Cfg(srv *s3test.Server, posFile, poll string) string {
	return fmt.Sprintf("positions: {file: %s}\nlogs:\n  - format: nginx_error\n    from_beginning: true\n    s3:\n      bucket: %s\n      prefix: %s\n      endpoint: %s\n      force_path_style: true\n      poll_interval: %s\n      max_concurrency: 3\n",
		posFile, s3Bucket, s3Prefix, srv.URL, poll)
}

// s3Pipeline starts a pipeline on cfg, keeping positions in posFile, its
// metrics served on loopback; scrape reads them.
type s3Pipeline struct {
	*Pipeline
	url string
}

func startS3Pipeline(t *testing.T, cfg, posFile string) *s3Pipeline {
	t.Helper()
	reg := prometheus.NewRegistry()
	c := New(reg, slog.New(slog.DiscardHandler))
	c.s3HTTPClient = s3test.LoopbackOnly(t)
	store, err := positions.Open(posFile)
	if err != nil {
		t.Fatal(err)
	}
	c.KeepPositions(store, time.Hour)
	if err := c.Apply(parse(t, cfg)); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), ReadHeaderTimeout: time.Minute}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &s3Pipeline{Pipeline: c, url: "http://" + ln.Addr().String() + "/metrics"}
}

func (p *s3Pipeline) scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(p.url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// waitObjects scrapes until n objects were read (bounded).
func (p *s3Pipeline) waitObjects(t *testing.T, n float64) map[string]*dto.MetricFamily {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		fams := p.scrape(t)
		got := exportertest.Value(fams, "badgateway_s3_objects_total", exportertest.Labels{"path": s3Source})
		if got == n {
			return fams
		}
		if got > n || time.Now().After(deadline) {
			t.Fatalf("badgateway_s3_objects_total = %v, want %v", got, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// s3Writer uploads gzip'd nginx error logs and remembers what it wrote.
type s3Writer struct {
	srv            *s3test.Server
	refused, noise int
	bytes          int
}

func (w *s3Writer) put(t *testing.T, day, hhmm string, refused, noise int) {
	t.Helper()
	var lines []string
	for i := range refused {
		lines = append(lines, string(refusedFrom(fmt.Sprintf("10.0.2.%d:8080", i%5))))
	}
	for i := range noise {
		lines = append(lines, fmt.Sprintf("2026/12/02 00:00:00 [notice] 1#1: signal %d received", i))
	}
	key := fmt.Sprintf("%s%s/123456789012_elasticloadbalancing_eu-west-1_app.web.50dc6c495c0c9188_%sT%sZ_10.0.1.7_2et2e1mx.log.gz",
		s3Prefix, day, strings.ReplaceAll(day, "/", ""), hhmm)
	data := s3test.Gzip(t, lines...)
	w.srv.Put(t, s3Bucket, key, data)
	w.refused, w.noise, w.bytes = w.refused+refused, w.noise+noise, w.bytes+len(data)
}

// check compares what was written with what /metrics says was counted.
func (w *s3Writer) check(t *testing.T, fams map[string]*dto.MetricFamily, what string) {
	t.Helper()
	for _, c := range []struct {
		name string
		sel  exportertest.Labels
		want int
	}{
		{"badgateway_upstream_errors_total", exportertest.Labels{"proxy": "nginx", "cause": "connection_refused"}, w.refused},
		{"badgateway_log_lines_total", exportertest.Labels{"path": s3Source, "result": "classified"}, w.refused},
		{"badgateway_log_lines_total", exportertest.Labels{"path": s3Source}, w.refused + w.noise},
		{"badgateway_s3_bytes_total", exportertest.Labels{"path": s3Source}, w.bytes},
		{"badgateway_s3_errors_total", exportertest.Labels{"path": s3Source}, 0},
	} {
		if got := exportertest.Value(fams, c.name, c.sel); got != float64(c.want) {
			t.Errorf("%s: %s%v = %v, want %d written", what, c.name, c.sel, got, c.want)
		}
	}
}

// Objects uploaded before the start, while running and across a day
// boundary, a reload that changes the source's settings, and a restart
// with objects uploaded while the exporter was down: /metrics counts
// exactly what was written, no object twice, none lost.
func TestS3LogCountedExactlyThroughReloadAndRestart(t *testing.T) {
	srv := s3test.Start(t, s3Bucket)
	posFile := filepath.Join(t.TempDir(), "positions.json")
	w := &s3Writer{srv: srv}
	w.put(t, "2026/12/01", "2350", 40, 7)
	w.put(t, "2026/12/01", "2355", 3000, 11)

	p := startS3Pipeline(t, s3Cfg(srv, posFile, "100ms"), posFile)
	w.check(t, p.waitObjects(t, 2), "before the start")

	w.put(t, "2026/12/02", "0000", 25, 0)
	w.put(t, "2026/12/02", "0005", 0, 30)
	w.check(t, p.waitObjects(t, 4), "uploaded while running, into the next day")

	if err := p.Apply(parse(t, s3Cfg(srv, posFile, "150ms"))); err != nil { // settings changed: the source restarts where it was
		t.Fatal(err)
	}
	w.put(t, "2026/12/02", "0010", 9, 1)
	w.check(t, p.waitObjects(t, 5), "after a reload")
	p.Close()

	// Down: more objects arrive. The restarted exporter counts only them.
	w2 := &s3Writer{srv: srv}
	w2.put(t, "2026/12/02", "2355", 13, 2)
	w2.put(t, "2026/12/03", "0000", 17, 0)
	p2 := startS3Pipeline(t, s3Cfg(srv, posFile, "100ms"), posFile)
	defer p2.Close()
	w2.check(t, p2.waitObjects(t, 2), "after a restart")
	w2.put(t, "2026/12/03", "0005", 1, 1)
	w2.check(t, p2.waitObjects(t, 3), "after a restart, uploaded while running")
}

// A clean stop in the middle of an object, then a start: the lines of
// that object counted before the stop are not counted again, the others
// are (the positions file keeps how many were counted).
func TestS3CleanStopMidObjectCountsEachLineOnce(t *testing.T) {
	srv := s3test.Start(t, s3Bucket)
	posFile := filepath.Join(t.TempDir(), "positions.json")
	w := &s3Writer{srv: srv}
	w.put(t, "2026/12/01", "2350", 300000, 0)
	w.put(t, "2026/12/01", "2355", 1000, 0)
	lines := exportertest.Labels{"path": s3Source}

	p1 := startS3Pipeline(t, s3Cfg(srv, posFile, "100ms"), posFile)
	deadline := time.Now().Add(60 * time.Second)
	for exportertest.Value(p1.scrape(t), "badgateway_log_lines_total", lines) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no line counted in 60s")
		}
		time.Sleep(time.Millisecond)
	}
	p1.Close()
	first := exportertest.Value(p1.scrape(t), "badgateway_log_lines_total", lines)
	saved, _ := os.ReadFile(posFile)
	t.Logf("stopped after %v lines; positions: %.300s", first, saved)

	p2 := startS3Pipeline(t, s3Cfg(srv, posFile, "100ms"), posFile)
	defer p2.Close()
	want := float64(w.refused)
	for {
		second := exportertest.Value(p2.scrape(t), "badgateway_log_lines_total", lines)
		if first+second == want {
			break
		}
		if first+second > want || time.Now().After(deadline) {
			t.Fatalf("%v lines counted before the stop + %v after = %v, want %v written", first, second, first+second, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// An S3 log without a region anywhere is refused by --config.check and by
// Apply, naming the file, line and field; nothing starts.
func TestS3LogWithoutRegionRefused(t *testing.T) {
	s3test.Env(t)
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	cfg := parse(t, "logs:\n  - format: haproxy\n    s3:\n      bucket: b\n      endpoint: http://127.0.0.1:1\n")
	const want = "test.yml:4: logs[0].s3: no AWS region: set region in the s3 block, or AWS_REGION"
	if err := CheckConfig(cfg); err == nil || err.Error() != want {
		t.Errorf("CheckConfig: %v, want %s", err, want)
	}
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	defer c.Close()
	if err := c.Apply(cfg); err == nil || err.Error() != want {
		t.Errorf("Apply: %v, want %s", err, want)
	}
	if len(c.S3LastKeys()) != 0 {
		t.Error("an S3 log started")
	}
}

// A first start whose listing never worked (the endpoint has no such
// bucket), then a reload that fixes the endpoint: the objects already in
// the bucket are skipped as at any first start, not counted as new.
func TestS3ReloadAfterFailedFirstListingSkipsExistingObjects(t *testing.T) {
	srv := s3test.Start(t, s3Bucket)
	wrong := s3test.Start(t) // no bucket: every listing fails
	posFile := filepath.Join(t.TempDir(), "positions.json")
	old := &s3Writer{srv: srv}
	old.put(t, "2026/12/01", "2350", 40, 7)
	old.put(t, "2026/12/01", "2355", 30, 1)
	cfg := func(endpoint, poll string) string {
		return fmt.Sprintf("positions: {file: %s}\nlogs:\n  - format: nginx_error\n    s3:\n      bucket: %s\n      prefix: %s\n      endpoint: %s\n      force_path_style: true\n      poll_interval: %s\n",
			posFile, s3Bucket, s3Prefix, endpoint, poll)
	}
	p := startS3Pipeline(t, cfg(wrong.URL, "100ms"), posFile)
	defer p.Close()
	listErrors := exportertest.Labels{"path": s3Source, "kind": "list"}
	deadline := time.Now().Add(60 * time.Second)
	for exportertest.Value(p.scrape(t), "badgateway_s3_errors_total", listErrors) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the listing on the wrong endpoint never failed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := p.Apply(parse(t, cfg(srv.URL, "100ms"))); err != nil {
		t.Fatal(err)
	}
	w := &s3Writer{srv: srv}
	// The first listing after the reload must see the old objects before
	// the new one arrives: wait for the positions file to have been
	// written by it.
	for {
		if saved, _ := os.ReadFile(posFile); strings.Contains(string(saved), "2355") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the source never listed the right endpoint")
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.put(t, "2026/12/02", "0000", 5, 2)
	fams := p.waitObjects(t, 1)
	for _, c := range []struct {
		name string
		sel  exportertest.Labels
		want int
	}{
		{"badgateway_upstream_errors_total", exportertest.Labels{"proxy": "nginx", "cause": "connection_refused"}, w.refused},
		{"badgateway_log_lines_total", exportertest.Labels{"path": s3Source}, w.refused + w.noise},
	} {
		if got := exportertest.Value(fams, c.name, c.sel); got != float64(c.want) {
			t.Errorf("%s%v = %v, want %d (the new object only)", c.name, c.sel, got, c.want)
		}
	}
}

package main

import (
	"context"
	"slices"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// droppedMetric counts datagrams the exporter's listener knows were lost
// (exposed by newer exporters only).
const droppedMetric = "badgateway_syslog_dropped_total"

// settle polls /metrics after the writers stopped until every count
// matches, or until the counts have not changed for opts.settle (more than
// the 5 s the exporter drains a renamed file), or opts.maxWait is over.
func (r *report) settle(ctx context.Context, exp *exporter) error {
	var last []float64
	lastChange := time.Now()
	deadline := time.Now().Add(r.opts.maxWait)
	for {
		if !exp.running() {
			return errExporterExited
		}
		fams, err := exp.scrape()
		if err != nil {
			return err
		}
		r.udpDropsFromMetrics(fams)
		r.checks = expectations(r.sources(), r.udpSlack())
		allMatch := observe(r.checks, fams)
		got := make([]float64, len(r.checks))
		for i, c := range r.checks {
			got[i] = c.got
		}
		now := time.Now()
		if !slices.Equal(got, last) {
			last, lastChange = got, now
		}
		switch {
		case allMatch:
			r.settled, r.fams = now, fams
			return nil
		case now.Sub(lastChange) >= r.opts.settle:
			r.settled, r.fams = now, fams
			return nil
		case now.After(deadline):
			r.settled, r.fams, r.timedOut = now, fams, true
			return nil
		}
		select {
		case <-ctx.Done():
			r.settled, r.fams = now, fams
			return nil
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// udpDropsFromMetrics reads the kernel's drop counter of the listener's
// socket and, when the exporter has it, its own drop counter.
func (r *report) udpDropsFromMetrics(fams map[string]*dto.MetricFamily) {
	if d, found, err := udpDrops("/proc/net/udp", r.udpPort); err == nil && found {
		r.kernelDrops, r.kernelDropsFound = d, true
	}
	if _, ok := fams[droppedMetric]; ok {
		r.exporterDrops = sum(fams, droppedMetric, map[string]string{"path": r.syslog.path})
		r.exporterHasDrops = true
	}
}

// udpSlack is how many sent datagrams may be missing: those the kernel (or
// the exporter's own counter) says were dropped.
func (r *report) udpSlack() float64 {
	return max(float64(r.kernelDrops), r.exporterDrops)
}

func (r *report) sources() []*source { return []*source{r.errorLog, r.accessLog, r.syslog} }

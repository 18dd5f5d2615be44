package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// options are the knobs of one soak run.
type options struct {
	duration          time.Duration
	rate              float64    // lines per second, all sources together
	mix               [3]float64 // shares of the error log, access log and UDP syslog
	rotateEvery       time.Duration
	copytruncateEvery time.Duration
	rotateTarget      string // alternate, error, access, both
	reopenDelay       time.Duration
	keep              int
	tick              time.Duration
	exporterBin       string // "" builds ./cmd/badgateway_exporter
	dir               string // "" makes a temporary directory
	settle            time.Duration
	maxWait           time.Duration
	progress          io.Writer // nil: no progress lines
}

// soak runs the exporter against paced writers and compares its counts
// with what was written.
func soak(ctx context.Context, o options) (*report, error) {
	r := &report{opts: o, dir: o.dir}
	if r.dir == "" {
		dir, err := os.MkdirTemp("", "badgateway-soak-")
		if err != nil {
			return nil, fmt.Errorf("work dir: %w", err)
		}
		r.dir = dir
	}
	bin := o.exporterBin
	if bin == "" {
		var err error
		if bin, err = buildExporter(ctx, r.dir); err != nil {
			return nil, err
		}
	}
	udpPort, err := freePort("udp")
	if err != nil {
		return nil, err
	}
	total := o.mix[0] + o.mix[1] + o.mix[2]
	r.errorLog = newSource("error", "nginx", filepath.Join(r.dir, "error.log"), errorLogTemplates, o.rate*o.mix[0]/total)
	r.accessLog = newSource("access", "nginx", filepath.Join(r.dir, "access.log"), accessLogTemplates, o.rate*o.mix[1]/total)
	r.syslog = newSource("syslog", "haproxy", fmt.Sprintf("syslog://127.0.0.1:%d", udpPort), syslogTemplates, o.rate*o.mix[2]/total)
	r.udpPort = udpPort

	ew, err := newFileWriter(r.errorLog, "2006/01/02 15:04:05", o.keep, o.reopenDelay)
	if err != nil {
		return nil, err
	}
	aw, err := newFileWriter(r.accessLog, "02/Jan/2006:15:04:05 -0700", o.keep, o.reopenDelay)
	if err != nil {
		return nil, err
	}
	r.files = []*fileWriter{ew, aw}
	cfgPath := filepath.Join(r.dir, "badgateway.yml")
	if err := os.WriteFile(cfgPath, []byte(exporterConfig(r.errorLog.path, r.accessLog.path, udpPort)), 0o644); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	r.exporterLog = filepath.Join(r.dir, "exporter.log")
	exp, err := startExporter(bin, cfgPath, r.exporterLog)
	if err != nil {
		return nil, err
	}
	defer exp.stop()
	udp, err := newSyslogSender(r.syslog, exp.addrUDP(udpPort))
	if err != nil {
		return nil, err
	}
	r.udp = udp

	r.samples = append(r.samples, sampleProc(exp.pid(), "start"))
	r.start = time.Now()
	if err := r.write(ctx, exp); err != nil {
		return nil, err
	}
	r.writeEnd = time.Now()
	if err := r.settle(ctx, exp); err != nil {
		return nil, err
	}
	r.samples = append(r.samples, sampleProc(exp.pid(), "end"))
	return r, nil
}

func (e *exporter) addrUDP(port int) string { return fmt.Sprintf("127.0.0.1:%d", port) }

// write runs the writers, the rotations and the middle sample until the
// duration is over (or ctx is cancelled).
func (r *report) write(ctx context.Context, exp *exporter) error {
	o := r.opts
	var wg sync.WaitGroup
	errs := make([]error, len(r.files))
	dones := make([]chan struct{}, len(r.files))
	for i, w := range r.files {
		p := &pacer{start: r.start, duration: o.duration, rate: w.src.rate}
		dones[i] = make(chan struct{})
		wg.Go(func() {
			defer close(dones[i])
			errs[i] = w.run(ctx, p, o.tick)
		})
	}
	wg.Go(func() { r.udp.run(ctx, &pacer{start: r.start, duration: o.duration, rate: r.syslog.rate}, o.tick) })
	rotCtx, cancel := context.WithDeadline(ctx, r.start.Add(o.duration))
	defer cancel()
	wg.Go(func() { rotate(rotCtx, o, r.start, r.files, dones) })

	middle := time.NewTimer(o.duration / 2)
	defer middle.Stop()
	progress := time.NewTicker(time.Minute)
	defer progress.Stop()
	allDone := make(chan struct{})
	go func() { wg.Wait(); close(allDone) }()
	for {
		select {
		case <-allDone:
			for _, err := range errs {
				if err != nil {
					return err
				}
			}
			return nil
		case <-middle.C:
			r.samples = append(r.samples, sampleProc(exp.pid(), "middle"))
		case <-progress.C:
			if o.progress != nil {
				s := sampleProc(exp.pid(), "")
				fmt.Fprintf(o.progress, "soak: %s of %s, exporter RSS %.1f MiB, CPU %.1f s\n",
					time.Since(r.start).Round(time.Second), o.duration, float64(s.rssKiB)/1024, s.cpuSecs)
			}
		}
	}
}

// rotate sends the rename rotations and copytruncates to the writers on
// their schedules (see rotationSchedule) until ctx ends.
func rotate(ctx context.Context, o options, start time.Time, files []*fileWriter, dones []chan struct{}) {
	next := rotationSchedule(o.rotateEvery, o.copytruncateEvery)
	counts := map[rotation]int{}
	for {
		at, kind, ok := next()
		if !ok {
			return
		}
		timer := time.NewTimer(time.Until(start.Add(at)))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		k := counts[kind]
		counts[kind]++
		for _, i := range rotationTargets(o.rotateTarget, k) {
			select {
			case files[i].requests <- kind:
			case <-dones[i]:
			case <-ctx.Done():
				return
			}
		}
	}
}

// rotationSchedule returns an iterator over the rotations, in time order:
// renames at k×renameEvery, copytruncates at k×truncEvery shifted by half
// a rename interval, so that a copytruncate never lands on a file renamed
// (and so emptied) a moment before. Zero intervals mean never.
func rotationSchedule(renameEvery, truncEvery time.Duration) func() (time.Duration, rotation, bool) {
	nextRename, nextTrunc := renameEvery, truncEvery+renameEvery/2
	return func() (time.Duration, rotation, bool) {
		switch {
		case renameEvery <= 0 && truncEvery <= 0:
			return 0, 0, false
		case truncEvery <= 0 || (renameEvery > 0 && nextRename <= nextTrunc):
			at := nextRename
			nextRename += renameEvery
			return at, renameRotation, true
		default:
			at := nextTrunc
			nextTrunc += truncEvery
			return at, copyTruncate, true
		}
	}
}

// rotationTargets returns the writers (0: error log, 1: access log) the
// k-th rotation of a kind applies to.
func rotationTargets(target string, k int) []int {
	switch target {
	case "error":
		return []int{0}
	case "access":
		return []int{1}
	case "both":
		return []int{0, 1}
	default: // alternate
		return []int{k % 2}
	}
}

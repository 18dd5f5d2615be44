package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// report is the outcome of one soak run.
type report struct {
	opts                        options
	dir, exporterLog            string
	errorLog, accessLog, syslog *source
	files                       []*fileWriter
	udp                         *syslogSender
	udpPort                     int
	kernelDrops                 uint64
	kernelDropsFound            bool
	exporterDrops               float64
	exporterHasDrops            bool
	start, writeEnd, settled    time.Time
	timedOut                    bool
	checks                      []*check
	samples                     []procSample
	fams                        map[string]*dto.MetricFamily
}

// mismatches counts the checks that failed.
func (r *report) mismatches() int {
	n := 0
	for _, c := range r.checks {
		if !c.ok() {
			n++
		}
	}
	return n
}

// print writes the report for a person to read.
func (r *report) print(out io.Writer) {
	o := r.opts
	fmt.Fprintf(out, "Soak: %s at %.0f lines/s (error log %.0f/s, access log %.0f/s, UDP syslog %.0f/s); rename rotation %s, copytruncate %s (%s)\n",
		o.duration, o.rate, r.errorLog.rate, r.accessLog.rate, r.syslog.rate, every(o.rotateEvery), every(o.copytruncateEvery), o.rotateTarget)
	fmt.Fprintf(out, "Work dir %s, exporter log %s\n\n", r.dir, r.exporterLog)

	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "source\tpath\twritten\tlines/s\trenames\tcopytruncates\texporter rotations\texporter truncations\tread errors\t")
	var written uint64
	writeSecs := r.writeEnd.Sub(r.start).Seconds()
	for i, s := range r.sources() {
		n := s.written()
		written += n
		renames, truncs := "-", "-"
		if i < len(r.files) {
			renames, truncs = fmt.Sprint(r.files[i].renames), fmt.Sprint(r.files[i].truncations)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%s\t%s\t%.0f\t%.0f\t%.0f\t\n", s.name, s.path, n, float64(n)/writeSecs, renames, truncs,
			r.metric("badgateway_log_rotations_total", s.path), r.metric("badgateway_log_truncations_total", s.path), r.metric("badgateway_log_read_errors_total", s.path))
	}
	tw.Flush()
	fmt.Fprintf(out, "\nAchieved %.0f lines/s: %d lines in %.2f s (asked %.0f lines/s).\n", float64(written)/writeSecs, written, writeSecs, o.rate)
	var oldFd uint64
	var maxPause time.Duration
	for _, w := range r.files {
		oldFd += w.oldFileLines
		maxPause = max(maxPause, w.maxPause)
	}
	fmt.Fprintf(out, "Rename: after each rename the writer kept the old file open for %s (like nginx until `nginx -s reopen`); %d lines went to renamed files.\n", o.reopenDelay, oldFd)
	fmt.Fprintf(out, "Copytruncate: the writer paused during copy+truncate (longest %s), so logrotate's copy/truncate race lost no line; lines the exporter had not read when a file was truncated are still expected.\n", maxPause.Round(time.Millisecond))
	fmt.Fprintf(out, "UDP syslog: %d sent, %d send errors (not counted as sent), %s, %s; the exporter should count sent - dropped = %.0f.\n",
		r.syslog.written(), r.udp.sendErrors, r.kernelDropsText(), r.exporterDropsText(), float64(r.syslog.written())-r.udpSlack())

	settle := "every count matched"
	if r.timedOut {
		settle = "gave up waiting"
	} else if r.mismatches() > 0 {
		settle = fmt.Sprintf("counts unchanged for %s", o.settle)
	}
	fmt.Fprintf(out, "\nCounts, %.1f s after the writers stopped (%s):\n", r.settled.Sub(r.writeEnd).Seconds(), settle)
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "series\texpected\tcounted\tdiff\t")
	for _, c := range r.checks {
		mark := ""
		if !c.ok() {
			mark = "  MISMATCH"
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%+.0f%s\t\n", c.selector(), c.want, c.got, c.got-c.want, mark)
	}
	tw.Flush()

	fmt.Fprintln(out, "\nExporter process (RSS from /proc/PID/status, CPU = utime+stime from /proc/PID/stat):")
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "sample\tat\tRSS MiB\tpeak RSS MiB\tCPU s\tCPU % since previous\t")
	for i, s := range r.samples {
		if s.err != nil {
			fmt.Fprintf(tw, "%s\t%s\t%v\t\t\t\t\n", s.label, s.at.Sub(r.start).Round(time.Second), s.err)
			continue
		}
		pct := "-"
		if i > 0 {
			prev := r.samples[i-1]
			pct = fmt.Sprintf("%.1f", 100*(s.cpuSecs-prev.cpuSecs)/s.at.Sub(prev.at).Seconds())
		}
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%.2f\t%s\t\n", s.label, s.at.Sub(r.start).Round(time.Second), float64(s.rssKiB)/1024, float64(s.hwmKiB)/1024, s.cpuSecs, pct)
	}
	tw.Flush()
	if n := r.mismatches(); n > 0 {
		fmt.Fprintf(out, "\nFAIL: %d of %d counts differ.\n", n, len(r.checks))
	} else {
		fmt.Fprintf(out, "\nPASS: all %d counts match.\n", len(r.checks))
	}
}

func (r *report) metric(name, path string) float64 {
	return sum(r.fams, name, map[string]string{"path": path})
}

func (r *report) kernelDropsText() string {
	if !r.kernelDropsFound {
		return "kernel drops unknown (socket not in /proc/net/udp)"
	}
	return fmt.Sprintf("%d dropped by the kernel (/proc/net/udp)", r.kernelDrops)
}

func (r *report) exporterDropsText() string {
	if !r.exporterHasDrops {
		return droppedMetric + " not exposed by this exporter"
	}
	return fmt.Sprintf("%s %.0f", droppedMetric, r.exporterDrops)
}

func every(d time.Duration) string {
	if d <= 0 {
		return "never"
	}
	return "every " + d.String()
}

package pipeline

import (
	"context"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/badgateway/badgateway_exporter/config"
	"github.com/badgateway/badgateway_exporter/positions"
	"github.com/badgateway/badgateway_exporter/s3source"
	"github.com/badgateway/badgateway_exporter/tailer"
)

// runningS3 is a log read from S3 and the settings in force.
type runningS3 struct {
	cfg     config.LogConfig
	format  string
	src     *s3source.Source
	handler *s3Handler
}

// s3Start is an S3 log with its client and line counter made.
type s3Start struct {
	lc         config.LogConfig
	format     string
	newCounter func(string, *slog.Logger) lineCounter
	client     *s3.Client
}

// s3Handler feeds an S3 source's lines to the log's line counter, as a
// file's handler does; an object's end is a caught-up file's idle.
type s3Handler struct{ lines lineCounter }

func (h *s3Handler) Line(line []byte)  { h.lines.Line(line) }
func (h *s3Handler) ObjectDone(string) { h.lines.CaughtUp() }

// prepareS3 makes the clients and line counters of new S3 logs and of
// running ones whose settings changed. Nothing starts.
func (c *Pipeline) prepareS3(logs []config.LogConfig) (start, changed []s3Start, want map[string]bool, err error) {
	want = map[string]bool{}
	for _, lc := range logs {
		if !lc.S3.Given() {
			continue
		}
		want[lc.Source()] = true
		r := c.s3logs[lc.Source()]
		if r != nil && r.cfg.SameSettings(lc) && lc.LogFormatFrom == (config.LogFormatFrom{}) {
			continue
		}
		newCounter, format, err := c.lineCounterFactory(lc)
		if err != nil {
			return nil, nil, nil, err
		}
		if r != nil && r.cfg.SameSettings(lc) && r.format == format {
			continue
		}
		client, err := newS3Client(lc, c.s3HTTPClient)
		if err != nil {
			return nil, nil, nil, err
		}
		st := s3Start{lc: lc, format: format, newCounter: newCounter, client: client}
		if r == nil {
			start = append(start, st)
		} else {
			changed = append(changed, st)
		}
	}
	return start, changed, want, nil
}

// newS3Client loads the AWS configuration of an S3 log; an error names the
// file, line and field of the entry.
func newS3Client(lc config.LogConfig, hc aws.HTTPClient) (*s3.Client, error) {
	client, err := s3source.NewClient(context.Background(), s3source.ClientConfig{
		Region: lc.S3.Region, Endpoint: lc.S3.Endpoint, ForcePathStyle: lc.S3.ForcePathStyle, HTTPClient: hc,
	})
	if err != nil {
		return nil, lc.FieldError("s3", err)
	}
	return client, nil
}

// commitS3 restarts changed S3 logs where they were, stops removed ones
// and starts new ones where the positions file says they were.
func (c *Pipeline) commitS3(start, changed []s3Start, want map[string]bool) {
	for _, st := range changed {
		r := c.s3logs[st.lc.Source()]
		r.src.Close()
		r.handler.lines.CaughtUp() // what the old counter held
		c.s3logs[st.lc.Source()] = c.startS3(st, r.src.Position(), r.src.Positioned(), r.src.Partial())
		c.logger.Info("Log settings changed; continuing where it was", "path", st.lc.Source(), "last_key", r.src.LastKey())
	}
	for src, r := range c.s3logs {
		if !want[src] {
			r.src.Close()
			delete(c.s3logs, src)
			c.logger.Info("Stopped reading log from S3", "path", src)
		}
	}
	if c.store != nil {
		c.store.ForgetS3(want)
	}
	for _, st := range start {
		var pos s3source.Position
		var partial s3source.Partial
		var resume bool
		if c.store != nil {
			var saved positions.S3Position
			saved, resume = c.store.LookupS3(st.lc.Source())
			pos.LastKey, pos.Done = saved.Keys()
			if ip := saved.InProgress; ip != nil {
				partial = s3source.Partial{Key: ip.Key, Lines: ip.Lines}
			}
		}
		c.s3logs[st.lc.Source()] = c.startS3(st, pos, resume, partial)
	}
}

func (c *Pipeline) startS3(st s3Start, pos s3source.Position, resume bool, partial s3source.Partial) *runningS3 {
	src := st.lc.Source()
	h := &s3Handler{lines: st.newCounter(src, c.logger.With("path", src))}
	opts := s3source.Options{
		Bucket: st.lc.S3.Bucket, Prefix: st.lc.S3.Prefix, Name: src,
		PollInterval: st.lc.S3.PollInterval, MaxConcurrency: st.lc.S3.MaxConcurrency,
		Start: pos, Resume: resume, FromBeginning: st.lc.FromBeginning, Partial: partial,
		MaxLineBytes: tailer.DefaultMaxLineBytes, Logger: c.logger, Metrics: c.s3m,
	}
	if store := c.store; store != nil {
		opts.Save = func(p s3source.Position) error {
			saved := positions.NewS3Position(p.LastKey, p.Done)
			if ip := p.InProgress; ip.Lines > 0 {
				saved = saved.WithInProgress(ip.Key, ip.Lines)
			}
			if err := store.SaveS3(src, saved); err != nil {
				c.m.PositionsSaveErrors.Inc()
				return err
			}
			c.m.PositionsSaved.SetToCurrentTime()
			return nil
		}
	}
	return &runningS3{cfg: st.lc, format: st.format, src: s3source.Start(st.client, opts, h), handler: h}
}

// closeS3 stops every S3 log (before the positions store closes) and
// saves how many lines of the object each was reading were counted.
func (c *Pipeline) closeS3() {
	for src, r := range c.s3logs {
		r.src.Close()
		r.handler.lines.CaughtUp()
		delete(c.s3logs, src)
		if c.store == nil {
			continue
		}
		pos, partial := r.src.Position(), r.src.Partial()
		if partial.Lines == 0 {
			continue // saved after its last object
		}
		if err := c.store.SaveS3(src, positions.NewS3Position(pos.LastKey, pos.Done).WithInProgress(partial.Key, partial.Lines)); err != nil {
			c.m.PositionsSaveErrors.Inc()
			c.logger.Error("Cannot save the S3 position; after a restart the object being read is read again whole", "path", src, "err", err)
		}
	}
}

// S3LastKeys returns the last key counted of each S3 log, by source.
func (c *Pipeline) S3LastKeys() map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make(map[string]string, len(c.s3logs))
	for src, r := range c.s3logs {
		keys[src] = r.src.LastKey()
	}
	return keys
}

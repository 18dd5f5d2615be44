package s3source

import (
	"context"
	"errors"
)

// hand gives the lines of o to the handler, then records o as counted,
// unless it could not be opened and may be tried again at the next poll
// (errFailed) or the poll was stopped (ctx's error).
func (s *Source) hand(ctx context.Context, o *object) error {
	skip := 0
	if s.partial.Key == o.key {
		skip = s.partial.Lines
	}
	lines := 0
	for b := range o.batches {
		if ctx.Err() != nil {
			b.free()
			continue
		}
		b.each(func(line []byte) {
			if lines++; lines > skip {
				s.handler.Line(line)
			}
		})
		b.free()
	}
	if ctx.Err() != nil { // stopped: the object stays where it was
		if lines > 0 {
			s.partial = Partial{Key: o.key, Lines: max(lines, skip)}
		}
		return ctx.Err()
	}
	if o.cuts > 0 {
		s.metrics.errors[ErrorLineTooLong].Add(float64(o.cuts))
		s.logger.Warn("Lines longer than the line limit were cut", "key", o.key, "lines_cut", o.cuts, "limit_bytes", s.opts.MaxLineBytes)
	}
	if err := s.objectFailed(o, lines, skip); err != nil {
		return err // its marker, if any, stays: the next poll skips those lines
	}
	if s.partial.Key == o.key {
		s.partial = Partial{}
	}
	delete(s.failures, o.key)
	s.handler.ObjectDone(o.key)
	// The position is saved before the object counts as read in the
	// metrics: whoever sees badgateway_s3_objects_total grow (a test that
	// then kills the exporter) knows a restart will not read it again.
	s.advance(o.key)
	if o.err == nil {
		s.metrics.objects.Inc()
		s.metrics.lastObject.Set(float64(o.modified.UnixNano()) / 1e9)
	}
	return nil
}

// objectFailed counts and logs o's error, once. It returns errFailed if
// the object should be tried again (a failed download: the lines already
// handed over, at least skip, are recorded in the partial marker and not
// handed again); nil if it is done with (read, or skipped).
func (s *Source) objectFailed(o *object, lines, skip int) error {
	err := o.err
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errDeleted):
		s.metrics.errors[ErrorDeleted].Inc()
		s.logger.Warn("S3 object deleted before it could be read; skipped", "key", o.key, "err", err)
	case errors.Is(err, errGzip):
		s.metrics.errors[ErrorGzip].Inc()
		s.logger.Error("Corrupt gzip object: the lines before the damage were counted, the rest is skipped", "key", o.key, "lines_counted", lines, "err", err)
	default:
		s.metrics.errors[ErrorGet].Inc()
		if handed := max(lines, skip); handed > 0 {
			s.partial = Partial{Key: o.key, Lines: handed}
		}
		s.failures[o.key]++
		if n := s.failures[o.key]; n < objectAttempts {
			if n == 1 {
				s.logger.Error("Cannot read an S3 object; trying again at the next polls", "key", o.key, "err", err)
			}
			return errFailed
		}
		s.metrics.errors[ErrorSkipped].Inc()
		s.logger.Error("Cannot read an S3 object; skipped after retries", "key", o.key, "polls", objectAttempts, "err", err)
	}
	return nil
}

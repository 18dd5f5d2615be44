package s3source

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// errGzip wraps a corrupt gzip stream's error.
var errGzip = errors.New("corrupt gzip")

// object is one download: its lines in batches, then its error.
type object struct {
	key      string
	modified time.Time
	batches  chan *batch // closed at the end; err is set before
	err      error
	cuts     int // lines cut at the line limit
}

func newObject(key string, modified time.Time) *object {
	return &object{key: key, modified: modified, batches: make(chan *batch, 2)}
}

// discard waits for a cancelled download to end.
func (o *object) discard() {
	for b := range o.batches {
		b.free()
	}
}

// fetch downloads o, gunzipping keys that end .gz, and batches its lines.
func (s *Source) fetch(ctx context.Context, o *object) {
	defer close(o.batches)
	body, err := s.openObject(ctx, o.key)
	if err != nil {
		o.err = err
		return
	}
	defer body.Close()
	var r io.Reader = body
	if strings.HasSuffix(o.key, ".gz") {
		gz, err := gzip.NewReader(body)
		if err != nil {
			o.err = gzipError(body, err)
			return
		}
		defer gz.Close()
		r = gz
	}
	lines := newLineSplitter(r, s.opts.MaxLineBytes)
	defer func() { o.cuts = lines.cuts }()
	b := newBatch()
	for {
		line, err := lines.next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				o.err = gzipError(body, err)
			}
			break
		}
		if len(b.data)+len(line) > batchBytes && len(b.ends) > 0 {
			if !send(ctx, o, b) {
				return
			}
			b = newBatch()
		}
		b.data = append(b.data, line...)
		b.ends = append(b.ends, len(b.data))
	}
	if len(b.ends) > 0 {
		send(ctx, o, b)
	} else {
		b.free()
	}
}

func send(ctx context.Context, o *object, b *batch) bool {
	select {
	case o.batches <- b:
		return true
	case <-ctx.Done():
		b.free()
		o.err = ctx.Err()
		return false
	}
}

// gzipError tells a download that failed (the body's error) from a
// corrupt gzip stream.
func gzipError(body *objectBody, err error) error {
	if body.lastErr != nil || body.ctx.Err() != nil {
		return err
	}
	return fmt.Errorf("%w: %w", errGzip, err)
}

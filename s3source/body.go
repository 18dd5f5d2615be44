package s3source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// errDeleted: the object is gone (deleted between the listing and the
// download).
var errDeleted = errors.New("object no longer exists")

// errRangeIgnored: a resumed download's reply does not start at the byte
// asked for.
var errRangeIgnored = errors.New("resumed download not at the byte asked for")

// errStalled: no byte of the object arrived within the stall timeout.
var errStalled = errors.New("download stalled")

// objectBody reads one object, resuming where it was (Range from the byte
// reached, If-Match its ETag) when the connection fails, stalls or the
// server errs, up to readAttempts times. It counts the bytes downloaded.
type objectBody struct {
	src      *Source
	ctx      context.Context
	key      string
	etag     *string
	body     io.ReadCloser
	cancel   context.CancelFunc // the current request's
	off      int64
	failures int
	lastErr  error // the transport error it gave up on; nil if none
}

// openObject opens key, retrying failures other than a missing object.
func (s *Source) openObject(ctx context.Context, key string) (*objectBody, error) {
	b := &objectBody{src: s, ctx: ctx, key: key}
	for {
		err := b.open()
		if err == nil {
			return b, nil
		}
		if err = b.retryable(err); err != nil {
			return nil, err
		}
	}
}

// open sends the GET (from off, once something was read). Its headers
// must come within the request timeout.
func (b *objectBody) open() error {
	reqCtx, cancel := context.WithCancel(b.ctx)
	in := &s3.GetObjectInput{Bucket: aws.String(b.src.opts.Bucket), Key: aws.String(b.key)}
	if b.off > 0 {
		in.Range, in.IfMatch = aws.String(fmt.Sprintf("bytes=%d-", b.off)), b.etag
	}
	timer := time.AfterFunc(b.src.opts.RequestTimeout, cancel)
	out, err := b.src.client.GetObject(reqCtx, in)
	if !timer.Stop() && err != nil {
		err = fmt.Errorf("no response within %v: %w", b.src.opts.RequestTimeout, err)
	}
	if err != nil {
		cancel()
		var noKey *types.NoSuchKey
		if errors.As(err, &noKey) || httpStatus(err) == 404 {
			return fmt.Errorf("%w: %w", errDeleted, err)
		}
		return err
	}
	if b.off > 0 {
		// A server that ignored Range sends the whole object again: the
		// lines before off would be counted twice.
		if want := fmt.Sprintf("bytes %d-", b.off); !strings.HasPrefix(aws.ToString(out.ContentRange), want) {
			out.Body.Close()
			cancel()
			return fmt.Errorf("%w: asked for %s…, got Content-Range %q", errRangeIgnored, want, aws.ToString(out.ContentRange))
		}
	}
	if b.etag == nil {
		b.etag = out.ETag
	}
	b.body, b.cancel = out.Body, cancel
	return nil
}

// retryable returns nil if the failure err may be retried (after a pause),
// or the error to give up with.
func (b *objectBody) retryable(err error) error {
	if errors.Is(err, errDeleted) || b.ctx.Err() != nil {
		b.lastErr = err
		return err
	}
	b.failures++
	if b.failures >= readAttempts || httpStatus(err) == 412 { // 412: the object changed
		b.lastErr = err
		return err
	}
	pause := time.NewTimer(time.Duration(b.failures) * b.src.opts.RetryPause)
	defer pause.Stop()
	select {
	case <-pause.C:
		return nil
	case <-b.ctx.Done():
		return b.ctx.Err()
	}
}

// Read reads the object, resuming after a failure.
func (b *objectBody) Read(p []byte) (int, error) {
	for {
		stall := time.AfterFunc(b.src.opts.StallTimeout, b.cancel)
		n, err := b.body.Read(p)
		if !stall.Stop() && err != nil && !errors.Is(err, io.EOF) {
			err = fmt.Errorf("%w: nothing for %v: %w", errStalled, b.src.opts.StallTimeout, err)
		}
		b.off += int64(n)
		b.src.metrics.bytes.Add(float64(n))
		if n > 0 && err != nil && !errors.Is(err, io.EOF) {
			return n, nil // the error comes again at the next call, which resumes
		}
		if n > 0 || err == nil || errors.Is(err, io.EOF) {
			return n, err
		}
		b.close()
		b.src.logger.Debug("Resuming S3 object download", "key", b.key, "offset", b.off, "err", err)
		for {
			if err := b.retryable(err); err != nil {
				return 0, err
			}
			if err = b.open(); err == nil {
				break
			}
		}
	}
}

func (b *objectBody) close() {
	if b.body != nil {
		b.body.Close()
		b.cancel()
		b.body = nil
	}
}

// Close ends the download.
func (b *objectBody) Close() error {
	b.close()
	return nil
}

// httpStatus is the HTTP status of an SDK error, 0 if none.
func httpStatus(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "PreconditionFailed" {
		return 412
	}
	return 0
}

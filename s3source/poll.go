package s3source

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// errFailed: a poll stopped at an object that could not be opened; the
// next poll starts again at it.
var errFailed = errors.New("stopped at an object that could not be read")

// list lists the objects after the last key counted, page by page, each
// within the request timeout. For each object it waits for a download
// slot, starts the download and queues it in key order.
func (s *Source) list(ctx context.Context, queue chan<- *object, slots chan struct{}) error {
	after, _ := s.windowStart(s.LastKey())
	pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket: aws.String(s.opts.Bucket), Prefix: aws.String(s.opts.Prefix), StartAfter: aws.String(after),
	})
	for pages.HasMorePages() {
		page, err := s.nextPage(ctx, pages)
		if err != nil {
			return err
		}
		for _, obj := range page.Contents {
			key := aws.ToString(obj.Key)
			if key <= after || s.isDone(key) { // <=: a server that ignored StartAfter
				continue
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			o := newObject(key, aws.ToTime(obj.LastModified))
			go s.fetch(ctx, o)
			queue <- o // never blocks: as long as slots
		}
	}
	return nil
}

func (s *Source) nextPage(ctx context.Context, pages *s3.ListObjectsV2Paginator) (*s3.ListObjectsV2Output, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.RequestTimeout)
	defer cancel()
	return pages.NextPage(ctx)
}

// poll hands over the objects after the last key counted, in key order,
// while up to MaxConcurrency of them download.
func (s *Source) poll(ctx context.Context) {
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	queue := make(chan *object, s.opts.MaxConcurrency)
	slots := make(chan struct{}, s.opts.MaxConcurrency)
	listed := make(chan error, 1)
	go func() {
		listed <- s.list(pctx, queue, slots)
		close(queue)
	}()
	var stopped error
	for o := range queue {
		if stopped == nil {
			stopped = s.hand(pctx, o)
			if stopped != nil {
				cancel() // the downloads after it, and the listing
			}
		} else {
			o.discard()
		}
		<-slots
	}
	err := <-listed
	switch {
	case ctx.Err() != nil:
	case err != nil && stopped == nil:
		s.listFailed(err)
	case err == nil && stopped == nil:
		s.listRecovered()
	}
}

// skipExisting, at the first start without a saved position, takes the
// objects already in the bucket as counted: their lines are history. It
// lists them all once, keeping the keys of the last window.
func (s *Source) skipExisting(ctx context.Context) {
	pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket: aws.String(s.opts.Bucket), Prefix: aws.String(s.opts.Prefix),
	})
	now := time.Now()
	var keys []string
	var last string
	for pages.HasMorePages() {
		page, err := s.nextPage(ctx, pages)
		if err != nil {
			if ctx.Err() == nil {
				s.listFailed(err)
			}
			return
		}
		for _, obj := range page.Contents {
			keys = append(keys, aws.ToString(obj.Key))
		}
		keys, last = s.windowKeys(keys, now)
	}
	s.listRecovered()
	// One pass under one lock: marking the keys one by one re-walked
	// the whole window at each key.
	s.mu.Lock()
	s.last = max(s.last, last)
	after, dated := s.windowStart(s.last)
	pos := Position{LastKey: s.last}
	if dated {
		for _, k := range keys {
			if k > after {
				s.doneKeys[k] = true
			}
		}
		for k := range s.doneKeys {
			if k <= after {
				delete(s.doneKeys, k)
				continue
			}
			pos.Done = append(pos.Done, k)
		}
		slices.Sort(pos.Done)
	} else {
		clear(s.doneKeys)
	}
	s.positioned = true
	s.mu.Unlock()
	s.logger.Info("First start: objects already in the bucket are skipped; new ones will be read", "last_existing_key", pos.LastKey)
	s.save(pos)
}

func (s *Source) listFailed(err error) {
	s.metrics.errors[ErrorList].Inc()
	if !s.listFailing {
		s.logger.Error("Cannot list the S3 bucket; retrying every poll interval", "bucket", s.opts.Bucket, "prefix", s.opts.Prefix, "err", err)
	}
	s.listFailing = true
}

func (s *Source) listRecovered() {
	s.metrics.listed.SetToCurrentTime()
	if s.listFailing {
		s.logger.Info("Listing the S3 bucket works again")
	}
	s.listFailing = false
}

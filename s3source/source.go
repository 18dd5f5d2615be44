package s3source

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Attempts before giving up (see the package comment).
const (
	readAttempts   = 4 // opening or resuming one download, within a poll
	objectAttempts = 5 // polls that fail to open an object before it is skipped
)

// Defaults of Options.
const (
	DefaultMaxLineBytes   = 1 << 20
	DefaultRequestTimeout = time.Minute
	DefaultStallTimeout   = time.Minute
	DefaultRetryPause     = time.Second
)

// Handler receives the lines of the objects, in key order, on one
// goroutine.
type Handler interface {
	// Line is one line; it is valid only during the call.
	Line(line []byte)
	// ObjectDone is called when every line of the object was given.
	ObjectDone(key string)
}

// Options configure a Source.
type Options struct {
	Bucket, Prefix string
	Name           string // the source's path label, e.g. s3://BUCKET/PREFIX
	PollInterval   time.Duration
	MaxConcurrency int // objects downloaded at once
	// Start is where an earlier run stood; Resume says there was one.
	// Without Resume, the first listing skips the objects already there
	// unless FromBeginning.
	Start         Position
	Resume        bool
	FromBeginning bool
	// Partial, from the source this one replaces, is not handed again.
	Partial Partial
	// Save records the position, after each object (nil: no positions
	// kept). Its error is counted and logged, never fatal.
	Save func(Position) error

	MaxLineBytes   int           // longer lines are cut; default DefaultMaxLineBytes
	RequestTimeout time.Duration // for a listing page or an object's response headers
	StallTimeout   time.Duration // for each read of an object's body
	RetryPause     time.Duration // grows linearly with the attempts
	Logger         *slog.Logger
	Metrics        *Metrics
}

func (o *Options) setDefaults() {
	if o.MaxConcurrency < 1 {
		o.MaxConcurrency = 1
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Minute
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.StallTimeout <= 0 {
		o.StallTimeout = DefaultStallTimeout
	}
	if o.RetryPause <= 0 {
		o.RetryPause = DefaultRetryPause
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Name == "" {
		o.Name = "s3://" + o.Bucket + "/" + o.Prefix
	}
}

// Source polls a bucket for new objects and hands their lines over.
type Source struct {
	opts    Options
	client  *s3.Client
	handler Handler
	logger  *slog.Logger
	metrics *sourceMetrics

	cancel context.CancelFunc
	done   chan struct{}

	mu         sync.Mutex
	last       string          // the greatest key counted
	doneKeys   map[string]bool // the keys counted in the listed window
	positioned bool            // last is known: the first listing was done or resumed

	// Of the run goroutine only:
	failures    map[string]int // polls that failed to open a key
	listFailing bool           // the last listing failed (logged)
	partial     Partial        // lines of an object handed over before a stop
	keyIgnored  bool           // a key that cannot be the last one was logged
}

// Partial is an object whose first Lines lines were handed over when its
// source was stopped: a source started after it (a reload) skips them.
type Partial struct {
	Key   string
	Lines int
}

// Start starts polling. Close stops it.
func Start(client *s3.Client, opts Options, h Handler) *Source {
	opts.setDefaults()
	if opts.Metrics == nil {
		panic("s3source: Options.Metrics is nil")
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Source{
		opts: opts, client: client, handler: h,
		logger:  opts.Logger.With("source", opts.Name),
		metrics: opts.Metrics.forSource(opts.Name),
		cancel:  cancel, done: make(chan struct{}),
		last: opts.Start.LastKey, doneKeys: map[string]bool{}, positioned: opts.Resume || opts.FromBeginning,
		failures: map[string]int{}, partial: opts.Partial,
	}
	for _, k := range opts.Start.Done {
		s.doneKeys[k] = true
	}
	go s.run(ctx)
	return s
}

// LastKey is the greatest key whose lines were all handed over.
func (s *Source) LastKey() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// Positioned reports whether the source knows where it stands: it was
// resumed, reads from the beginning, or its first listing was done. A
// source that is not (its first listing kept failing) must be replaced
// without Resume, so that the objects already there are skipped.
func (s *Source) Positioned() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.positioned
}

// Position is where the source stands.
func (s *Source) Position() Position {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := Position{LastKey: s.last}
	for k := range s.doneKeys {
		p.Done = append(p.Done, k)
	}
	slices.Sort(p.Done)
	return p
}

// Close stops polling and waits for the object being handed over, if
// any, to be stopped. Its key is not saved as counted: a restart reads
// that object again, and a source started with Partial() skips the lines
// already handed over.
func (s *Source) Close() {
	s.cancel()
	<-s.done
}

// Partial is, after Close, the object being handed over when it stopped.
func (s *Source) Partial() Partial {
	<-s.done
	return s.partial
}

func (s *Source) run(ctx context.Context) {
	defer close(s.done)
	s.logger.Info("Reading log objects from S3", "bucket", s.opts.Bucket, "prefix", s.opts.Prefix, "last_key", s.opts.Start.LastKey, "resumed", s.opts.Resume)
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if s.positioned {
			s.poll(ctx)
		} else {
			s.skipExisting(ctx)
		}
		t.Reset(s.opts.PollInterval)
	}
}

// advance records key as counted and saves the position.
func (s *Source) advance(key string) {
	pos, ignored := s.markDone(key)
	if ignored {
		s.metrics.errors[ErrorIgnoredKey].Inc()
		if !s.keyIgnored {
			s.logger.Warn("An object's key is not in a date folder, or is dated after tomorrow: it was read, but the listing does not move past it (logged once)", "key", key)
		}
		s.keyIgnored = true
	}
	s.save(pos)
}

func (s *Source) save(pos Position) {
	if s.opts.Save == nil {
		return
	}
	if s.partial.Lines > 0 {
		pos.InProgress = s.partial
	}
	if err := s.opts.Save(pos); err != nil {
		s.metrics.errors[ErrorPosition].Inc()
		s.logger.Error("Cannot save the S3 position; after a restart an object may be read again", "last_key", pos.LastKey, "err", err)
	}
}

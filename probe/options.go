package probe

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"
)

// Defaults of Options.
const (
	DefaultInterval     = 15 * time.Second
	DefaultTimeout      = 5 * time.Second
	DefaultConcurrency  = 32
	DefaultJitter       = 0.1
	DefaultMaxAddresses = 16
)

// Options configure a Scheduler. Zero values take the defaults.
type Options struct {
	Interval    time.Duration // between two probes of a target
	Timeout     time.Duration // of one probe, resolution included; < Interval
	Concurrency int           // targets probed at once
	// Jitter spreads each run by ±Jitter/2 of the interval; the first run
	// of a new target is at a random point of its first interval.
	Jitter       float64
	Resolver     *net.Resolver        // resolves target names; nil: the system's
	Logger       *slog.Logger         // nil: discard
	Probes       map[Module]ProbeFunc // nil: ProbeFuncs(Resolver)
	MaxAddresses int                  // addresses probed per name
}

func (o *Options) setDefaults() error {
	if o.Interval == 0 {
		o.Interval = DefaultInterval
	}
	if o.Timeout == 0 {
		o.Timeout = min(DefaultTimeout, o.Interval/2)
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Jitter == 0 {
		o.Jitter = DefaultJitter
	}
	if o.MaxAddresses == 0 {
		o.MaxAddresses = DefaultMaxAddresses
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Probes == nil {
		o.Probes = ProbeFuncs(o.Resolver)
	}
	switch {
	case o.Interval < 0 || o.Timeout < 0:
		return errors.New("interval and timeout must be positive")
	case o.Timeout >= o.Interval:
		return fmt.Errorf("timeout %v must be shorter than the interval %v", o.Timeout, o.Interval)
	case o.Concurrency < 0 || o.MaxAddresses < 0:
		return errors.New("concurrency and max addresses must be positive")
	case o.Jitter < 0 || o.Jitter > 1:
		return fmt.Errorf("jitter %v is not between 0 and 1", o.Jitter)
	}
	return nil
}

// Check reports whether o would be accepted by SetOptions, without applying
// it: a reload checks everything before it changes anything.
func (o Options) Check() error { return o.setDefaults() }

package tailer

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// Defaults applied to zero Options fields.
const (
	DefaultMaxLineBytes   = 1 << 20
	DefaultPollInterval   = 250 * time.Millisecond
	DefaultRotateWait     = 5 * time.Second
	DefaultRescanInterval = time.Second
)

const (
	readBufSize = 256 << 10 // bytes per read(2); the buffer of one file
	readBudget  = 16 << 20  // bytes read from one file before others get a turn
	fpSize      = 64        // bytes at offset 0 kept to recognise a rewritten file
)

// Options configure the following of each file.
type Options struct {
	// FromBeginning reads what an existing file already holds. By default
	// reading starts at the end of a file that exists when following
	// starts; a file that appears later is always read from its beginning.
	FromBeginning bool
	// MaxLineBytes bounds a line (default 1 MiB). A longer line is
	// delivered cut to this length, once, with a LineTooLong event, and its
	// remainder is skipped.
	MaxLineBytes int
	// PollInterval is how often the file is checked without a change
	// notification (inotify may be unavailable or lose events). Default 250ms.
	PollInterval time.Duration
	// RotateWait is how long a file is still drained after it was renamed
	// away or deleted: nginx writes to the old file until `nginx -s reopen`.
	// Default 5s.
	RotateWait time.Duration
	// Logger receives state changes (rotations, errors). Default slog.Default().
	Logger *slog.Logger
}

// GroupOptions configure a Group. The embedded Options apply to every file.
type GroupOptions struct {
	Options
	// Globs select the files (filepath.Match syntax); each matching regular
	// file gets its own tail.
	Globs []string
	// RescanInterval is how often the globs are expanded again to pick up
	// new files (also done on a create/rename notification). Default 1s.
	RescanInterval time.Duration
	// Resume continues where an earlier run left the files (Positions,
	// from Group.Positions): a file that still holds what was read is
	// read from its position; files without one are new since that run
	// and are read from their beginning. FromBeginning is then ignored.
	Resume bool
	// Positions are those of the earlier run, with Resume.
	Positions []Position
}

// withDefaults validates o and fills in zero fields.
func (o Options) withDefaults() (Options, error) {
	if o.MaxLineBytes < 0 || o.PollInterval < 0 || o.RotateWait < 0 {
		return o, errors.New("tailer: negative MaxLineBytes, PollInterval or RotateWait")
	}
	if o.MaxLineBytes == 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	if o.PollInterval == 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.RotateWait == 0 {
		o.RotateWait = DefaultRotateWait
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o, nil
}

func (o GroupOptions) withDefaults() (GroupOptions, error) {
	var err error
	if o.Options, err = o.Options.withDefaults(); err != nil {
		return o, err
	}
	if len(o.Globs) == 0 {
		return o, errors.New("tailer: GroupOptions.Globs is empty")
	}
	for _, g := range o.Globs {
		if _, err := filepath.Match(g, ""); err != nil {
			return o, &os.PathError{Op: "glob", Path: g, Err: err}
		}
	}
	if o.RescanInterval < 0 {
		return o, errors.New("tailer: negative RescanInterval")
	}
	if o.RescanInterval == 0 {
		o.RescanInterval = DefaultRescanInterval
	}
	return o, nil
}

// env is what the state machine needs from the outside world; tests replace
// parts of it (a clock they advance, an open that fails).
type env struct {
	open func(name string) (*os.File, error)
	stat func(name string) (os.FileInfo, error)
	glob func(pattern string) ([]string, error)
	now  func() time.Time
}

func osEnv() env {
	return env{open: os.Open, stat: os.Stat, glob: filepath.Glob, now: time.Now}
}

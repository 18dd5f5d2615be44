package pipeline

import (
	"log/slog"
	"path/filepath"

	"github.com/badgateway/badgateway_exporter/archivelog"
	"github.com/badgateway/badgateway_exporter/config"
)

// readArchive starts reading an archive log (AWS access logs: .log.gz or
// .log files written whole, each read once): files already there are read
// only with from_beginning, or when the positions store says an earlier
// run had not finished them; files that appear later are read when they
// are complete.
func (c *Pipeline) readArchive(lc config.LogConfig, counters *counterSwitch) (*archivelog.Reader, error) {
	if matches, _ := filepath.Glob(lc.Path); len(matches) == 0 {
		c.logger.Warn("No file matches the log path yet; waiting for files", "path", lc.Path)
	}
	opts := archivelog.Options{Glob: lc.Path, FromBeginning: lc.FromBeginning, Logger: c.logger,
		Forget: func(file string) { c.claims.releaseFile(file, lc.Path) }}
	if c.store != nil {
		opts.Positions, opts.Resume = c.store.LookupArchive(lc.Path)
	}
	a, err := archivelog.Start(opts, func(file string) archivelog.Handler { return c.archiveHandler(file, lc.Path, counters) })
	if err != nil {
		return nil, err
	}
	c.logger.Info("Reading archive log", "path", lc.Path, "format", lc.Format, "from_beginning", lc.FromBeginning, "resumed", opts.Resume)
	return a, nil
}

// archiveHandler returns what counts one file of an archive log: the log's
// current line counter, or nothing when another entry claimed the file.
func (c *Pipeline) archiveHandler(file, owner string, counters *counterSwitch) archivelog.Handler {
	logger := c.logger.With("path", file)
	if ok, other := c.claims.claim(file, owner); !ok {
		logger.Warn("File matched by two logs entries; only the first counts it", "counted_by", other, "also_matched_by", owner)
		return discardArchive{}
	}
	return &archiveFile{lines: counters.cur.Load().newCounter(file, logger), logger: logger}
}

// archiveFile adapts a line counter to archivelog.
type archiveFile struct {
	lines  lineCounter
	logger *slog.Logger
}

func (a *archiveFile) Line(line []byte) { a.lines.Line(line) }
func (a *archiveFile) Finished()        { a.lines.CaughtUp() }
func (a *archiveFile) Failed(err error) {
	a.lines.CaughtUp()
	a.lines.ReadError()
	a.logger.Error("Cannot read archive log file; skipping it until it changes", "err", err)
}

type discardArchive struct{}

func (discardArchive) Line([]byte)  {}
func (discardArchive) Finished()    {}
func (discardArchive) Failed(error) {}

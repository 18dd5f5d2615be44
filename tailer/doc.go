// Package tailer follows log files the way `tail -F` does, survives their
// rotation, and hands complete lines to a Handler fast enough for the
// exporter's budget (1,000,000 lines/s with a 200 ns/line classifier).
//
// # Reading
//
// Each file is read with large pread(2)s into one buffer per file; lines are
// found with bytes.IndexByte and passed to Handler.Line as sub-slices of
// that buffer: no allocation, copy or channel send per line. An incomplete
// last line is held until its '\n' arrives (a line written in two writes is
// delivered once, whole); a trailing '\r' is stripped; other bytes,
// binary garbage included, are passed through. Lines longer than
// Options.MaxLineBytes are cut (LineTooLong).
//
// # Following
//
// All decisions are taken by stat'ing the path and comparing with the open
// file (os.SameFile and size), on every poll:
//
//   - rename rotation (logrotate `create` + `nginx -s reopen`): the path names
//     another file. The old file is read to its end, then kept open and
//     drained for Options.RotateWait, because nginx writes to it until it
//     reopens; the new file is read from its beginning (Rotated).
//   - copytruncate: the file is smaller than the offset read, or its first
//     64 bytes changed since they were read (it was truncated and grew past
//     the offset between two polls): reading restarts at 0 (Truncated).
//   - deletion: the open file is drained for RotateWait (Deleted); a file
//     created later at the path is read from its beginning (Opened).
//   - a file missing at start is waited for and read from its beginning.
//   - stat, open and read errors (e.g. permission denied) are reported once
//     per change (ReadError) and retried every poll until they clear
//     (Recovered).
//
// Polls are triggered by fsnotify (inotify) events on the files'
// directories and, as a fallback for lost events or when inotify is
// unavailable, every Options.PollInterval. The state machine (follower,
// group) is synchronous; one goroutine per Tail or Group drives it, so all
// Handler calls of a Tail or Group come from one goroutine.
//
// # Limits
//
//   - Lines written to a rotated-away or deleted file more than RotateWait
//     after the rotation was noticed are lost.
//   - copytruncate loses what is written between the copy and the truncate
//     (inherent to copytruncate), and a truncation followed, before the next
//     poll, by a rewrite with the same first 64 bytes and a size at least
//     the offset read is not recognised.
//   - Only regular files; named pipes are not supported.
//   - A Group glob that matches compressed rotations (*.gz) reads them as
//     (binary) lines; rotated names (error.log.1) are handled without
//     double counting.
package tailer

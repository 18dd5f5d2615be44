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
//   - copytruncate: the file is smaller than the offset read, or it changed
//     (size or modification time) and the 64 bytes just before the offset
//     are no longer those read (it was truncated and rewritten past the
//     offset between two polls): reading restarts at 0 (Truncated). The
//     lines written before the truncation that were not read yet are read
//     first from the copy that copytruncate made beside the file (a name
//     that starts with the file's: error.log.1, error.log-20261202); a
//     copy found later by a Group's glob continues where the original
//     stopped, and a copy of what was already read is skipped.
//   - deletion: the open file is drained for RotateWait (Deleted); a file
//     created later at the path is read from its beginning (Opened).
//   - a file missing at start is waited for and read from its beginning.
//   - stat, open and read errors (e.g. permission denied) are reported once
//     per change (ReadError) and retried every poll until they clear
//     (Recovered).
//
// # Identity
//
// Files are known by device and inode, not by name. In a Group, a file is
// read by one tail at a time: a path that names a file another tail reads
// (error.log.1 after a rename inside the glob error.log*, a symlink, a hard
// link) waits until that tail lets it go, then continues where it stopped.
// A file let go is remembered with its Position (offset, and fingerprints of
// its first bytes and of the bytes before the offset), so a file renamed
// away and back, or a symlink that flips back, is continued, never read
// again from 0; a recycled inode or a rewritten file does not match its
// fingerprints and is read from its beginning. Group.Positions and
// GroupOptions.Resume carry the same positions across restarts.
//
// Polls are triggered by fsnotify (inotify) events on the files'
// directories and, as a fallback for lost events or when inotify is
// unavailable, every Options.PollInterval. The state machine (follower,
// group) is synchronous; one goroutine per Group drives it, so all
// Handler calls of a Group come from one goroutine.
//
// # Limits
//
//   - Lines written to a rotated-away or deleted file more than RotateWait
//     after the rotation was noticed are lost.
//   - copytruncate loses what is written between the copy and the truncate
//     (inherent to copytruncate), and what was not read yet when the copy
//     is neither beside the file nor matched by the glob; a truncation followed, before the next
//     poll, by a rewrite whose 64 bytes before the offset read are the very
//     bytes that were there is not recognised (its content up to the offset
//     is then the same as what was read).
//   - Only regular files; named pipes are not supported.
//   - A Group glob that matches compressed rotations (*.gz) reads them as
//     (binary) lines; rotated names (error.log.1) are handled without
//     double counting.
package tailer

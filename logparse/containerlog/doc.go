// Package containerlog strips the wrapper that container runtimes put
// around each line a container writes, and joins the lines they split:
//
//   - CRI (containerd, CRI-O; the files the kubelet keeps under
//     /var/log/pods and links from /var/log/containers):
//     `2016-10-06T00:17:09.669794202Z stdout F message`, where the tag P
//     marks a part of a longer line continued by the next line of the same
//     stream, up to the one tagged F.
//   - Docker's json-file driver: `{"log":"message\n","stream":"stderr",
//     "time":"…"}`, where a "log" without the trailing newline is a part of
//     a line Docker split (at 16 KiB), continued by the next one of the same
//     stream.
//
// A Joiner turns the physical lines of one file into whole messages, each
// with the stream (stdout, stderr) it was written to, so that a caller can
// send each stream to its own parser. Joined messages are bounded: a run of
// parts longer than the limit is cut there, and the message says so.
//
// Pure code: bytes in, messages out; no I/O, no clocks.
package containerlog

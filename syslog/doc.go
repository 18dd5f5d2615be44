// Package syslog is the exporter's built-in syslog receiver: HAProxy and
// nginx can log to it directly, without rsyslog or a log file in between.
//
// # Decoding
//
// Decode is pure and allocation-free: the fields of a Message are
// sub-slices of the input. It reads
//
//   - RFC 5424: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG`.
//     NILVALUE fields (`-`) decode to nil, structured data is skipped
//     (escaped `\]` and `\"` inside values included) and kept raw in
//     Message.StructuredData, a UTF-8 BOM before MSG is stripped.
//   - RFC 3164 ("BSD syslog"): `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG`,
//     with or without HOSTNAME, with or without [PID], also with an
//     RFC 3339 timestamp or no timestamp at all.
//
// What the two proxies send (captured from HAProxy 2.6 and nginx 1.22):
//
//	haproxy `log 127.0.0.1:5514 local0` (no format: "local", RFC 3164 without hostname
//	unless log-send-hostname is set; `format rfc3164` adds "localhost " if unset):
//	<134>Nov 21 11:01:17 haproxy[31760]: 127.0.0.1:36848 [21/Nov/2026:11:01:14.047] fe be/s1 0/0/-1/-1/3005 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /x HTTP/1.1"\n
//	haproxy `log 127.0.0.1:5514 format rfc5424 local0`:
//	<134>1 2026-11-21T11:01:20.088844+00:00 - haproxy 31761 - - 127.0.0.1:46770 [21/Nov/2026:11:01:17.082] fe be/s1 ... "GET /y HTTP/1.1"\n
//	nginx `error_log syslog:server=127.0.0.1:5514,tag=nginx error;` (no trailing newline):
//	<187>Nov 21 11:01:30 vm nginx: 2026/11/21 11:01:30 [error] 32465#32465: *1 connect() failed (111: Connection refused) while connecting to upstream, ...
//
// In RFC 3164 the hostname is optional in practice, so the first word after
// the timestamp is taken as the tag when it has the form `name[pid]:`,
// `name:` or `name[pid]`, and as the hostname otherwise (then the second
// word is tried as the tag). Message.Content is what a log file line would
// hold after "tag[pid]: ": for nginx, the error-log line from its date on.
//
// A message is malformed (errors.Is(err, ErrMalformed)) when it is empty,
// has no valid <PRI> (0-191), or announces RFC 5424 (`<PRI>1 `) with an
// incomplete header or broken structured data. Anything after a valid PRI
// that is not RFC 5424 is decoded as RFC 3164, best effort, without error.
// On error Message.Content still holds the undecoded bytes, for logging.
//
// # Listening
//
// Listen serves one socket given as a URL (see ParseListenURL):
// udp://host:port, tcp://host:port or unixgram:///absolute/path. A datagram
// is one message (a trailing "\n", "\r" or NUL is stripped). A TCP
// connection carries a stream of messages; the framing is detected per
// message (RFC 6587): octet counting (`123 <PRI>...`: a length without
// leading zero, a space, then '<') or else non-transparent framing, ended
// by LF or NUL. A partial frame is held until the rest arrives, in a
// buffer that grows with what arrived (never with an announced length)
// and is given back after a long message.
//
// The listener never dies on input: malformed messages are reported
// (Event Malformed) and skipped; messages longer than
// Config.MaxMessageBytes are cut, delivered and reported (Truncated), the
// excess read and discarded; socket read errors are reported and retried.
// A connection beyond Config.MaxConnections makes room by closing the
// connection idle for longest (Evicted): the new sender's writes already
// succeed, so refusing it would lose its messages. Idle connections are
// also closed after Config.IdleTimeout. On Linux the datagrams the kernel
// dropped for a UDP socket, its receive buffer full, are reported
// (Dropped, from the SO_RXQ_OVFL counter read with each datagram).
//
// Handler calls are serialised by a mutex: never two at a time, so a
// Handler needs no locking of its own, but they may come from different
// goroutines. Messages of one TCP connection arrive in order; there is no
// order between connections.
//
// Listener.Path names the listener for the self-metrics path label, e.g.
// "syslog://127.0.0.1:5514". Routing a message to a log parser is the
// caller's choice, by Message.Tag; RouteTag helps (the default routes are configuration: package config).
package syslog

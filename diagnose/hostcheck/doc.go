// Package hostcheck runs the host-facing checks of `diagnose`: is anything
// listening where each upstream should be, and is the host (firewall,
// routes, SELinux, the OOM killer, nginx's connection limit) letting the
// proxy reach it.
//
// The API, for diagnose/checklist:
//
//   - Listeners(procRoot) reads every listening TCP (IPv4, IPv6) and unix
//     socket from procRoot/net/{tcp,tcp6,unix} and finds the owning process
//     as `ss -tlnp` does (socket inode → procRoot/PID/fd links → pid and
//     comm). A process whose fds cannot be read leaves PID 0: normal for
//     non-root.
//   - ServiceFindings(listeners, targets) gives one critical finding
//     (CheckService) per upstream on this host where nothing listens:
//     connection_refused, or socket_not_found for a missing unix socket,
//     naming the application that listens on another port when the
//     evidence points at one (candidateApps), listing up to 3 when several
//     remain.
//   - NetworkChecks(ctx, targets, NetworkOptions) gives findings
//     (CheckNetwork) for firewall rules that drop or reject an upstream's
//     port (iptables-save, ip6tables-save, nft -j list ruleset), no route
//     to an upstream, SELinux forbidding the proxy to connect, recent OOM
//     kills of an upstream's process and nginx's "worker_connections are
//     not enough", and the checks it could not run as diagnose.Skipped.
//
// The parsers (ParseProcNetTCP, ParseProcNetUnix, ParseIPTablesSave,
// ParseNftJSON, ParseKmsgRecord, ParseDmesgRaw, ParseOOMKill) do no I/O and
// bound what they keep, so that a huge or hostile /proc or rule set cannot
// grow memory without limit. Host names other than localhost are never
// resolved here (no DNS); the connectivity check probes them.
package hostcheck

package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/badgateway/badgateway_exporter/internal/backend"
)

// upstreams are the 50 upstreams of a run: refused (nothing listens),
// silent (accept, never answer: the probe times out) and healthy.
type upstreams struct {
	refused, silent, healthy []string
	servers                  []*backend.Server
	hold                     net.Listener // keeps the refused ones' port ours
}

// startUpstreams starts 15 silent and 15 healthy backends and picks 20
// refused addresses: 127.66.0.N on a port this process holds on 127.0.0.1,
// so that nothing can listen there (not even on a wildcard address).
func startUpstreams() (*upstreams, error) {
	u := &upstreams{}
	var err error
	if u.hold, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return nil, err
	}
	_, port, _ := net.SplitHostPort(u.hold.Addr().String())
	for i := range 20 {
		u.refused = append(u.refused, net.JoinHostPort("127.66.0."+strconv.Itoa(i+1), port))
	}
	for i := range 30 {
		mode, list := backend.ModeNeverAnswer, &u.silent
		if i >= 15 {
			mode, list = backend.ModeHTTPOK, &u.healthy
		}
		s, err := backend.Start("127.0.0.1:0", mode)
		if err != nil {
			u.close()
			return nil, fmt.Errorf("backend %d: %w", i, err)
		}
		u.servers = append(u.servers, s)
		*list = append(*list, s.Addr())
	}
	return u, nil
}

func (u *upstreams) close() {
	for _, s := range u.servers {
		s.Close()
	}
	if u.hold != nil {
		u.hold.Close()
	}
}

func (u *upstreams) all() []string {
	return append(append(append([]string(nil), u.refused...), u.silent...), u.healthy...)
}

// nginxConf names the logs and the upstreams; nginx itself is not run.
func nginxConf(dir string, u *upstreams) string {
	var b strings.Builder
	fmt.Fprintf(&b, "error_log %s/error.log;\nevents {}\nhttp {\n", dir)
	b.WriteString("    log_format perf '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $upstream_addr $upstream_response_time';\n")
	fmt.Fprintf(&b, "    access_log %s/access.log perf;\n    upstream app {\n", dir)
	for _, a := range u.all() {
		fmt.Fprintf(&b, "        server %s;\n", a)
	}
	b.WriteString("    }\n    server {\n        listen 127.0.0.1:1;\n        location / { proxy_pass http://app; }\n    }\n}\n")
	return b.String()
}

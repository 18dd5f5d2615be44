package probe

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// newRequest builds the request of an http probe: method, path and Host
// header from t.HTTP, with Connection: close.
func newRequest(ctx context.Context, t Target, useTLS bool) (*http.Request, error) {
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	host := t.HTTP.Host
	if host == "" {
		host = defaultHost(t.Address, scheme)
	}
	u := &url.URL{Scheme: scheme, Host: host}
	switch p := t.HTTP.Path; {
	case p == "*":
		u.Opaque = "*"
	case p == "":
		u.Path = "/"
	default:
		pu, err := url.ParseRequestURI(p)
		if err != nil {
			return nil, fmt.Errorf("bad path: %w", err)
		}
		u.Path, u.RawPath, u.RawQuery = pu.Path, pu.RawPath, pu.RawQuery
	}
	method := t.HTTP.Method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return nil, err
	}
	if u.Opaque == "*" {
		req.URL.Opaque = "*"
	}
	req.Close = true // Connection: close
	req.Header.Set("User-Agent", userAgent)
	return req, nil
}

// defaultHost is the Host header for an address: host[:port], without the
// scheme's default port; "localhost" for a unix socket.
func defaultHost(addr, scheme string) string {
	network, host, port, err := splitAddress(addr)
	if err != nil || network == "unix" {
		return "localhost"
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		if strings.Contains(host, ":") {
			return "[" + host + "]"
		}
		return host
	}
	return net.JoinHostPort(host, port)
}

// redirect returns the request that follows resp, or nil: only when allowed
// and only to the same scheme and host.
func redirect(req *http.Request, resp *http.Response, allowed bool) *http.Request {
	switch resp.StatusCode {
	case 301, 302, 303, 307, 308:
	default:
		return nil
	}
	loc, err := resp.Location()
	if !allowed || err != nil || loc.Host != req.URL.Host || loc.Scheme != req.URL.Scheme {
		return nil
	}
	next := req.Clone(req.Context())
	next.URL = loc
	if next.Method != http.MethodHead {
		next.Method = http.MethodGet
	}
	return next
}

func formatRanges(rs []StatusRange) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprint(r.Lo)
		if r.Hi != r.Lo {
			parts[i] += fmt.Sprintf("-%d", r.Hi)
		}
	}
	return strings.Join(parts, ",")
}

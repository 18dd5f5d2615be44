package nginxerror

import (
	"bytes"

	"github.com/badgateway/badgateway_exporter/logparse"
)

// The `upstream:` value in the label form of causes.md §3.2.

// normalizeUpstream turns an `upstream:` value into the label form of
// causes.md §3.2: scheme stripped; `unix:/path` without the `:` separator and
// URI; `host:port` or `[v6]:port` without URI; the group name for
// `no live upstreams`. Redacted values (`xxx`, `IPADDRESS:port`, `<ip>`) come
// out as written. cut says the value was cut off by the line limit: then an
// authority whose end was not seen is dropped rather than reported half.
func normalizeUpstream(v []byte, cut bool) []byte {
	if i := schemeEnd(v); i > 0 {
		v = v[i:]
	} else if cut {
		return nil // cut inside the scheme, or a stream address cut short
	}
	if bytes.HasPrefix(v, []byte("unix:")) {
		if j := bytes.IndexByte(v[len("unix:"):], ':'); j >= 0 {
			return v[:len("unix:")+j]
		}
		if cut {
			return nil
		}
		return v
	}
	start := 0
	if len(v) > 0 && v[0] == '[' {
		if j := bytes.IndexByte(v, ']'); j >= 0 {
			start = j
		}
	}
	for j := start; j < len(v); j++ {
		if v[j] == '/' || v[j] == '?' {
			return trimAfterPort(v[:j], start)
		}
	}
	if cut {
		return nil
	}
	return trimAfterPort(v, start)
}

// trimAfterPort cuts a URI written straight after the port, without its
// slash (`127.0.0.1:5001version`, `[::1]:8081api/v1`): the port is the
// digits after the host's colon. A port that is not digits (a redacted
// `IPADDRESS:port`) is left as written.
func trimAfterPort(v []byte, hostEnd int) []byte {
	colon := bytes.IndexByte(v[hostEnd:], ':')
	if colon < 0 {
		return v
	}
	colon += hostEnd
	end := logparse.SkipDigits(v, colon+1)
	if end == colon+1 || end == len(v) {
		return v
	}
	return v[:end]
}

// schemeEnd returns the length of a leading `scheme://`, or 0.
func schemeEnd(v []byte) int {
	for i := 0; i < len(v) && i <= 16; i++ {
		c := v[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '+', c == '-', c == '.', c == '_':
			continue
		case c == ':' && i > 0 && logparse.HasPrefix(v[i:], "://"):
			return i + len("://")
		}
		return 0
	}
	return 0
}

// trimQuotes removes one pair of surrounding "…" or '…'.
func trimQuotes(b []byte) []byte {
	if len(b) >= 2 && (b[0] == '"' || b[0] == '\'') && b[len(b)-1] == b[0] {
		return b[1 : len(b)-1]
	}
	return b
}

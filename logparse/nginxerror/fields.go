package nginxerror

import (
	"bytes"

	"github.com/badgateway/badgateway_exporter/logparse"
)

// nginxFields are the context fields nginx appends after the message
// (ngx_http_log_error_handler, ngx_stream_proxy_log_error, ngx_mail_log_error):
//
//	, client: IP, server: NAME, request: "LINE", subrequest: "URI",
//	upstream: "URL", host: "HOST", referrer: "URL"
//
// Stream lines end with `, upstream: "IP:PORT", bytes from/to client:N/N, …`.
// Every slice points into the parsed line.
type nginxFields struct {
	client, server, request, host []byte
	upstreamRaw                   []byte // value of upstream:, quotes removed
	upstreamCut                   bool   // upstream: value was cut (no closing quote)
	stream                        bool   // stream (TCP/UDP) proxy line
	hasClient                     bool   // a client: field was present
}

// Markers that start the context tail of a message.
var (
	tailClient        = []byte(", client: ")
	tailClientNoComma = []byte(" client:")
	tailUDPClient     = []byte(", udp client: ")
	tailResolver      = []byte(", resolver: ")
	tailContext       = []byte(", context: ")
	whileMarker       = []byte(" while ")
)

// findTail returns the offset in msg where the context fields start, or
// len(msg) when the line has none (fragments, cut lines, lines logged
// without a request).
func findTail(msg []byte) int {
	if i := bytes.Index(msg, tailClient); i >= 0 {
		return i
	}
	if bytes.IndexByte(msg, ',') < 0 {
		return len(msg)
	}
	// `… while connecting to upstream client: IP, server: …`: the comma
	// before client: is missing (pasted or rewritten lines).
	if i := bytes.Index(msg, tailClientNoComma); i > 0 && msg[i-1] != ',' && lastIndexWhile(msg[:i]) >= 0 {
		return i
	}
	for _, marker := range [...][]byte{tailUDPClient, tailResolver, tailContext} {
		if i := bytes.Index(msg, marker); i >= 0 {
			return i
		}
	}
	return len(msg)
}

// splitAction splits head (message text without the tail) into the text and
// the ` while ACTION` part. The last ` while ` wins: OpenSSL reasons such as
// "unexpected eof while reading" contain the word too.
func splitAction(head []byte) (text, action []byte) {
	i := lastIndexWhile(head)
	if i < 0 {
		return head, nil
	}
	return head[:i], head[i+len(whileMarker):]
}

// lastIndexWhile is bytes.LastIndex(b, whileMarker), scanning back from the
// end: the action is a few dozen bytes before the tail, so this touches far
// fewer bytes than a search from the start.
func lastIndexWhile(b []byte) int {
	for end := len(b); ; {
		i := bytes.LastIndexByte(b[:end], 'w')
		if i < 1 {
			return -1
		}
		if s := i - 1; len(b)-s >= len(whileMarker) && string(b[s:s+len(whileMarker)]) == string(whileMarker) {
			return s
		}
		end = i
	}
}

// parseNginxFields parses the context tail (starting at ", client: " or
// another marker). Values cut by the 2048-byte limit run to the end of the
// line.
func parseNginxFields(tail []byte) nginxFields {
	var f nginxFields
	rest := tail
	if logparse.HasPrefix(rest, " client:") {
		rest = rest[1:] // findTail's tailClientNoComma
	} else if len(rest) > 2 && rest[0] == ',' && rest[1] == ' ' {
		rest = rest[2:]
	} else {
		return f
	}
	for first := true; ; first = false {
		if !first {
			if len(rest) <= 2 || rest[0] != ',' || rest[1] != ' ' {
				return f
			}
			rest = rest[2:]
		}
		key := fieldKey(rest)
		if key == nil {
			colon := bytes.IndexByte(rest, ':')
			if colon < 0 {
				return f
			}
			key = rest[:colon]
		}
		if logparse.HasPrefix(key, "bytes from/to") {
			f.stream = true
			return f
		}
		rest = rest[len(key)+1:]
		if len(rest) > 0 && rest[0] == ' ' {
			rest = rest[1:]
		}
		var value []byte
		closed := true
		if len(rest) > 0 && rest[0] == '"' {
			value, rest, closed = quotedValue(rest[1:])
		} else {
			value, rest = plainValue(rest)
		}
		switch string(key) {
		case "client", "udp client":
			f.client, f.hasClient = value, true
			// mail: `, client: IP using starttls, server: …`
			f.client = bytes.TrimSuffix(f.client, []byte(" using starttls"))
		case "server":
			f.server = value
		case "request":
			f.request = value
		case "upstream":
			f.upstreamRaw, f.upstreamCut = value, !closed
		case "host":
			f.host = value
			return f // only referrer can follow
		}
	}
}

// fieldKey returns the name of a well-known field at the start of b (the
// bytes before its ':'), or nil. It saves a search per field on the hot path.
func fieldKey(b []byte) []byte {
	switch {
	case logparse.HasPrefix(b, "client:"):
		return b[:len("client")]
	case logparse.HasPrefix(b, "server:"):
		return b[:len("server")]
	case logparse.HasPrefix(b, "request:"):
		return b[:len("request")]
	case logparse.HasPrefix(b, "upstream:"):
		return b[:len("upstream")]
	case logparse.HasPrefix(b, "host:"):
		return b[:len("host")]
	}
	return nil
}

// plainValue reads an unquoted value up to the next ", ".
func plainValue(b []byte) (value, rest []byte) {
	for from := 0; ; {
		i := bytes.IndexByte(b[from:], ',')
		if i < 0 {
			return b, nil
		}
		i += from
		if i+1 < len(b) && b[i+1] == ' ' {
			return b[:i], b[i:]
		}
		from = i + 1
	}
}

// quotedValue reads a value whose opening quote was consumed. The closing
// quote is the first '"' followed by the end of the line or by ", " and a
// field name, so quotes inside request lines do not end the value early.
func quotedValue(b []byte) (value, rest []byte, closed bool) {
	for from := 0; from < len(b); {
		i := bytes.IndexByte(b[from:], '"')
		if i < 0 {
			break
		}
		i += from
		after := b[i+1:]
		if len(after) == 0 || startsWithFieldName(after) {
			return b[:i], after, true
		}
		from = i + 1
	}
	return b, nil, false
}

// startsWithFieldName reports whether b is ", name:" for a context field.
func startsWithFieldName(b []byte) bool {
	if len(b) < 3 || b[0] != ',' || b[1] != ' ' {
		return false
	}
	b = b[2:]
	switch b[0] {
	case 'u':
		return logparse.HasPrefix(b, "upstream:")
	case 'h':
		return logparse.HasPrefix(b, "host:")
	case 'r':
		return logparse.HasPrefix(b, "referrer:") || logparse.HasPrefix(b, "request:")
	case 's':
		return logparse.HasPrefix(b, "subrequest:") || logparse.HasPrefix(b, "server:")
	case 'c':
		return logparse.HasPrefix(b, "client:")
	case 'l':
		return logparse.HasPrefix(b, "login:")
	case 'b':
		return logparse.HasPrefix(b, "bytes from/to")
	}
	return false
}

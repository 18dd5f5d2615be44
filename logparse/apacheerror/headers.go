package apacheerror

import (
	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// Response headers mod_proxy_http could not take, as Apache 2.4.71 logs
// them (checked against a backend sending a 64 KiB header and one with a
// NUL in a header name):
//
//	(28)No space left on device: … AH10124: header size is over the limit allowed by ResponseFieldSize (8192 bytes). Bad response header: '…'
//	(22)Invalid argument: … AH10404: Error reading headers from backend
//
// each followed, for the same request, by
//
//	AH01106: bad HTTP/1.1 header returned by /path (GET)
//
// which is then ignored; a lone AH01106 is invalid_header. Clients get 502.

// headerMessage classifies the messages above; ok is false for others.
func headerMessage(msg []byte, h *apacheHeader) (v verdict, ok bool) {
	switch msg[0] {
	case 'h':
		if logparse.HasPrefix(msg, "header size is over the limit allowed by ResponseFieldSize") {
			v = failure(cause.HeaderTooBig, 502, nil)
			v.headerLine = true
			return v, true
		}
	case 'E':
		if logparse.HasPrefix(msg, "Error reading headers from backend") {
			c := cause.InvalidHeader
			switch h.errno {
			case aprTimeup, 110:
				c = cause.ReadTimeout
			case 104:
				c = cause.ConnectionReset
			case aprEOF:
				c = cause.PrematureClose
			}
			v = failure(c, 502, nil)
			v.headerLine = true
			return v, true
		}
	case 'b':
		if logparse.HasPrefix(msg, "bad HTTP/1.1 header returned by ") {
			v = failure(cause.InvalidHeader, 502, nil)
			v.headerSummary = true
			return v, true
		}
	}
	return verdict{}, false
}

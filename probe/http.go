package probe

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptrace"
	"time"

	"github.com/badgateway/badgateway_exporter/cause"
)

const (
	maxHeaderBytes = 64 << 10 // a larger response header fails as header_too_big
	maxBodyBytes   = 64 << 10 // read at most this much of the body
	maxRedirects   = 5
	max1xx         = 5 // informational responses skipped before the final one
	userAgent      = "badgateway_exporter-probe"
)

// plainOnTLSBodies are what TLS servers answer to a plain HTTP request
// (nginx, Go, Apache): a 400 that is really a protocol mismatch.
var plainOnTLSBodies = []string{
	"The plain HTTP request was sent to HTTPS port",
	"Client sent an HTTP request to an HTTPS server",
	"speaking plain HTTP to an SSL-enabled server port",
}

var errHeaderTooBig = fmt.Errorf("response header larger than %d bytes", maxHeaderBytes)

// ProbeHTTP sends one HTTP/1.1 request (HTTPS when t.TLS is set) on a fresh
// connection to t, and nowhere else, and checks the status against
// t.HTTP.Expect. The phases are measured from net/http/httptrace hooks; a
// response whose first bytes are not HTTP is a protocol_error, a malformed
// HTTP response an invalid_header.
func ProbeHTTP(ctx context.Context, t Target, r *Result) {
	tr := &tracker{}
	defer tr.fill(r)
	defer tr.finish()
	base := ctx
	ctx, trace := withTrace(ctx, tr)
	useTLS, opts := t.TLS != nil, t.tlsOptions()
	req, err := newRequest(ctx, t, useTLS)
	if err != nil {
		r.fail(cause.None, err)
		return
	}
	for hop := 0; ; hop++ {
		conn, err := connect(ctx, t, tr, useTLS, opts)
		if err != nil {
			r.fail(classify(err, tr.current()), err)
			if useTLS {
				recheckTLS(base, t, r, tr)
			}
			return
		}
		resp, body, err := exchange(ctx, conn, req, trace)
		conn.Close()
		if err != nil {
			r.fail(httpCause(err, tr), err)
			if !useTLS {
				recheckPlain(base, t, r, tr)
			}
			return
		}
		r.StatusCode = resp.StatusCode
		if next := redirect(req, resp, t.HTTP.FollowRedirects && hop < maxRedirects); next != nil {
			req = next
			continue
		}
		checkStatus(r, t, useTLS, body)
		return
	}
}

// exchange writes req on conn and reads the response and up to
// maxBodyBytes of its body, of which it returns the first 512 bytes.
func exchange(ctx context.Context, conn net.Conn, req *http.Request, trace *httptrace.ClientTrace) (*http.Response, []byte, error) {
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) }) // cancelled
	defer stop()
	trace.GotConn(httptrace.GotConnInfo{Conn: conn})
	err := req.Write(conn)
	trace.WroteRequest(httptrace.WroteRequestInfo{Err: err})
	if err != nil {
		return nil, nil, err
	}
	in := &responseReader{r: conn, left: maxHeaderBytes, first: trace.GotFirstResponseByte}
	br := bufio.NewReaderSize(in, 4096)
	var resp *http.Response
	for i := 0; ; i++ {
		resp, err = http.ReadResponse(br, req)
		if err != nil && in.left <= 0 {
			return nil, nil, errHeaderTooBig
		}
		if err != nil || resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols || i == max1xx {
			break
		}
	}
	if err != nil {
		return nil, nil, err
	}
	in.left = math.MaxInt64 // the body is bounded below
	defer resp.Body.Close()
	head, err := readBody(resp.Body)
	return resp, head, err
}

// readBody reads up to maxBodyBytes of a body and returns its first 512
// bytes. A body cut short of its length fails with io.ErrUnexpectedEOF.
func readBody(body io.Reader) ([]byte, error) {
	buf := make([]byte, 4096)
	var head []byte
	for total := 0; total < maxBodyBytes; {
		n, err := body.Read(buf[:min(len(buf), maxBodyBytes-total)])
		if len(head) < 512 {
			head = append(head, buf[:min(n, 512-len(head))]...)
		}
		total += n
		if err == io.EOF {
			break
		}
		if err != nil {
			return head, err
		}
	}
	return head, nil
}

// responseReader limits how much of the response is read and reports the
// first byte.
type responseReader struct {
	r     io.Reader
	left  int64
	first func()
}

func (rr *responseReader) Read(p []byte) (int, error) {
	if rr.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > rr.left {
		p = p[:rr.left]
	}
	n, err := rr.r.Read(p)
	if n > 0 && rr.first != nil {
		rr.first()
		rr.first = nil
	}
	rr.left -= int64(n)
	return n, err
}

// checkStatus sets the verdict on a complete response.
func checkStatus(r *Result, t Target, useTLS bool, body []byte) {
	code := r.StatusCode
	if code == http.StatusBadRequest && !useTLS {
		for _, s := range plainOnTLSBodies {
			if bytes.Contains(body, []byte(s)) {
				r.fail(cause.ProtocolError, fmt.Errorf("plain HTTP sent to a TLS port: %q", s))
				return
			}
		}
	}
	expect := t.HTTP.Expect
	if len(expect) == 0 {
		expect = []StatusRange{{200, 399}}
	}
	for _, e := range expect {
		if code >= e.Lo && code <= e.Hi {
			r.Success = true
			return
		}
	}
	r.fail(cause.UnhealthyStatus, fmt.Errorf("status %d is not expected (%s)", code, formatRanges(expect)))
}

// httpCause classifies a failed exchange, looking at the first bytes the
// peer sent when the error alone does not tell.
func httpCause(err error, tr *tracker) cause.Cause {
	st := tr.current()
	var head []byte
	tr.mu.Lock()
	if tr.conn != nil {
		head = tr.conn.Head()
	}
	tr.mu.Unlock()
	if st >= stageSend && len(head) > 0 {
		switch {
		case looksLikeTLS(head): // a TLS alert: plain HTTP sent to a TLS port
			return cause.ProtocolError
		case !bytes.HasPrefix(head, []byte("HTTP/")[:min(len(head), 5)]):
			return cause.ProtocolError // not HTTP at all
		case errors.Is(err, errHeaderTooBig):
			return cause.HeaderTooBig
		}
	}
	if c := classify(err, st); c != cause.None || len(head) == 0 || st < stageSend {
		return c
	}
	return cause.InvalidHeader // HTTP, but malformed
}

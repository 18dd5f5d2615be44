// Package s3test runs an S3-compatible server (gofakes3, in memory) on
// loopback for tests, with fault injection, and makes S3 clients that
// cannot reach anything but loopback: static credentials, no instance
// metadata, a dialer that refuses any other address.
package s3test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Region is the region the test clients use.
const Region = "eu-west-1"

// Fault, if set, sees every request first; it returns true when it
// answered the request itself.
type Fault func(w http.ResponseWriter, r *http.Request) bool

// Server is a loopback S3 server.
type Server struct {
	URL      string
	Backend  *s3mem.Backend
	Requests atomic.Int64 // requests served, faults included

	mu    sync.Mutex
	fault Fault
}

// Start serves an in-memory S3 on 127.0.0.1 with the given buckets until
// the test ends. It sets the AWS environment of the test (see Env).
func Start(tb testing.TB, buckets ...string) *Server {
	tb.Helper()
	Env(tb)
	backend := s3mem.New()
	for _, b := range buckets {
		if err := backend.CreateBucket(b); err != nil {
			tb.Fatal(err)
		}
	}
	s := &Server{Backend: backend}
	fake := gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Requests.Add(1)
		s.mu.Lock()
		f := s.fault
		s.mu.Unlock()
		if f != nil && f(w, r) {
			return
		}
		fake.ServeHTTP(w, r)
	}), ReadHeaderTimeout: time.Minute}
	go srv.Serve(ln)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		srv.Close()
	})
	s.URL = "http://" + ln.Addr().String()
	return s
}

// SetFault installs f (nil: none).
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// Put stores an object.
func (s *Server) Put(tb testing.TB, bucket, key string, data []byte) {
	tb.Helper()
	if _, err := s.Backend.PutObject(bucket, key, map[string]string{}, bytes.NewReader(data), int64(len(data)), nil); err != nil {
		tb.Fatalf("put %s/%q: %v", bucket, key, err)
	}
}

// Delete removes an object.
func (s *Server) Delete(tb testing.TB, bucket, key string) {
	tb.Helper()
	if _, err := s.Backend.DeleteObject(bucket, key); err != nil {
		tb.Fatalf("delete %s/%q: %v", bucket, key, err)
	}
}

// Env sets, for the test, static AWS credentials and region, empty shared
// config files, and turns EC2 instance metadata off, so that the SDK's
// credential chain never leaves the process.
func Env(tb testing.TB) {
	dir := tb.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret-for-tests", "AWS_SESSION_TOKEN": "",
		"AWS_REGION": Region, "AWS_DEFAULT_REGION": Region, "AWS_PROFILE": "", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": dir + "/config", "AWS_SHARED_CREDENTIALS_FILE": dir + "/credentials",
		"AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_ROLE_ARN": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "", "AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_S3": "", "AWS_CA_BUNDLE": "",
	} {
		tb.Setenv(k, v)
	}
}

// LoopbackOnly is an HTTP client that fails the test, and the request, if
// anything dials an address that is not a loopback IP (names included:
// nothing is resolved).
func LoopbackOnly(tb testing.TB) *http.Client {
	d := &net.Dialer{Timeout: 30 * time.Second}
	return &http.Client{Transport: &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
				tb.Errorf("dial to %s %s: not loopback", network, addr)
				return nil, fmt.Errorf("s3test: refusing to dial %s", addr)
			}
			return d.DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: 16,
	}}
}

// Gzip compresses lines, each ended by a newline.
func Gzip(tb testing.TB, lines ...string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(strings.Join(lines, "\n") + "\n")); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

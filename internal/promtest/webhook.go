package promtest

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Notification is one webhook request from Alertmanager.
type Notification struct {
	Path        string            // URL path it was sent to, e.g. "/pager"
	Receiver    string            `json:"receiver"`
	Status      string            `json:"status"` // firing or resolved
	GroupLabels map[string]string `json:"groupLabels"`
	Alerts      []struct {
		Status      string            `json:"status"`
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	} `json:"alerts"`
}

// Webhook is a local webhook receiver recording Alertmanager's
// notifications.
type Webhook struct {
	URL string // http://127.0.0.1:port

	srv  *http.Server
	mu   sync.Mutex
	got  []Notification
	news chan struct{}
}

// StartWebhook listens on a free 127.0.0.1 port; it is closed in
// tb.Cleanup.
func StartWebhook(tb testing.TB) *Webhook {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("promtest: webhook: %v", err)
	}
	w := &Webhook{URL: "http://" + ln.Addr().String(), news: make(chan struct{}, 1)}
	w.srv = &http.Server{Handler: http.HandlerFunc(w.serve), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = w.srv.Serve(ln) }()
	tb.Cleanup(func() { _ = w.srv.Close() })
	return w
}

func (w *Webhook) serve(rw http.ResponseWriter, r *http.Request) {
	var n Notification
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err == nil {
		err = json.Unmarshal(body, &n)
	}
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	n.Path = r.URL.Path
	w.mu.Lock()
	w.got = append(w.got, n)
	w.mu.Unlock()
	select {
	case w.news <- struct{}{}:
	default:
	}
}

// Notifications returns what was received so far.
func (w *Webhook) Notifications() []Notification {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Notification(nil), w.got...)
}

// WaitFor waits at most timeout for a notification for which match is true
// and returns it; ok is false on timeout.
func (w *Webhook) WaitFor(timeout time.Duration, match func(Notification) bool) (n Notification, ok bool) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		for _, n := range w.Notifications() {
			if match(n) {
				return n, true
			}
		}
		select {
		case <-w.news:
		case <-deadline.C:
			return Notification{}, false
		}
	}
}

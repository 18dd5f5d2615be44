package collector

// AccessCounter turns the requests and upstream attempts of one nginx
// access log into series, cached per label tuple like EventCounter. One per
// source; not safe for concurrent use.
type AccessCounter struct {
	m        *Metrics
	proxy    string // the `proxy` label: nginx, apache
	labels   labeler
	keyBuf   []byte
	requests map[string]*series // by server, upstream, status, generated
	attempts map[string]*series // by upstream, status
}

// NewAccessCounter returns the counter of one access log.
func NewAccessCounter(m *Metrics, gov *Governor) *AccessCounter {
	return NewProxyAccessCounter(m, gov, "nginx")
}

// NewProxyAccessCounter returns the counter of one access log of proxy
// ("nginx", "apache"), its `proxy` label.
func NewProxyAccessCounter(m *Metrics, gov *Governor, proxy string) *AccessCounter {
	return &AccessCounter{m: m, proxy: proxy, labels: newLabeler(m, gov), requests: map[string]*series{}, attempts: map[string]*series{}}
}

// fresh drops the cached series after the governor expired values.
func (c *AccessCounter) fresh() {
	if c.labels.stale() {
		clear(c.requests)
		clear(c.attempts)
	}
}

// Request counts one request by the status the client got; generated says
// the proxy made up a 5xx because the upstream failed.
func (c *AccessCounter) Request(server, upstream, status []byte, generated bool) {
	c.fresh()
	b := append(c.keyBuf[:0], server...)
	b = append(append(b, 0), upstream...)
	b = append(append(b, 0), status...)
	if generated {
		b = append(b, 0, 'g')
	}
	c.keyBuf = b
	s, ok := c.requests[string(b)]
	if !ok {
		s = &series{}
		srv := c.labels.admit(s, "server", server)
		up := c.labels.admit(s, "upstream", upstream)
		st := c.labels.statusLabel(s, status)
		s.counters = append(s.counters, c.m.Requests.WithLabelValues(c.proxy, srv, up, st))
		if generated && len(status) == 3 && status[0] == '5' {
			s.counters = append(s.counters, c.m.GeneratedResponses.WithLabelValues(c.proxy, srv, up, st))
		}
		cacheSeries(c.requests, b, s)
	}
	s.inc()
}

// Attempt counts one upstream attempt and its response time (negative:
// none).
func (c *AccessCounter) Attempt(upstream, status []byte, seconds float64) {
	c.fresh()
	b := append(c.keyBuf[:0], upstream...)
	b = append(append(b, 0), status...)
	c.keyBuf = b
	s, ok := c.attempts[string(b)]
	if !ok {
		s = &series{}
		up := c.labels.admit(s, "upstream", upstream)
		s.counters = append(s.counters, c.m.UpstreamAttempts.WithLabelValues(c.proxy, up, c.labels.statusLabel(s, status)))
		s.observer = c.m.UpstreamResponse.WithLabelValues(c.proxy, up)
		cacheSeries(c.attempts, b, s)
	}
	s.inc()
	if seconds >= 0 {
		s.observer.Observe(seconds)
	}
}

// cacheSeries stores s under key unless the cache is full: then the series
// already cached (the busy ones, found first) stay, and the rare or
// one-off values past the limit (say random Host headers, folded into
// __other__) are resolved on every line instead of evicting them.
func cacheSeries(cache map[string]*series, key []byte, s *series) {
	if len(cache) < seriesCacheMax {
		cache[string(key)] = s
	}
}

// inc bumps the counters of a series and its folded- and sanitised-label counters.
func (s *series) inc() {
	for _, c := range s.counters {
		c.Inc()
	}
	for _, c := range s.extra {
		c.Inc()
	}
}

package collector

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// seriesCacheMax bounds a source's cache of resolved series (the governor
// bounds the series themselves); see cacheSeries.
const seriesCacheMax = 8192

// EventCounter turns logparse events into metric increments. It caches the
// resolved series per label tuple so that the hot path does no allocation
// and no label hashing, and drops the cache when the governor expires
// values. One per source; not safe for concurrent use.
type EventCounter struct {
	m      *Metrics
	labels labeler
	keyBuf []byte
	cache  map[string]*series
}

// series are the metrics one event increments, resolved once.
type series struct {
	counters []prometheus.Counter // incremented by one
	observer prometheus.Observer  // response time, when the event has one
	extra    []prometheus.Counter // one per label value folded into __other__ or sanitised
}

// NewEventCounter returns the counter of one source's events.
func NewEventCounter(m *Metrics, gov *Governor) *EventCounter {
	return &EventCounter{m: m, labels: newLabeler(m, gov), cache: map[string]*series{}}
}

// Count adds one event to its series; it is a logparse.EmitFunc.
func (c *EventCounter) Count(ev *logparse.Event) {
	if c.labels.stale() {
		clear(c.cache)
	}
	b := append(c.keyBuf[:0], byte(ev.Kind), byte(ev.Health), byte(ev.Proxy), byte(ev.Cause))
	if ev.NoLiveUpstreams {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = strconv.AppendInt(b, int64(ev.Status), 10)
	b = append(b, 0)
	b = append(b, ev.Upstream...)
	b = append(b, 0)
	b = append(b, ev.Server...)
	c.keyBuf = b
	s, ok := c.cache[string(b)] // no allocation for the lookup
	if !ok {
		s = c.resolve(ev)
		cacheSeries(c.cache, b, s)
	}
	s.inc()
	if s.observer != nil && ev.ResponseSeconds >= 0 {
		s.observer.Observe(ev.ResponseSeconds)
	}
}

func (c *EventCounter) resolve(ev *logparse.Event) *series {
	s := &series{}
	proxy := ev.Proxy.String()
	upstream := c.labels.admit(s, "upstream", ev.Upstream)
	switch {
	case ev.Kind == logparse.KindHealth || ev.Cause == cause.MarkedDown:
		// A state change, and for nginx `temporarily disabled` a consequence
		// of the failure counted just before it: not another error.
		causeLabel := ev.Cause.String()
		if ev.Cause == cause.None { // an up event, or an admin action: no cause
			causeLabel = ""
		}
		s.counters = append(s.counters, c.m.HealthEvents.WithLabelValues(proxy, upstream, ev.Health.String(), causeLabel))
		if ev.NoLiveUpstreams {
			server := c.labels.admit(s, "server", ev.Server)
			s.counters = append(s.counters, c.m.UpstreamErrors.WithLabelValues(proxy, cause.NoLiveUpstreams.String(), upstream, server))
		}
	case ev.Kind == logparse.KindRequest:
		server := c.labels.admit(s, "server", ev.Server)
		status := ""
		if ev.Status >= 0 {
			status = strconv.Itoa(ev.Status)
		}
		s.counters = append(s.counters, c.m.Requests.WithLabelValues(proxy, server, upstream, status))
		if ev.Cause != cause.None {
			s.counters = append(s.counters, c.m.UpstreamErrors.WithLabelValues(proxy, ev.Cause.String(), upstream, server))
		}
		s.observer = c.m.UpstreamResponse.WithLabelValues(proxy, upstream)
	default:
		server := c.labels.admit(s, "server", ev.Server)
		s.counters = append(s.counters, c.m.UpstreamErrors.WithLabelValues(proxy, ev.Cause.String(), upstream, server))
	}
	return s
}

package checklist

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/badgateway/badgateway_exporter/discover"
	"github.com/badgateway/badgateway_exporter/probe"
)

// parseNginxDuration reads an nginx time ("60s", "1m30s", "500ms", "5":
// seconds by default).
func parseNginxDuration(s string) (time.Duration, error) {
	units := map[string]time.Duration{"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour,
		"d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "M": 30 * 24 * time.Hour, "y": 365 * 24 * time.Hour, "": time.Second}
	return parseUnits(s, units)
}

// parseHAProxyDuration reads an HAProxy time ("30s", "500": milliseconds
// by default).
func parseHAProxyDuration(s string) (time.Duration, error) {
	units := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second,
		"m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "": time.Millisecond}
	return parseUnits(s, units)
}

// parseUnits adds up the number-unit pairs of s. A sum that is not
// positive or does not fit a time.Duration is an error: the lints compare
// it with response times.
func parseUnits(s string, units map[string]time.Duration) (time.Duration, error) {
	if s == "" || len(s) > 32 {
		return 0, fmt.Errorf("bad time %q", s)
	}
	var total time.Duration
	for rest := s; rest != ""; {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		j := i
		for j < len(rest) && (rest[j] < '0' || rest[j] > '9') {
			j++
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		unit, ok := units[rest[i:j]]
		if err != nil || !ok {
			return 0, fmt.Errorf("bad time %q", s)
		}
		if n > int64(math.MaxInt64-total)/int64(unit) {
			return 0, fmt.Errorf("time %q is too long", s)
		}
		total += time.Duration(n) * unit
		rest = rest[j:]
	}
	if total <= 0 {
		return 0, fmt.Errorf("time %q is not positive", s)
	}
	return total, nil
}

// haproxyTimeoutServer is the `timeout server` of t's backend (or listen
// section): its own, or that of the defaults it inherits from. err names
// the file:line of a value that cannot be read.
func haproxyTimeoutServer(in *Inputs, t probe.Target) (setting, bool, error) {
	for _, p := range in.Proxies {
		if p.Kind != "haproxy" {
			continue
		}
		sections, err := discover.HAProxySections(p.File)
		if err != nil {
			continue
		}
		for _, sec := range sections {
			if (sec.Kind != "backend" && sec.Kind != "listen") || sec.Name != t.Group {
				continue
			}
			l, ok := sec.Lookup("timeout", "server")
			if !ok {
				return setting{}, false, nil
			}
			d, err := parseHAProxyDuration(l.Words[2])
			if err != nil {
				return setting{}, false, fmt.Errorf("%s: timeout server: %w", l.Where, err)
			}
			return setting{directive: "timeout server", value: l.Words[2], where: l.Where, set: true, dur: d}, true, nil
		}
	}
	return setting{}, false, nil
}

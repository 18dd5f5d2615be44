package checklist

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

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
		n, err := strconv.ParseInt(rest[:i], 10, 32)
		unit, ok := units[rest[i:j]]
		if err != nil || !ok {
			return 0, fmt.Errorf("bad time %q", s)
		}
		total += time.Duration(n) * unit
		rest = rest[j:]
	}
	return total, nil
}

// haproxyTimeoutServer is the `timeout server` of t's backend: its own, or
// that of the defaults section before it.
func haproxyTimeoutServer(in *Inputs, t probe.Target) (setting, bool) {
	for _, p := range in.Proxies {
		if p.Kind != "haproxy" {
			continue
		}
		f, err := os.Open(p.File)
		if err != nil {
			continue
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		var defaults, cur setting
		section, name := "", ""
		for line := 1; sc.Scan(); line++ {
			w := strings.Fields(sc.Text())
			switch {
			case len(w) == 0 || strings.HasPrefix(w[0], "#"):
			case w[0] == "defaults" || w[0] == "backend" || w[0] == "listen" || w[0] == "frontend" || w[0] == "global":
				if section != "defaults" && name == t.Group && cur.set {
					return cur, true
				}
				section, name = w[0], ""
				if len(w) > 1 {
					name = w[1]
				}
				cur = defaults
			case len(w) >= 3 && w[0] == "timeout" && (w[1] == "server" || w[1] == "srvtimeout"):
				d, err := parseHAProxyDuration(w[2])
				if err != nil {
					continue
				}
				st := setting{directive: "timeout server", value: w[2], where: fmt.Sprintf("%s:%d", p.File, line), set: true, dur: d}
				if section == "defaults" {
					defaults = st
				}
				cur = st
			}
		}
		if name == t.Group && cur.set {
			return cur, true
		}
	}
	return setting{}, false
}

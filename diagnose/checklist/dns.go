package checklist

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
)

// dnsOutcome says how a lookup failed: the difference between a name that
// does not exist and a DNS server that does not answer decides the fix.
type dnsOutcome uint8

const (
	dnsOther    dnsOutcome = iota // SERVFAIL, refused, malformed answer …
	dnsNotFound                   // NXDOMAIN, or no A/AAAA record
	dnsNoAnswer                   // the DNS server did not answer in time
)

// dnsOutcomeOf classifies a lookup error.
func dnsOutcomeOf(err error) dnsOutcome {
	var de *net.DNSError
	switch {
	case errors.As(err, &de) && de.IsNotFound:
		return dnsNotFound
	case errors.As(err, &de) && de.IsTimeout, errors.Is(err, context.DeadlineExceeded):
		return dnsNoAnswer
	}
	return dnsOutcomeText(err.Error())
}

// dnsOutcomeText classifies a lookup error from its text (a probe result
// keeps only the text).
func dnsOutcomeText(s string) dnsOutcome {
	switch {
	case strings.Contains(s, "no such host"), strings.Contains(s, "no A or AAAA records"):
		return dnsNotFound
	case strings.Contains(s, "i/o timeout"), strings.Contains(s, "timed out"), strings.Contains(s, "deadline exceeded"):
		return dnsNoAnswer
	}
	return dnsOther
}

// dnsServerIn reads the server of "lookup NAME on SERVER: …" (Go's
// resolver errors); "" when the text names none (the system resolver via
// cgo, say).
func dnsServerIn(s string) string {
	_, rest, ok := strings.Cut(s, " on ")
	if !ok {
		return ""
	}
	server, _, ok := strings.Cut(rest, ": ")
	if !ok || strings.ContainsAny(server, " \t") || len(server) > 64 {
		return ""
	}
	return server
}

// probeDNSSummary is the summary of a probe that could not resolve an
// upstream's name.
func probeDNSSummary(name, errText string) string {
	server := dnsServerIn(errText)
	switch dnsOutcomeText(errText) {
	case dnsNotFound:
		if server != "" {
			return fmt.Sprintf("the name %s does not exist (resolver %s answers NXDOMAIN or no address)", name, server)
		}
		return fmt.Sprintf("the name %s does not exist (no address from this host's resolver)", name)
	case dnsNoAnswer:
		if server != "" {
			return fmt.Sprintf("resolver %s did not answer for %s (timeout): the name may exist, the DNS server is down or blocked", server, name)
		}
		return fmt.Sprintf("this host's resolver did not answer for %s (timeout): the DNS server is down or blocked", name)
	}
	return fmt.Sprintf("%s cannot be resolved: %s", name, errText)
}

// probeDNSFix is the fix of a probe that could not resolve an upstream's
// name, configured at `at`.
func probeDNSFix(name, errText, at string) string {
	server := dnsServerIn(errText)
	dig := "dig " + name
	if server != "" {
		dig = fmt.Sprintf("dig @%s -p %s %s", hostOf(server), portOf(server), name)
	} else {
		server = "the resolver of /etc/resolv.conf"
	}
	switch dnsOutcomeText(errText) {
	case dnsNoAnswer:
		return fmt.Sprintf("%s does not answer: check that it runs and that port 53 to it is open (`%s`; `resolvectl status`), or change %s to an IP address", server, dig, at)
	case dnsOther:
		if errText != "" {
			return fmt.Sprintf("%s fails for %s (`%s` shows its answer): fix the DNS server, or change %s to an IP address", server, name, dig, at)
		}
	}
	return fmt.Sprintf("the name %s does not resolve from this host (getent hosts %s): change %s to a name that resolves or an IP address", name, name, at)
}

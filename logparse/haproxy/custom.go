package haproxy

import "github.com/badgateway/badgateway_exporter/logparse"

// Custom log-formats: `httplog clf` / `tcplog clf`, and formats whose
// termination state has no counters after it.

// requestCLF handles `option httplog clf` / `tcplog clf`: ts at token i,
// followed by five space-separated counters and preceded by
// `"fe" "be" "srv" T1 T2 T3 T4 T5`.
func (t *hapTokens) requestCLF(i int, v *hapVerdict) bool {
	if i < 8 || !t.has(i+5) {
		return false
	}
	for j := 1; j <= 5; j++ {
		if !isSignedInt(t.tok(i+j)) || !isSignedInt(t.tok(i-j)) {
			return false
		}
	}
	fe, be, srv := unquote(t.tok(i-8)), unquote(t.tok(i-7)), unquote(t.tok(i-6))
	if fe == nil || be == nil || srv == nil {
		return false
	}
	v.kind, v.event, v.responseSeconds = logparse.KindRequest, true, -1
	v.frontend, v.backend, v.server = trimSSLMarker(fe), be, srv
	v.client = t.tok(0)
	if c := unquote(v.client); c != nil {
		v.client = c // tcplog clf: %{Q}o quotes %ci
	}
	v.status = 0
	if r := hapIndex(t.msg, `] "`); r > 0 {
		if q := hapIndexByte(t.msg, r+3, '"'); q > 0 {
			v.request = t.msg[r+3 : q]
			v.status = statusValue(firstToken(t.msg[q+1:]))
		}
	}
	if v.status == 0 || string(v.request) == "TCP " {
		v.status = -1 // tcplog clf: `"TCP " 000`
	} else if tr, _ := parseSigned(t.tok(i - 2)); tr >= 0 {
		v.responseSeconds = float64(tr) / 1000
	}
	v.setTermState(t.tok(i))
	v.finishRequest()
	return true
}

func hasSuffix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[len(b)-len(s):]) == s
}

// requestBesideServer handles a custom log-format whose termination state
// (token i) has no counters after it but stands beside the `%b/%s` token,
// or one TLS token (`%sslv`, `%sslc`) away from it: `fe~ be/<NOSRV> SC
// TLS_AES_256_GCM_SHA384 TLSv1.3 503`. A line of HAProxy's, not prose, is
// asked for: a `[%tr]` date, a TLS token or `<NOSRV>` next to them. Only
// what stands there is taken: no status is guessed.
func (t *hapTokens) requestBesideServer(i int, v *hapVerdict) bool {
	srv := -1
	tls := false
	for _, d := range [...]int{-1, 1, -2, 2} {
		j, mid := i+d, i+d/2
		if j < 0 || !t.has(j) || !looksLikeBeSrv(t.tok(j)) {
			continue
		}
		if d == -2 || d == 2 {
			if !isTLSToken(t.tok(mid)) {
				continue
			}
			tls = true
		}
		srv = j
		break
	}
	if srv < 0 {
		return false
	}
	tls = tls || i > 0 && isTLSToken(t.tok(i-1)) || t.has(i+1) && isTLSToken(t.tok(i+1)) ||
		srv > 0 && isTLSToken(t.tok(srv-1)) || t.has(srv+1) && isTLSToken(t.tok(srv+1))
	dated := -1
	for d := 1; d < i && d < srv; d++ {
		if isDateToken(t.tok(d)) {
			dated = d
			break
		}
	}
	if !tls && dated < 0 && !hasSuffix(t.tok(srv), "/<NOSRV>") {
		return false
	}
	v.kind, v.event, v.status, v.responseSeconds = logparse.KindRequest, true, 0, -1
	v.setUpstream(t.tok(srv))
	if srv > 0 && srv-1 != i {
		v.frontend = frontendToken(t.tok(srv - 1))
		if isTLSToken(t.tok(srv - 1)) {
			v.frontend = nil
		}
	}
	if dated > 0 {
		v.client = clientAddress(t.tok(dated - 1))
	}
	v.setTermState(t.tok(i))
	v.finishRequest()
	return true
}

// isTLSToken matches `%sslv` (`TLSv1.3`, `SSLv3`) and `%sslc` (an OpenSSL or
// IANA cipher name: `ECDHE-RSA-AES128-GCM-SHA256`, `TLS_AES_256_GCM_SHA384`).
func isTLSToken(b []byte) bool {
	if logparse.HasPrefix(b, "TLSv") || logparse.HasPrefix(b, "SSLv") || logparse.HasPrefix(b, "TLS_") {
		return true
	}
	dashes := 0
	for _, c := range b {
		switch {
		case c == '-':
			dashes++
		case c >= 'A' && c <= 'Z', logparse.IsDigit(c):
		default:
			return false
		}
	}
	return dashes >= 2 && (hapIndex(b, "AES") >= 0 || hapIndex(b, "CHACHA20") >= 0 || hapIndex(b, "SHA") >= 0)
}

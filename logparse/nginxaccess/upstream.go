package nginxaccess

// listIter walks an upstream list: elements joined by ", " within an
// upstream group and " : " between groups, the way
// ngx_http_upstream_addr_variable and its siblings write them. Every list
// of one request has the same shape, so the lists are walked in step.
type listIter struct {
	s     []byte
	i     int  // start of the next element; -1 when done
	group bool // a " : " came before the next element
}

// next returns the next element ("" when the list has ended) and whether it
// starts a new upstream group.
func (it *listIter) next() (elem []byte, group bool) {
	if it.i < 0 {
		return nil, false
	}
	start, group := it.i, it.group
	j := start
	for j < len(it.s) && it.s[j] != ',' && it.s[j] != ' ' {
		j++
	}
	elem, rest := it.s[start:j:j], it.s[j:]
	switch {
	case len(rest) >= 2 && rest[0] == ',' && rest[1] == ' ':
		it.i, it.group = j+2, false
	case len(rest) >= 3 && rest[0] == ' ' && rest[1] == ':' && rest[2] == ' ':
		it.i, it.group = j+3, true
	default:
		it.i = -1
	}
	return elem, group
}

// splitAttempts fills r.Attempts from the upstream lists. The first list the
// format has ($upstream_addr, else $upstream_status …) sets their number;
// "-" there (the variable was not found: no upstream) means none.
func (r *Record) splitAttempts() {
	r.Attempts = r.Attempts[:0]
	p := r.parser
	primary := -1
	for _, s := range [...]int{p.fAddr, p.fUStatus, p.fURT, p.fUHT, p.fUCT, p.fULen} {
		if s >= 0 {
			primary = s
			break
		}
	}
	pv := r.value(primary)
	if len(pv) == 0 || string(pv) == "-" {
		return
	}
	it := listIter{s: pv}
	addr, status := r.iter(p.fAddr), r.iter(p.fUStatus)
	rt, ht, ct, ln := r.iter(p.fURT), r.iter(p.fUHT), r.iter(p.fUCT), r.iter(p.fULen)
	for it.i >= 0 {
		_, group := it.next()
		a := UpstreamAttempt{Group: group}
		a.Upstream, _ = addr.next()
		if a.Status, _ = status.next(); string(a.Status) == "-" {
			a.Status = a.Status[:0]
		}
		a.ResponseSeconds = parseSeconds(rt.elem())
		a.HeaderSeconds = parseSeconds(ht.elem())
		a.ConnectSeconds = parseSeconds(ct.elem())
		a.ResponseLength = parseCount(ln.elem())
		r.Attempts = append(r.Attempts, a)
	}
}

// iter returns an iterator over the list in slot i (empty for -1).
func (r *Record) iter(i int) listIter {
	if i < 0 {
		return listIter{i: -1}
	}
	return listIter{s: r.value(i)}
}

func (it *listIter) elem() []byte {
	e, _ := it.next()
	return e
}

// parseCount parses a byte count; -1 for anything but digits.
func parseCount(b []byte) int64 {
	if len(b) == 0 || len(b) > 18 {
		return -1
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// parseSeconds parses nginx's "%T.%03M" seconds ("0.004", "12"). It returns
// -1 for "-", an empty value or anything else.
func parseSeconds(b []byte) float64 {
	var whole, frac, scale uint64 = 0, 0, 1
	i := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if i == 15 {
			return -1
		}
		whole = whole*10 + uint64(b[i]-'0')
	}
	if i == 0 {
		return -1
	}
	if i < len(b) {
		if b[i] != '.' || i+1 == len(b) {
			return -1
		}
		for i++; i < len(b); i++ {
			if b[i] < '0' || b[i] > '9' {
				return -1
			}
			if scale < 1e9 {
				frac, scale = frac*10+uint64(b[i]-'0'), scale*10
			}
		}
	}
	return float64(whole) + float64(frac)/float64(scale)
}

// decideGenerated tells a 5xx that nginx generated from one the backend
// returned. What nginx records per try (ngx_http_upstream.c, 1.22 to 1.31):
//
//   - ngx_http_upstream_connect pushes a state per try with header_time -1,
//     logged "-"; ngx_http_upstream_process_header sets header_time only
//     once a complete, valid response header has been read.
//   - A try that fails (connect error, timeout, reset, premature close,
//     invalid or too big header, no live upstreams) ends in
//     ngx_http_upstream_next, which records as its status the code nginx
//     would send: 504 for a timeout, 502 for the others. So a failed try
//     looks like a backend 502 in $upstream_status; only its header time
//     ("-") and, for connect failures, its connect time ("-") tell.
//   - A backend 5xx is recorded as it came, with header_time set; with
//     proxy_next_upstream http_502 nginx moves on only while tries remain
//     and passes the last one to the client.
//
// Hence, for a 5xx $status, Generated is true when: no upstream was tried
// ($upstream_status "-" or empty: return 502, limit_req 503, an error cached
// by proxy_cache); or the last try has no status ("-"); or its status is not
// the client's (error_page, intercepted errors); or its header time is "-".
// Without $upstream_header_time, a connect time of "-" still proves a
// generated status, and a response length above 0 (body bytes, counted only
// after a valid header) proves the backend's; otherwise 502 and 504 are
// guessed to be generated (GeneratedGuessed), as they are when the format
// has no upstream variable. ingress-nginx's upstreaminfo has
// $upstream_response_length: only a backend 5xx with an empty body is
// guessed wrong there.
func (r *Record) decideGenerated() {
	r.Generated, r.GeneratedGuessed = false, false
	if len(r.Status) != 3 || r.Status[0] != '5' {
		return
	}
	p := r.parser
	hasLists := p.fAddr >= 0 || p.fUStatus >= 0 || p.fURT >= 0 || p.fUHT >= 0 || p.fUCT >= 0 || p.fULen >= 0
	var last *UpstreamAttempt
	if len(r.Attempts) > 0 {
		last = &r.Attempts[len(r.Attempts)-1]
	}
	switch {
	case !hasLists:
		s := string(r.Status)
		r.Generated, r.GeneratedGuessed = s == "502" || s == "504", true
	case last == nil:
		r.Generated = true
	case p.fUStatus >= 0 && string(last.Status) != string(r.Status):
		r.Generated = true
	case p.fUHT >= 0:
		r.Generated = last.HeaderSeconds < 0
	case p.fUCT >= 0 && last.ConnectSeconds < 0:
		r.Generated = true
	case last.ResponseLength > 0:
		r.Generated = false
	default:
		s := string(r.Status)
		r.Generated, r.GeneratedGuessed = s == "502" || s == "504", true
	}
}

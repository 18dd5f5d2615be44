package haproxy

import "github.com/badgateway/badgateway_exporter/logparse"

// Tokens of a HAProxy message and the tests that tell what a token is.

const hapMaxTokens = 48

// hapTokens are the space-separated tokens of a message, split lazily: tok(i)
// scans only as far as token i.
type hapTokens struct {
	msg   []byte
	n     int                    // tokens found so far
	scan  int                    // where scanning resumes
	limit int                    // at most this many tokens
	at    [hapMaxTokens][2]int32 // lines are far shorter than 2 GiB
}

func (t *hapTokens) reset(msg []byte, limit int) {
	t.msg, t.n, t.scan, t.limit = msg, 0, 0, limit
}

// has reports whether token i exists, scanning up to it.
func (t *hapTokens) has(i int) bool {
	for t.n <= i {
		if t.n >= t.limit || !t.next() {
			return false
		}
	}
	return i >= 0
}

// next scans one more token.
func (t *hapTokens) next() bool {
	msg, i := t.msg, t.scan
	for i < len(msg) && msg[i] == ' ' {
		i++
	}
	if i >= len(msg) {
		t.scan = i
		return false
	}
	start := i
	for i < len(msg) && msg[i] != ' ' {
		i++
	}
	t.at[t.n] = [2]int32{int32(start), int32(i)}
	t.n++
	t.scan = i
	return true
}

func (t *hapTokens) tok(i int) []byte {
	if !t.has(i) {
		return nil
	}
	return t.msg[t.at[i][0]:t.at[i][1]]
}

// after returns the message after token i (which must exist).
func (t *hapTokens) after(i int) []byte { return t.msg[t.at[i][1]:] }

// looksLikeBeSrv matches a `%b/%s` token: one '/', names on both sides, no
// quote, bracket, colon or '=', not a timer or an HTTP version.
func looksLikeBeSrv(tok []byte) bool {
	slash := -1
	for i, c := range tok {
		switch c {
		case '/':
			if slash >= 0 {
				return false
			}
			slash = i
		case '"', '[', ']', ':', '=', '{', '}':
			return false
		}
	}
	return slash > 0 && slash < len(tok)-1 && timerFields(tok) == 0 && !logparse.HasPrefix(tok, "HTTP/")
}

// frontendToken returns tok as a frontend name (SSL marker stripped), or nil
// when it cannot be one.
func frontendToken(tok []byte) []byte {
	for _, c := range tok {
		if c == '/' || c == ':' || c == '"' || c == '[' || c == ']' || c == '{' {
			return nil
		}
	}
	return trimSSLMarker(tok)
}

// firstToken returns the first space-separated token of b.
func firstToken(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] == ' ' {
		i++
	}
	j := i
	for j < len(b) && b[j] != ' ' {
		j++
	}
	return b[i:j]
}

// isDateToken matches `[%tr]`/`[%t]`: `[06/Feb/2009:12:14:14.655]`.
func isDateToken(b []byte) bool {
	return len(b) > 12 && b[0] == '[' && b[len(b)-1] == ']' && logparse.IsDigit(b[1]) && logparse.IsDigit(b[2]) && b[3] == '/'
}

// isCounters matches `%ac/%fc/%bc/%sc/%rc`; retries may carry a `+`.
func isCounters(b []byte) bool {
	fields := 0
	for i := 0; i <= len(b); {
		j := i
		if j < len(b) && b[j] == '+' && fields == 4 {
			j++
		}
		k := logparse.SkipDigits(b, j)
		if k == j || k < len(b) && b[k] != '/' {
			return false
		}
		fields++
		i = k + 1
	}
	return fields == 5
}

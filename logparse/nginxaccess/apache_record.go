package nginxaccess

import "bytes"

// indexApacheFields finds the slots only an Apache format has.
func (p *Parser) indexApacheFields() {
	p.fOrigStatus = p.slot("apache_original_status")
	p.fTimeUS, p.fTimeMS, p.fTimeSecs = p.slot("apache_time_us"), p.slot("apache_time_ms"), p.slot("apache_time_s")
}

// readApache fills the record from a line of an Apache format: one attempt
// when %{BALANCER_WORKER_NAME}e names the worker, and a guessed Generated.
func (r *Record) readApache() {
	p := r.parser
	r.Status = r.value(p.fStatus)
	if p.fStatus < 0 {
		r.Status = r.value(p.fOrigStatus)
	}
	r.ServerName = r.value(p.fServerName)
	if len(r.ServerName) == 0 || string(r.ServerName) == "-" {
		r.ServerName = r.value(p.fHost)
	}
	if string(r.ServerName) == "-" {
		r.ServerName = nil
	}
	r.Request = r.value(p.fRequest)
	r.RequestTime = r.apacheRequestTime()
	r.Attempts = r.Attempts[:0]
	// A worker's name is a URL: one with a space or a comma in its address
	// is not one (an attempt's fields never hold the separators of nginx's
	// lists), and gives no attempt.
	if w := r.value(p.fAddr); len(w) > 0 && string(w) != "-" {
		if addr := apacheWorkerAddress(w); len(addr) > 0 && !bytes.ContainsAny(addr, " \t,") {
			status := r.Status // the attempt's status only when it is a number
			if parseCount(status) < 0 {
				status = nil
			}
			r.Attempts = append(r.Attempts, UpstreamAttempt{
				Upstream: addr, Status: status, ResponseSeconds: r.RequestTime,
				HeaderSeconds: -1, ConnectSeconds: -1, ResponseLength: -1,
			})
		}
	}
	s := string(r.Status)
	r.Generated, r.GeneratedGuessed = len(s) == 3 && (s == "502" || s == "504"), len(s) == 3 && s[0] == '5'
}

// apacheRequestTime returns the request's time in seconds from the most
// precise of %D/%{us}T, %{ms}T and %T; -1 when the format has none or the
// value is not a number.
func (r *Record) apacheRequestTime() float64 {
	p := r.parser
	for _, t := range [...]struct {
		slot   int
		perSec float64
	}{{p.fTimeUS, 1e6}, {p.fTimeMS, 1e3}, {p.fTimeSecs, 1}} {
		if t.slot < 0 {
			continue
		}
		if n := parseCount(r.value(t.slot)); n >= 0 {
			return float64(n) / t.perSec
		}
		return -1
	}
	return -1
}

// apacheWorkerAddress returns the host:port of a balancer worker's name
// ("http://10.0.0.1:8080/app" gives "10.0.0.1:8080"); a unix socket worker
// ("unix:/run/app.sock|http://localhost/") keeps its socket part.
func apacheWorkerAddress(w []byte) []byte {
	if bytes.HasPrefix(w, []byte("unix:")) {
		if k := bytes.IndexByte(w, '|'); k >= 0 {
			return w[:k:k]
		}
		return w
	}
	if k := bytes.Index(w, []byte("://")); k >= 0 {
		w = w[k+3:]
	}
	if k := bytes.IndexByte(w, '/'); k >= 0 {
		w = w[:k:k]
	}
	return w
}

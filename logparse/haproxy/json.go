package haproxy

import "github.com/badgateway/badgateway_exporter/logparse"

// JSON request logs (`log-format '{"termination_state":"%tsc",…}'` or
// `%{+json}o`). Only top-level keys are read; values may be strings or
// numbers. Keys understood (the common spellings of HAProxy's own field
// names, configuration.txt §8.2.6):
//
//	termination state  termination_state, termination_state_cookie, tsc
//	frontend           frontend_name, frontend, frontend_name_transport
//	backend            backend_name, backend
//	server             server_name, server
//	status             status_code, status, http_status, http_status_code
//	Tr (ms)            Tr, time_response, response_time, server_response_time
//	client             client_ip, client, src
//	request            request, http_request
//
// Only a line with a termination-state key is taken for HAProxy's (the other
// keys are common in other programs' JSON, nginx access logs included), and
// only a valid state yields an event; escapes in values are left as written.

// parseJSONLine reads a JSON object and fills v; false when msg is not a
// JSON object with a termination-state key.
func parseJSONLine(msg []byte, v *hapVerdict) bool {
	if len(msg) == 0 || msg[0] != '{' {
		return false
	}
	known := false // a termination-state key was seen
	v.status, v.responseSeconds = 0, -1
	for i := 1; ; {
		i = skipJSONSpace(msg, i)
		if i >= len(msg) || msg[i] != '"' {
			break
		}
		key, next := jsonString(msg, i)
		next = skipJSONSpace(msg, next)
		if next >= len(msg) || msg[next] != ':' {
			break
		}
		start := skipJSONSpace(msg, next+1)
		value, str, end := jsonValue(msg, start)
		if end <= start {
			break
		}
		if v.setJSONField(key, value, str) {
			known = true
		}
		i = skipJSONSpace(msg, end)
		if i >= len(msg) || msg[i] != ',' {
			break
		}
		i++
	}
	if !known {
		return false
	}
	v.result = logparse.ResultIgnored
	if v.termState {
		v.kind, v.event = logparse.KindRequest, true
		v.finishRequest()
	}
	return true
}

// setJSONField stores one key/value pair; it reports whether the key is a
// termination state.
func (v *hapVerdict) setJSONField(key, value []byte, str bool) bool {
	switch string(key) {
	case "termination_state", "termination_state_cookie", "tsc":
		v.setTermState(value)
		return true
	case "frontend_name", "frontend", "frontend_name_transport":
		v.frontend = trimSSLMarker(value)
	case "backend_name", "backend":
		v.backend = value
	case "server_name", "server":
		v.server = value
	case "status_code", "status", "http_status", "http_status_code":
		v.status = statusValue(value)
	case "Tr", "time_response", "response_time", "server_response_time":
		if tr, ok := parseSigned(value); ok && tr >= 0 {
			v.responseSeconds = float64(tr) / 1000
		}
	case "client_ip", "client", "src":
		v.client = value
	case "request", "http_request":
		if str {
			v.request = value
		}
	}
	return false
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}

// jsonString returns the raw content of the string starting at b[i] == '"'
// and the offset after its closing quote.
func jsonString(b []byte, i int) ([]byte, int) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return b[i+1 : j], j + 1
		}
	}
	return b[i+1:], len(b)
}

// jsonValue returns the value at b[i] (string content, or the raw text of a
// number, literal, object or array) and the offset after it.
func jsonValue(b []byte, i int) (value []byte, str bool, end int) {
	if i >= len(b) {
		return nil, false, i
	}
	switch b[i] {
	case '"':
		value, end = jsonString(b, i)
		return value, true, end
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				_, j = jsonString(b, j)
				j--
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return b[i : j+1], false, j + 1
				}
			}
		}
		return b[i:], false, len(b)
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ' ' && b[j] != ']' {
		j++
	}
	return b[i:j], false, j
}

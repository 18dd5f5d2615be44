package haproxy

import "github.com/badgateway/badgateway_exporter/logparse"

// JSON request logs (`log-format '{"termination_state":"%tsc",…}'` or
// `%{+json}o`). Values may be strings or numbers; objects are read too, up
// to hapJSONDepth deep, so that states and names nested the way operators
// group them (`{"connection":{"termination_state":"sC"},"server":{"name":
// "app1","backend":"be"}}`, `{"haproxy":{…}}`) are found. Keys are compared
// without case, '_', '-' or '.'; the spellings understood (HAProxy's own
// field names, configuration.txt §8.2.6, their aliases and the short names
// of its log-format variables):
//
//	termination state  termination_state[_cookie], term_state, tsc, ts
//	frontend           frontend[_name][_transport], fe[_name], ft
//	backend            backend[_name], be[_name], b
//	server             server[_name], srv[_name], s
//	status             status[_code], http_status[_code], st
//	Tr (ms)            Tr, time_response, response_time, server_response_time (top level)
//	client             client[_ip], src, ci
//	request            request, http_request
//
// Inside an object under a frontend, backend or server key, `name` is that
// object's name. Only a line with a termination-state key is taken for
// HAProxy's (the other keys are common in other programs' JSON, nginx access
// logs included; `ts` only when its value is a termination state, as it is
// often a timestamp), and only a valid state yields an event; escapes in
// values are left as written.

// hapJSONDepth bounds how deep objects are read.
const hapJSONDepth = 4

// jsonKey is what a key names.
type jsonKey uint8

const (
	jsonOther jsonKey = iota
	jsonTermState
	jsonTermMaybe // `ts`: a termination state only if the value is one
	jsonFrontend
	jsonBackend
	jsonServer
	jsonStatus
	jsonTr
	jsonClient
	jsonRequest
	jsonName
)

// jsonKeyNames are the normalised spellings (lower case, no separators).
var jsonKeyNames = [...]struct {
	name string
	key  jsonKey
}{
	{"terminationstate", jsonTermState}, {"terminationstatecookie", jsonTermState}, {"termstate", jsonTermState},
	{"tsc", jsonTermState}, {"ts", jsonTermMaybe},
	{"frontendname", jsonFrontend}, {"frontend", jsonFrontend}, {"frontendnametransport", jsonFrontend},
	{"fe", jsonFrontend}, {"fename", jsonFrontend}, {"ft", jsonFrontend},
	{"backendname", jsonBackend}, {"backend", jsonBackend}, {"be", jsonBackend}, {"bename", jsonBackend}, {"b", jsonBackend},
	{"servername", jsonServer}, {"server", jsonServer}, {"srv", jsonServer}, {"srvname", jsonServer}, {"s", jsonServer},
	{"statuscode", jsonStatus}, {"status", jsonStatus}, {"httpstatus", jsonStatus}, {"httpstatuscode", jsonStatus}, {"st", jsonStatus},
	{"tr", jsonTr}, {"timeresponse", jsonTr}, {"responsetime", jsonTr}, {"serverresponsetime", jsonTr},
	{"clientip", jsonClient}, {"client", jsonClient}, {"src", jsonClient}, {"ci", jsonClient},
	{"request", jsonRequest}, {"httprequest", jsonRequest}, {"name", jsonName},
}

// classifyJSONKey looks key up in jsonKeyNames without allocating.
func classifyJSONKey(key []byte) jsonKey {
	var buf [24]byte
	n := 0
	for _, c := range key {
		switch {
		case c == '_' || c == '-' || c == '.':
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		if n == len(buf) {
			return jsonOther
		}
		buf[n] = c
		n++
	}
	for _, k := range jsonKeyNames {
		if k.name == string(buf[:n]) {
			return k.key
		}
	}
	return jsonOther
}

// parseJSONLine reads a JSON object and fills v; false when msg is not a
// JSON object with a termination-state key.
func parseJSONLine(msg []byte, v *hapVerdict) bool {
	if len(msg) == 0 || msg[0] != '{' {
		return false
	}
	v.status, v.responseSeconds = 0, -1
	known, _ := v.parseJSONObject(msg, 0, jsonOther, 0)
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

// parseJSONObject reads the object at msg[i] == '{' whose key was parent;
// it reports whether a termination-state key was seen and where it ended.
func (v *hapVerdict) parseJSONObject(msg []byte, i int, parent jsonKey, depth int) (known bool, end int) {
	for i++; ; {
		i = skipJSONSpace(msg, i)
		if i >= len(msg) || msg[i] != '"' {
			return known, i + 1
		}
		key, next := jsonString(msg, i)
		next = skipJSONSpace(msg, next)
		if next >= len(msg) || msg[next] != ':' {
			return known, next
		}
		start := skipJSONSpace(msg, next+1)
		k := classifyJSONKey(key)
		if k == jsonName {
			k = parent
		}
		var value []byte
		var str bool
		if start < len(msg) && msg[start] == '{' && depth < hapJSONDepth {
			sub, e := v.parseJSONObject(msg, start, k, depth+1)
			known, end = known || sub, e
		} else {
			value, str, end = jsonValue(msg, start)
			if end <= start {
				return known, end
			}
			if v.setJSONField(k, value, str, depth) {
				known = true
			}
		}
		i = skipJSONSpace(msg, end)
		if i >= len(msg) || msg[i] != ',' {
			return known, i + 1
		}
		i++
	}
}

// setJSONField stores one key/value pair; it reports whether the key is a
// termination state.
func (v *hapVerdict) setJSONField(k jsonKey, value []byte, str bool, depth int) bool {
	switch k {
	case jsonTermState:
		v.setTermState(value)
		return true
	case jsonTermMaybe:
		if isTermState(value) {
			v.setTermState(value)
			return true
		}
	case jsonFrontend:
		v.frontend = trimSSLMarker(value)
	case jsonBackend:
		v.backend = value
	case jsonServer:
		v.server = value
	case jsonStatus:
		if st := statusValue(value); st != 0 || depth == 0 {
			v.status = st
		}
	case jsonTr:
		if tr, ok := parseSigned(value); ok && tr >= 0 && depth == 0 {
			v.responseSeconds = float64(tr) / 1000
		}
	case jsonClient:
		v.client = value
	case jsonRequest:
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

package nginxaccess

import (
	"fmt"
	"strings"
)

// parseApacheItem compiles the directive that starts s (at its `%`) and
// returns its elements (a directive may bring literal brackets: %t) and the
// number of bytes it spans.
func parseApacheItem(s string) ([]formatOp, int, error) {
	i, final, arg, hasArg := 1, true, "", false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '!' || c == ',' || c >= '0' && c <= '9':
			// a status condition: the value may be "-", which every class allows
		case c == '<':
			final = false
		case c == '>':
			final = true
		case c == '{':
			end := strings.IndexByte(s[i+1:], '}')
			if end < 0 {
				return nil, 0, fmt.Errorf("LogFormat: the closing brace of %q is missing", s)
			}
			arg, hasArg = s[i+1:i+1+end], true
			i += end + 1
		default:
			return apacheItem(s, i, arg, hasArg, final)
		}
	}
	return nil, 0, fmt.Errorf("LogFormat: %q ends without a directive letter", s)
}

// apacheItem compiles the directive whose letter is s[i].
func apacheItem(s string, i int, arg string, hasArg, final bool) ([]formatOp, int, error) {
	letter := s[i]
	n := i + 1
	if letter == '^' {
		if !strings.HasPrefix(s[i:], "^ti") && !strings.HasPrefix(s[i:], "^to") {
			return nil, 0, fmt.Errorf("LogFormat: unknown directive %q (the two-letter ones are ^ti and ^to)", s[:min(len(s), i+3)])
		}
		n = i + 3
	}
	label := s[:n]
	op := func(name string, class uint8) []formatOp {
		return []formatOp{{name: name, label: label, hint: class}}
	}
	needArg := func() error {
		if !hasArg || arg == "" {
			return fmt.Errorf("LogFormat: %s needs a name in braces (%%{NAME}%s)", label, s[i:n])
		}
		return nil
	}
	switch letter {
	case '^':
		if err := needArg(); err != nil {
			return nil, 0, err
		}
		return op("apache_trailer_"+lowerName(arg), 0), n, nil
	case 'i':
		if err := needArg(); err != nil {
			return nil, 0, err
		}
		return op("http_"+lowerName(arg), 0), n, nil
	case 'e':
		if err := needArg(); err != nil {
			return nil, 0, err
		}
		if arg == "BALANCER_WORKER_NAME" {
			return op("upstream_addr", 0), n, nil // a list variable: classElement
		}
		return op("apache_env_"+lowerName(arg), 0), n, nil
	case 'o', 'n', 'C':
		if err := needArg(); err != nil {
			return nil, 0, err
		}
		return op("apache_"+string(letter)+"_"+lowerName(arg), 0), n, nil
	case 's':
		if final && strings.Contains(label, ">") {
			return op("status", classDigits), n, nil
		}
		return op("apache_original_status", classDigits), n, nil
	case 'T':
		switch arg {
		case "", "s":
			return op("apache_time_s", classDigits), n, nil
		case "ms":
			return op("apache_time_ms", classDigits), n, nil
		case "us":
			return op("apache_time_us", classDigits), n, nil
		}
		return nil, 0, fmt.Errorf("LogFormat: unknown unit %q in %s: want s, ms or us", arg, label)
	case 't':
		if !hasArg {
			// [%d/%b/%Y:%H:%M:%S %z], nginx's $time_local in brackets
			return []formatOp{{literal: "["}, {name: "time_local", label: label}, {literal: "]"}}, n, nil
		}
		switch strings.TrimPrefix(strings.TrimPrefix(arg, "begin:"), "end:") {
		case "sec", "msec", "usec", "msec_frac", "usec_frac":
			return op("apache_time_"+lowerName(arg), classDigits), n, nil
		}
		return op("apache_time_"+lowerName(arg), 0), n, nil // a strftime format
	case 'p', 'P':
		if hasArg && arg == "hextid" {
			return op("apache_hextid", classToken), n, nil
		}
		if hasArg && arg != "canonical" {
			return op("apache_"+string(letter)+"_"+lowerName(arg), classToken), n, nil
		}
	}
	d, ok := apacheDirectives[letter]
	if !ok {
		return nil, 0, fmt.Errorf("LogFormat: unknown directive %s", label)
	}
	if hasArg && letter == 'a' || letter == 'h' && arg == "c" {
		return op(d.name+"_"+lowerName(arg), d.class), n, nil // %{c}a: the peer, not the client
	}
	return op(d.name, d.class), n, nil
}

// lowerName turns a header or variable name into the lowercase
// [a-z0-9_] form nginx gives $http_* names ("User-Agent": "user_agent").
func lowerName(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'A' && c <= 'Z':
			b[i] = c + 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		default:
			b[i] = '_'
		}
	}
	return string(b)
}

package nginxtest

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// checkListens parses an http block just enough to refuse anything but
// loopback: every listen must be on 127.0.0.0/8, ::1, localhost or a unix
// socket, and every server block must have a listen (nginx would otherwise
// bind *:80).
func checkListens(httpBlock string) error {
	toks, err := tokenize(httpBlock)
	if err != nil {
		return err
	}
	type block struct {
		name      string
		hasListen bool
	}
	var stack []block
	var words []token
	for _, tk := range toks {
		if tk.quoted || (tk.text != ";" && tk.text != "{" && tk.text != "}") {
			words = append(words, tk)
			continue
		}
		switch tk.text {
		case ";":
			if len(words) > 0 && words[0].text == "listen" {
				if len(stack) == 0 || stack[len(stack)-1].name != "server" {
					return errors.New("nginxtest: listen outside a server block")
				}
				if len(words) < 2 {
					return errors.New("nginxtest: listen without an address")
				}
				if !loopbackListen(words[1].text) {
					return fmt.Errorf("nginxtest: listen %s is not loopback: use %s, 127.0.0.1:<port> or unix:", words[1].text, ListenPlaceholder)
				}
				stack[len(stack)-1].hasListen = true
			}
		case "{":
			if len(words) == 0 {
				return errors.New("nginxtest: block without a name")
			}
			stack = append(stack, block{name: words[0].text})
		case "}":
			if len(stack) == 0 {
				return errors.New("nginxtest: unbalanced }")
			}
			b := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if b.name == "server" && !b.hasListen {
				return errors.New("nginxtest: server block without listen (nginx would bind *:80)")
			}
		}
		words = words[:0]
	}
	if len(stack) != 0 {
		return errors.New("nginxtest: unbalanced {")
	}
	return nil
}

// loopbackListen reports whether the address of a listen directive is a
// loopback address with an explicit port, or a unix socket.
func loopbackListen(addr string) bool {
	if strings.HasPrefix(addr, "unix:") {
		return true
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return false // a bare port means every address
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type token struct {
	text   string
	quoted bool
}

// tokenize splits nginx configuration text into words, quoted strings and
// the punctuation ; { }, dropping # comments.
func tokenize(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == ';' || c == '{' || c == '}':
			toks = append(toks, token{text: string(c)})
			i++
		case c == '"' || c == '\'':
			j := i + 1
			var b strings.Builder
			for ; j < len(s) && s[j] != c; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, errors.New("nginxtest: unterminated quoted string")
			}
			toks = append(toks, token{text: b.String(), quoted: true})
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r;{}", rune(s[j])) {
				switch {
				case s[j] == '\\' && j+1 < len(s):
					j++
				case s[j] == '$' && j+1 < len(s) && s[j+1] == '{': // ${var}
					if k := strings.IndexByte(s[j:], '}'); k > 0 {
						j += k
					}
				}
				j++
			}
			toks = append(toks, token{text: s[i:j]})
			i = j
		}
	}
	return toks, nil
}

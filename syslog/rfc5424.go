package syslog

// utf8BOM may precede an RFC 5424 MSG to say it is UTF-8.
const utf8BOM = "\xef\xbb\xbf"

// decode5424 decodes what follows "<PRI>1 ":
// TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG].
// Header fields are one or more non-space bytes; lengths are not checked.
func decode5424(b []byte, m *Message) error {
	var fields [5][]byte
	for i := range fields {
		f, rest, ok := word(b)
		if !ok || len(f) == 0 {
			return ErrHeader
		}
		fields[i], b = f, rest
	}
	m.Format = RFC5424
	m.Timestamp = nilValue(fields[0])
	m.Hostname = nilValue(fields[1])
	m.Tag = nilValue(fields[2])
	m.PID = nilValue(fields[3])
	m.MsgID = nilValue(fields[4])

	n, err := structuredDataLen(b)
	if err != nil {
		return err
	}
	m.StructuredData = nilValue(b[:n])
	b = b[n:]
	if len(b) > 0 {
		if b[0] != ' ' {
			return errStructuredDataEnd
		}
		b = b[1:]
	}
	if len(b) >= len(utf8BOM) && string(b[:len(utf8BOM)]) == utf8BOM {
		b = b[len(utf8BOM):]
	}
	m.Content = b
	return nil
}

// structuredDataLen returns the length of the STRUCTURED-DATA at the start
// of b: "-" or one or more SD-ELEMENTs `[id param="value" ...]`. Inside a
// quoted PARAM-VALUE, '\' escapes the next byte (`\"`, `\\`, `\]`) and ']'
// does not end the element.
func structuredDataLen(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, ErrHeader
	}
	if b[0] == '-' {
		return 1, nil
	}
	i := 0
	for i < len(b) && b[i] == '[' {
		end := sdElementEnd(b[i:])
		if end < 0 {
			return 0, ErrStructuredData
		}
		i += end
	}
	if i == 0 {
		return 0, ErrStructuredData
	}
	return i, nil
}

// sdElementEnd returns the length of the SD-ELEMENT starting with '[' at
// b[0], through its closing ']', or -1 if it is not closed or is empty.
func sdElementEnd(b []byte) int {
	quoted := false
	for i := 1; i < len(b); i++ {
		c := b[i]
		switch {
		case quoted && c == '\\':
			i++ // skip the escaped byte
		case c == '"':
			quoted = !quoted
		case !quoted && c == ']':
			if i == 1 {
				return -1 // "[]": an SD-ID is required
			}
			return i + 1
		}
	}
	return -1
}

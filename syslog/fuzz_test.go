package syslog

// Fuzz targets: go test -run='^$' -fuzz=FuzzDecode ./syslog
//               go test -run='^$' -fuzz=FuzzTCPFraming ./syslog

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unsafe"
)

var decodeSeeds = []string{
	haproxyLocal, haproxyRFC5424, nginxError,
	"<134>Nov  1 01:02:03 localhost haproxy[7]: msg",
	"<13>Feb 15 17:32:18.123 h t: x",
	"<13>2026-11-21T11:01:20.088+01:00 h t[1]: x",
	"<165>1 2003-10-11T22:14:15.003Z host app 42 ID47 [a@1 p=\"x\\]y\"][b@2] \xef\xbb\xbfmsg",
	"<14>1 - - - - - -", "<14>1 - - - - - [a", "<14>1 ", "<0>", "<191>", "<192>x", "<1", "",
	"\n", "x", "<13>Feb 15 17:32:18 a[1] b[2]: c", "<13>Feb 15 17:32:18 [x]: y",
}

// within reports whether s is nil or lies inside b's memory.
func within(s, b []byte) bool {
	if s == nil {
		return true
	}
	if len(s) == 0 {
		return true
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	return p >= start && p+uintptr(len(s)) <= start+uintptr(len(b))
}

func FuzzDecode(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in := string(b)
		var m Message
		err := Decode(b, &m)
		if string(b) != in {
			t.Fatal("Decode modified its input")
		}
		for name, s := range map[string][]byte{"Timestamp": m.Timestamp, "Hostname": m.Hostname, "Tag": m.Tag,
			"PID": m.PID, "MsgID": m.MsgID, "StructuredData": m.StructuredData, "Content": m.Content} {
			if !within(s, b) {
				t.Fatalf("%s does not alias the input", name)
			}
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) || m.Format != Unknown || m.Tag != nil {
				t.Fatalf("error %v with Format %v, Tag %q", err, m.Format, m.Tag)
			}
			return
		}
		if m.Format != RFC3164 && m.Format != RFC5424 {
			t.Fatalf("Format %v without error", m.Format)
		}
		if m.Facility < 0 || m.Facility > 23 || m.Severity < 0 || m.Severity > 7 {
			t.Fatalf("facility %d severity %d", m.Facility, m.Severity)
		}
		for _, s := range [][]byte{m.Hostname, m.Tag, m.PID, m.MsgID} {
			if strings.ContainsRune(string(s), ' ') || (s != nil && len(s) == 0) {
				t.Fatalf("header field %q is empty or has a space", s)
			}
		}
		if m.Format == RFC3164 && m.Tag != nil && !tagChars(m.Tag) {
			t.Fatalf("tag %q", m.Tag)
		}
	})
}

// FuzzTCPFraming feeds arbitrary bytes, split into reads of fuzzed sizes,
// to the TCP framer with a small maximum: it must not panic or hang, frames
// must respect the maximum, and the result must not depend on how the
// stream was split nor on the framer's buffer size.
func FuzzTCPFraming(f *testing.F) {
	f.Add([]byte("<1>a\n<2>b\n"), []byte{1}, uint8(8))
	f.Add([]byte("4 <1>a5 <2>bc<3>d\n\x00\r\n"), []byte{3, 1}, uint8(4))
	f.Add([]byte("43 <1>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx3 <2>"), []byte{7}, uint8(10))
	f.Add([]byte("404 not found\n12"), []byte{2, 5}, uint8(3))
	f.Add([]byte("999999999 <"), []byte{}, uint8(0))
	f.Add([]byte(haproxyLocal+"10 <1>abcdefg"+nginxError), []byte{20, 1, 64}, uint8(40))
	f.Fuzz(func(t *testing.T, data, chunks []byte, maxByte uint8) {
		maxBytes := 1 + int(maxByte)%64
		sizes := make([]int, len(chunks))
		for i, c := range chunks {
			sizes[i] = int(c)
		}
		whole, err1 := frames(t, &chunkReader{data: data}, len(data), maxBytes)
		// Split reads into a buffer that starts at one byte: growing and
		// shrinking must not change the frames either.
		split, err2 := framesSized(t, &chunkReader{data: data, chunks: sizes}, len(data), maxBytes, bufferSizes{1, 2, 0})
		if !errors.Is(err1, io.EOF) || !errors.Is(err2, io.EOF) {
			t.Fatalf("errors %v, %v", err1, err2)
		}
		if fmt.Sprintf("%q", whole) != fmt.Sprintf("%q", split) {
			t.Fatalf("frames depend on the reads:\nwhole %q\nsplit %q", whole, split)
		}
		var m Message
		for _, fr := range whole {
			_ = Decode([]byte(strings.TrimPrefix(fr, "~")), &m)
		}
	})
}

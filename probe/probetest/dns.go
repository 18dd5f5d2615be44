package probetest

import (
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

// DNS response codes the server can send.
const (
	RcodeNoError  = 0
	RcodeServFail = 2
	RcodeNXDomain = 3
)

// Answer is what the DNS server says for one name.
type Answer struct {
	Rcode int          // RcodeNoError unless set
	Addrs []netip.Addr // A and AAAA records
	Drop  bool         // never answer: the client times out
}

const (
	typeA    = 1
	typeAAAA = 28
)

// DNSServer runs a tiny DNS server on 127.0.0.1 (UDP) until the test ends.
// Names are matched without the trailing dot, case-insensitively; a name
// that is not in zone gets NXDOMAIN. It returns the "127.0.0.1:port" to give
// to a resolver.
func DNSServer(tb testing.TB, zone map[string]Answer) string {
	tb.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("dns server: %v", err)
	}
	norm := make(map[string]Answer, len(zone))
	for name, a := range zone {
		norm[strings.ToLower(strings.TrimSuffix(name, "."))] = a
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 512)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return // closed at cleanup
			}
			if resp, ok := answer(buf[:n], norm); ok {
				_, _ = pc.WriteTo(resp, from)
			}
		}
	}()
	tb.Cleanup(func() {
		pc.Close()
		wg.Wait()
	})
	return pc.LocalAddr().String()
}

// answer builds the response to one query; ok is false to stay silent.
func answer(q []byte, zone map[string]Answer) ([]byte, bool) {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:6]) != 1 {
		return nil, false
	}
	name, end, err := readName(q, 12)
	if err != nil || end+4 > len(q) {
		return nil, false
	}
	qtype := binary.BigEndian.Uint16(q[end : end+2])
	a, found := zone[strings.ToLower(name)]
	if a.Drop {
		return nil, false
	}
	rcode := a.Rcode
	if !found {
		rcode = RcodeNXDomain
	}
	var records [][]byte
	if rcode == RcodeNoError {
		for _, ip := range a.Addrs {
			if (qtype == typeA && ip.Is4()) || (qtype == typeAAAA && ip.Is6() && !ip.Is4In6()) {
				records = append(records, ip.AsSlice())
			}
		}
	}
	resp := make([]byte, 12, 512)
	copy(resp, q[:2])                                 // ID
	flags := uint16(0x8000 | 0x0400 | 0x0080 | rcode) // QR, AA, RA
	if q[2]&0x01 != 0 {
		flags |= 0x0100 // RD, copied from the query
	}
	binary.BigEndian.PutUint16(resp[2:], flags)
	binary.BigEndian.PutUint16(resp[4:], 1)
	binary.BigEndian.PutUint16(resp[6:], uint16(len(records)))
	resp = append(resp, q[12:end+4]...) // the question
	for _, rd := range records {
		rr := []byte{0xc0, 12, 0, 0, 0, 1, 0, 0, 0, 60, 0, 0} // name pointer, type, IN, TTL 60, rdlength
		binary.BigEndian.PutUint16(rr[2:], qtype)
		binary.BigEndian.PutUint16(rr[10:], uint16(len(rd)))
		resp = append(append(resp, rr...), rd...)
	}
	return resp, true
}

func readName(msg []byte, off int) (string, int, error) {
	var labels []string
	for i := 0; i < 128; i++ {
		if off >= len(msg) {
			return "", 0, errors.New("short name")
		}
		n := int(msg[off])
		if n == 0 {
			return strings.Join(labels, "."), off + 1, nil
		}
		if n > 63 || off+1+n > len(msg) {
			return "", 0, errors.New("bad label")
		}
		labels = append(labels, string(msg[off+1:off+1+n]))
		off += 1 + n
	}
	return "", 0, errors.New("name too long")
}

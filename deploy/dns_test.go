package deploy_test

import (
	"encoding/binary"
	"net"
	"strings"
	"sync"
	"testing"
)

// nxdomainServer is the DNS server of the test: on 127.0.0.1 (UDP), it
// answers NXDOMAIN to every query, which is what Docker's 127.0.0.11 says
// for a name under .invalid. nginx's resolver is pointed at it, so no DNS
// query of the test leaves the machine.
type nxdomainServer struct {
	addr string
	mu   sync.Mutex
	seen []string // query names, lower case, without the trailing dot
}

func startNXDOMAIN(t *testing.T) *nxdomainServer {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &nxdomainServer{addr: pc.LocalAddr().String()}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 512)
		for { // ends when the cleanup closes pc
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp, name, ok := nxdomain(buf[:n]); ok {
				s.mu.Lock()
				s.seen = append(s.seen, name)
				s.mu.Unlock()
				_, _ = pc.WriteTo(resp, from)
			}
		}
	}()
	t.Cleanup(func() { _ = pc.Close(); <-done })
	return s
}

// queried reports whether name was asked for.
func (s *nxdomainServer) queried(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range s.seen {
		if q == name {
			return true
		}
	}
	return false
}

// nxdomain builds the NXDOMAIN answer to a query with one question.
func nxdomain(q []byte) (resp []byte, name string, ok bool) {
	if len(q) < 12 || q[2]&0x80 != 0 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return nil, "", false
	}
	var labels []string
	i := 12
	for i < len(q) && q[i] != 0 {
		l := int(q[i])
		if l&0xc0 != 0 || i+1+l > len(q) {
			return nil, "", false
		}
		labels = append(labels, string(q[i+1:i+1+l]))
		i += 1 + l
	}
	end := i + 1 + 4 // root label, type, class
	if end > len(q) {
		return nil, "", false
	}
	resp = append([]byte(nil), q[:end]...)
	resp[2] = 0x80 | q[2]&0x79 // QR, the query's opcode and RD
	resp[3] = 0x80 | 3         // RA, RCODE 3: NXDOMAIN
	binary.BigEndian.PutUint16(resp[6:], 0)
	binary.BigEndian.PutUint16(resp[8:], 0)
	binary.BigEndian.PutUint16(resp[10:], 0)
	return resp, strings.ToLower(strings.Join(labels, ".")), true
}

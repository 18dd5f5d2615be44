package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// syslogSender sends paced HAProxy messages to the exporter's UDP listener,
// one RFC 3164 datagram per line, the way HAProxy's `log` directive does.
type syslogSender struct {
	src        *source
	conn       *net.UDPConn
	sendErrors uint64
	buf        []byte
	seq        uint64
}

func newSyslogSender(src *source, addr string) (*syslogSender, error) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("syslog address: %w", err)
	}
	conn, err := net.DialUDP("udp", nil, ua)
	if err != nil {
		return nil, fmt.Errorf("syslog: %w", err)
	}
	return &syslogSender{src: src, conn: conn}, nil
}

// run sends until the pacer's duration is over or ctx is done. A datagram
// whose send fails is not counted as sent.
func (s *syslogSender) run(ctx context.Context, p *pacer, tick time.Duration) {
	defer s.conn.Close()
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			s.send(p.due(now), now)
			if p.finished(now) {
				return
			}
		}
	}
}

func (s *syslogSender) send(n int, now time.Time) {
	header := now.AppendFormat([]byte("<134>"), "Jan _2 15:04:05")
	header = append(header, " haproxy[4242]: "...)
	v := lineVars{time: now.AppendFormat(nil, "02/Jan/2006:15:04:05.000")}
	for range n {
		i := s.src.order[s.seq%uint64(len(s.src.order))]
		v.n = s.seq
		s.seq++
		s.buf = render(append(s.buf[:0], header...), s.src.templates[i].text, &v)
		if _, err := s.conn.Write(s.buf); err != nil {
			s.sendErrors++
			continue
		}
		s.src.counts[i]++
	}
}

// udpDrops returns the kernel's drop counter of the UDP socket bound to
// 127.0.0.1:port (the last column of /proc/net/udp), and whether it found
// that socket.
func udpDrops(procNetUDP string, port int) (uint64, bool, error) {
	f, err := os.Open(procNetUDP)
	if err != nil {
		return 0, false, fmt.Errorf("udp drops: %w", err)
	}
	defer f.Close()
	want := fmt.Sprintf("0100007F:%04X", port)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 13 || fields[1] != want {
			continue
		}
		drops, err := strconv.ParseUint(fields[len(fields)-1], 10, 64)
		if err != nil {
			return 0, false, fmt.Errorf("udp drops: %q: %w", sc.Text(), err)
		}
		return drops, true, nil
	}
	return 0, false, sc.Err()
}

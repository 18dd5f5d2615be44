package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// logStats says what writeLogs wrote.
type logStats struct {
	bytes, errorLines, accessLines, inWindow int64
}

// writeLogs writes error.log and access.log into dir, about size bytes in
// all (40% error, 60% access), dated evenly from `from` to `to`. Error
// lines are nginx's for a refused or a timed-out upstream; access lines
// carry $upstream_addr and $upstream_response_time for every upstream.
func writeLogs(dir string, u *upstreams, size int64, from, to time.Time) (logStats, error) {
	var st logStats
	all := u.all()
	window := to.Add(-15 * time.Minute)
	write := func(name string, budget int64, line func(b []byte, i int64, t time.Time) []byte) (int64, error) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return 0, err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		var buf []byte
		var written, n int64
		// Date each line by its offset: the lines spread evenly over
		// [from, to], the last one at to.
		span := float64(to.Sub(from))
		for ; written < budget; n++ {
			t := from.Add(time.Duration(span * float64(written) / float64(budget)))
			if !t.Before(window) {
				st.inWindow++
			}
			buf = line(buf[:0], n, t)
			w.Write(buf)
			written += int64(len(buf))
		}
		st.bytes += written
		if err := w.Flush(); err != nil {
			f.Close()
			return 0, err
		}
		return n, f.Close()
	}
	var err error
	st.errorLines, err = write("error.log", size*4/10, func(b []byte, i int64, t time.Time) []byte {
		b = t.AppendFormat(b, "2006/01/02 15:04:05")
		b = append(b, " [error] 4242#4242: *"...)
		b = strconv.AppendInt(b, i+1, 10)
		var up string
		if i%2 == 0 {
			up = u.refused[i/2%int64(len(u.refused))]
			b = append(b, " connect() failed (111: Connection refused) while connecting to upstream"...)
		} else {
			up = u.silent[i/2%int64(len(u.silent))]
			b = append(b, " upstream timed out (110: Connection timed out) while reading response header from upstream"...)
		}
		b = append(b, `, client: 10.0.0.7, server: app.example, request: "GET /api/orders?page=2 HTTP/1.1", upstream: "http://`...)
		b = append(b, up...)
		return append(b, "/api/orders?page=2\", host: \"app.example\"\n"...)
	})
	if err != nil {
		return st, err
	}
	st.accessLines, err = write("access.log", size*6/10, func(b []byte, i int64, t time.Time) []byte {
		up := all[i%int64(len(all))]
		status, rt := "200", "0.012"
		switch {
		case i%int64(len(all)) < int64(len(u.refused)):
			status, rt = "502", "0.000"
		case i%int64(len(all)) < int64(len(u.refused)+len(u.silent)):
			status, rt = "504", "60.001"
		}
		b = append(b, "10.0.0.7 - - ["...)
		b = t.AppendFormat(b, "02/Jan/2006:15:04:05 -0700")
		b = append(b, `] "GET /api/orders?page=2 HTTP/1.1" `...)
		b = append(b, status...)
		b = append(b, ` 512 "-" "Mozilla/5.0 (X11; Linux x86_64) diagperf" `...)
		b = append(b, up...)
		b = append(b, ' ')
		b = append(b, rt...)
		return append(b, '\n')
	})
	return st, err
}

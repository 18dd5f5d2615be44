package pipeline

import (
	"compress/gzip"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// kubeletNode is a temp dir laid out as the kubelet lays out a node's
// container logs: /var/log/pods/NS_POD_UID/CONTAINER/N.log, linked from
// /var/log/containers/POD_NS_CONTAINER-ID.log.
type kubeletNode struct {
	t                   *testing.T
	pods, containers    string
	access, errs, parts int // what was written: access lines, error lines, split lines
	clock               int // nanoseconds past the first timestamp
}

// ts is the next timestamp, as a runtime writes them: RFC 3339 with
// nanoseconds, one apart. (Identical timestamps would make the heads and
// tails of two files byte-identical, which the tailer's identity by
// fingerprints cannot tell apart; real lines never are.)
func (n *kubeletNode) ts() string {
	n.clock += 1_000_003
	return fmt.Sprintf("2026-11-20T03:14:%02d.%09dZ ", 22+n.clock/1e9, n.clock%1e9)
}

func (n *kubeletNode) podLog(restart int) string {
	return filepath.Join(n.pods, "ingress-nginx_ingress-nginx-controller-7d9c8f6b5-x2k4q_5b8e2f4a", "controller", fmt.Sprintf("%d.log", restart))
}

// start creates a container's log file and its /var/log/containers link.
func (n *kubeletNode) start(restart int, id string) string {
	file := n.podLog(restart)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		n.t.Fatal(err)
	}
	if err := os.WriteFile(file, nil, 0o640); err != nil {
		n.t.Fatal(err)
	}
	link := filepath.Join(n.containers, "ingress-nginx-controller-7d9c8f6b5-x2k4q_ingress-nginx_controller-"+id+".log")
	if err := os.Symlink(file, link); err != nil {
		n.t.Fatal(err)
	}
	return link
}

// write appends k access lines (one of them split in three parts) and k
// error lines to file, as containerd writes them, ending with the first
// part of a split line when open is set (its rest goes to the next file).
func (n *kubeletNode) write(file string, k int, open bool) {
	var b strings.Builder
	for i := range k {
		line := strings.Replace(ingressAccess, "4f2c6e0d", fmt.Sprintf("%08x", n.access), 1)
		if i == 0 {
			fmt.Fprintf(&b, "%sstdout P %s\n%sstdout P %s\n%sstdout F %s\n", n.ts(), line[:30], n.ts(), line[30:70], n.ts(), line[70:])
			n.parts++
		} else {
			b.WriteString(n.ts() + "stdout F " + line + "\n")
		}
		b.WriteString(n.ts() + "stderr F " + refusedLine + "\n")
		n.access++
		n.errs++
	}
	if open {
		b.WriteString(n.ts() + "stdout P " + ingressAccess[:50] + "\n")
	}
	appendTo(n.t, file, b.String())
}

// gzipAway compresses a rotated file as the kubelet does: NAME.tmp, then
// renamed to NAME.gz, then NAME removed.
func (n *kubeletNode) gzipAway(file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		n.t.Fatal(err)
	}
	out, err := os.Create(file + ".tmp")
	if err != nil {
		n.t.Fatal(err)
	}
	zw := gzip.NewWriter(out)
	if _, err := zw.Write(data); err != nil {
		n.t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		n.t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		n.t.Fatal(err)
	}
	if err := os.Rename(file+".tmp", file+".gz"); err != nil {
		n.t.Fatal(err)
	}
	if err := os.Remove(file); err != nil {
		n.t.Fatal(err)
	}
}

// waitExact polls a counter (bounded) until it reaches want, and fails if
// it passes it.
func waitExact(t *testing.T, name string, c prometheus.Collector, want float64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := testutil.ToFloat64(c)
		if got > want {
			t.Fatalf("%s = %v, more than the %v written", name, got, want)
		}
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %v, want %v", name, got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The kubelet rotates a container log by renaming 0.log to
// 0.log.YYYYMMDD-hhmmss, the runtime reopens 0.log, and the rotation before
// is gzipped (kubernetes pkg/kubelet/logs/container_log_manager.go); a
// restarted container writes 1.log behind a new /var/log/containers link.
// Following the links by a glob, every line written is counted once, a
// line split across a rotation included.
func TestContainerLogKubeletRotation(t *testing.T) {
	root := t.TempDir()
	n := &kubeletNode{t: t, pods: filepath.Join(root, "pods"), containers: filepath.Join(root, "containers")}
	if err := os.MkdirAll(n.containers, 0o755); err != nil {
		t.Fatal(err)
	}
	link := n.start(0, "0123456789abcdef")
	c := New(prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	defer c.Close()
	if err := c.Apply(parse(t, fmt.Sprintf("logs:\n  - path: %s/*.log\n    format: container\n    wrapper: cri\n    from_beginning: true\n", n.containers))); err != nil {
		t.Fatal(err)
	}
	requests := c.m.Requests.WithLabelValues("nginx", "shop-web-80", "10.244.1.7:8080", "502")
	refused := c.m.UpstreamErrors.WithLabelValues("nginx", "connection_refused", "10.0.2.14:8080", "shop")
	check := func(step string) {
		t.Helper()
		waitExact(t, step+": requests", requests, float64(n.access))
		waitExact(t, step+": upstream errors", refused, float64(n.errs))
	}

	n.write(n.podLog(0), 50, false)
	check("before rotation")
	// Rotation: rename, the runtime still writes to the renamed file (an
	// open split line), then reopens 0.log, which gets the rest.
	rotated1 := n.podLog(0) + ".20261120-031422"
	if err := os.Rename(n.podLog(0), rotated1); err != nil {
		t.Fatal(err)
	}
	n.write(rotated1, 20, true)
	if err := os.WriteFile(n.podLog(0), []byte(n.ts()+"stdout F "+ingressAccess[50:]+"\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	n.access++ // the split line, completed in the new file
	n.write(n.podLog(0), 30, false)
	check("after the first rotation")
	// Second rotation; the first rotated file is compressed away.
	rotated2 := n.podLog(0) + ".20261120-031522"
	if err := os.Rename(n.podLog(0), rotated2); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(n.podLog(0), nil, 0o640); err != nil {
		t.Fatal(err)
	}
	n.gzipAway(rotated1)
	n.write(n.podLog(0), 40, false)
	check("after the second rotation")
	// The container restarts: 1.log behind a new link; the old link goes.
	link2 := n.start(1, "fedcba9876543210")
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	n.write(n.podLog(1), 25, false)
	check("after the restart")
	waitAllRead(t, c, link2)

	lines := float64(n.access + n.errs)
	checkCounts(t, []countCheck{
		{"classified lines of the first container", c.m.LogLines.WithLabelValues(link, "classified"), lines - 2*25},
		{"classified lines of the restarted container", c.m.LogLines.WithLabelValues(link2, "classified"), 2 * 25},
		{"unrecognized", c.m.LogLines.WithLabelValues(link, "unrecognized"), 0},
		{"rotations", c.m.LogRotations.WithLabelValues(link), 2},
	})
	if n.parts == 0 {
		t.Fatal("no split lines written")
	}
}

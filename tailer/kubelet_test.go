package tailer

import (
	"os"
	"path/filepath"
	"testing"
)

// The kubelet's layout: the runtime writes pods/NS_POD_UID/CONTAINER/N.log,
// a glob follows the links containers/POD_NS_CONTAINER-ID.log. Rotation
// (kubernetes pkg/kubelet/logs/container_log_manager.go): 0.log is renamed
// to 0.log.YYYYMMDD-hhmmss, the runtime writes on to the renamed file
// until the kubelet has it reopen 0.log; the rotation before is then
// gzipped (NAME.tmp renamed to NAME.gz, NAME removed). A restarted
// container writes 1.log behind a new link, and the old link goes. Every
// line is read once, in order.
func TestKubeletRotationThroughLinks(t *testing.T) {
	fx := newFixture(t)
	pod := filepath.Join("pods", "ingress-nginx_controller-7d9c8f6b5-x2k4q_5b8e2f4a", "controller")
	for _, d := range []string{pod, "containers"} {
		if err := os.MkdirAll(fx.path(d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	link := func(restart, id string) string {
		name := filepath.Join("containers", "controller-7d9c8f6b5-x2k4q_ingress-nginx_controller-"+id+".log")
		if err := os.Symlink(fx.path(filepath.Join(pod, restart+".log")), fx.path(name)); err != nil {
			t.Fatal(err)
		}
		return fx.path(name)
	}
	runtime := fx.writer(filepath.Join(pod, "0.log"))
	first := link("0", "0123abcd")
	g, recs := fx.followGlobs(Options{FromBeginning: true}, "containers/*.log")
	write(t, runtime, "line-1\n")
	g.scan()
	fx.poll(g)
	expect(t, recs[first], "<opened>", "line-1", "<idle>")

	// Rotation: renamed, written on, reopened.
	fx.rename(filepath.Join(pod, "0.log"), filepath.Join(pod, "0.log.20261120-031422"))
	write(t, runtime, "line-2\n")
	reopened := fx.writer(filepath.Join(pod, "0.log"))
	write(t, reopened, "line-3\n")
	g.scan()
	fx.poll(g)
	expect(t, recs[first], "line-2", "<rotated>", "line-3", "<idle>")

	// The next rotation, and the one before it gzipped away.
	fx.advance(DefaultRotateWait)
	fx.poll(g)
	fx.rename(filepath.Join(pod, "0.log"), filepath.Join(pod, "0.log.20261120-031522"))
	write(t, reopened, "line-4\n")
	again := fx.writer(filepath.Join(pod, "0.log"))
	write(t, again, "line-5\n")
	gz := filepath.Join(pod, "0.log.20261120-031422")
	fx.append(gz+".tmp", "\x1f\x8b compressed\n")
	fx.rename(gz+".tmp", gz+".gz")
	fx.remove(gz)
	g.scan()
	fx.poll(g)
	expect(t, recs[first], "line-4", "<rotated>", "line-5", "<idle>")

	// The container restarts: 1.log behind a new link, the old link goes.
	fx.advance(DefaultRotateWait)
	fx.poll(g)
	restarted := fx.writer(filepath.Join(pod, "1.log"))
	second := link("1", "4567cdef")
	fx.remove(filepath.Join("containers", filepath.Base(first)))
	write(t, restarted, "line-6\n")
	g.scan()
	fx.poll(g)
	expect(t, recs[second], "<opened>", "line-6", "<idle>")
	fx.advance(DefaultRotateWait)
	fx.poll(g)
	g.scan()
	expect(t, recs[first], "<deleted>")
	if got := g.paths(); len(got) != 1 || got[0] != second {
		t.Errorf("following %v, want only %s", got, second)
	}
}

package packaging

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/badgateway/badgateway_exporter/internal/loopback"
)

const refusedLine = `2026/11/20 03:14:22 [error] 31#31: *1021 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, server: shop.example.com, request: "GET /cart HTTP/1.1", upstream: "http://10.0.2.14:8080/cart", host: "shop.example.com"` + "\n"

// TestImageBuildsWithoutPullsAndServesAsNonRoot builds packaging/Dockerfile
// from the release on a real engine (no registry: the base is scratch), runs
// it on the host network with an nginx log directory mounted read-only,
// scrapes it, checks its process runs as a non-root user and removes the
// container and the image.
func TestImageBuildsWithoutPullsAndServesAsNonRoot(t *testing.T) {
	docker := requireTool(t, "docker", "docker.io")
	dir := release(t)
	env := dockerEnv(t, docker)
	name := fmt.Sprintf("badgateway-exporter-test-%d", os.Getpid())
	image := "badgateway_exporter:" + name

	t.Cleanup(func() {
		_, _ = runErr(env, docker, "rm", "--force", name)
		_, _ = runErr(env, docker, "rmi", "--force", image)
		if out, _ := runErr(env, docker, "ps", "--all", "--quiet", "--filter", "name="+name); strings.TrimSpace(out) != "" {
			t.Errorf("container %s left behind", name)
		}
		if _, err := runErr(env, docker, "image", "inspect", image); err == nil {
			t.Errorf("image %s left behind", image)
		}
	})
	run(t, env, docker, "build", "--pull=false", "--file=Dockerfile", "--build-arg=ARCH="+runtime.GOARCH, "--tag="+image, dir)
	if user := strings.TrimSpace(run(t, env, docker, "image", "inspect", "--format={{.Config.User}} {{json .Config.ExposedPorts}}", image)); user != `65534:65534 {"9502/tcp":{}}` {
		t.Errorf("image user and ports: %s", user)
	}

	logs := t.TempDir()
	if err := os.Chmod(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	errorLog := filepath.Join(logs, "error.log")
	if err := os.WriteFile(errorLog, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	addr := loopback.FreeTCPAddr(t)
	run(t, env, docker, "run", "--detach", "--name="+name, "--network=host",
		"--volume="+logs+":/var/log/nginx:ro", image,
		"--config.file=/etc/badgateway_exporter/config.yml", "--web.listen-address="+addr)
	if body, ok := waitMetrics("http://"+addr+"/-/ready", 30*time.Second); !ok {
		out, _ := runErr(env, docker, "logs", name)
		t.Fatalf("container not ready: %s\n%s", body, out)
	}
	f, err := os.OpenFile(errorLog, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(refusedLine)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	body, ok := waitMetrics("http://"+addr+"/metrics", 30*time.Second,
		`badgateway_upstream_errors_total{cause="connection_refused",proxy="nginx",server="shop.example.com",upstream="10.0.2.14:8080"} 1`,
		`badgateway_exporter_build_info{branch="`+testBranch+`"`)
	if !ok {
		out, _ := runErr(env, docker, "logs", name)
		t.Fatalf("the container did not count the appended line; last scrape:\n%s\ncontainer logs:\n%s", body, out)
	}
	if out, _ := runErr(env, docker, "logs", name); strings.Contains(out, "Positions file unusable") {
		t.Errorf("the image has no writable positions directory:\n%s", out)
	}

	pid := strings.TrimSpace(run(t, env, docker, "inspect", "--format={{.State.Pid}}", name))
	status := mustRead(t, "/proc/"+pid+"/status")
	if !strings.Contains(status, "\nUid:\t65534\t65534\t65534\t65534\n") {
		t.Errorf("the container's process does not run as uid 65534:\n%s", status)
	}

	run(t, env, docker, "stop", "--time=10", name)
	run(t, env, docker, "rm", name)
	run(t, env, docker, "rmi", image)
}

package deploy_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/badgateway/badgateway_exporter/internal/nginxtest"
)

// composePath is docker-compose.yml, from this package's directory.
const composePath = "../docker-compose.yml"

type composeDoc struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image   string   `yaml:"image"`
	Build   any      `yaml:"build"`   // a context path, or {context, dockerfile}
	Command []string `yaml:"command"` // a list: no shell word splitting to guess
	Ports   []string `yaml:"ports"`
	Volumes []string `yaml:"volumes"`
}

func readCompose(tb testing.TB) composeDoc {
	tb.Helper()
	var doc composeDoc
	if err := yaml.Unmarshal([]byte(readFile(tb, composePath)), &doc); err != nil {
		tb.Fatalf("%s: %v", composePath, err)
	}
	return doc
}

func service(tb testing.TB, name string) composeService {
	tb.Helper()
	s, ok := readCompose(tb).Services[name]
	if !ok {
		tb.Fatalf("%s has no service %q", composePath, name)
	}
	return s
}

// TestComposeConfig validates docker-compose.yml with `docker-compose config
// -q` (Debian package docker-compose; it needs no Docker engine).
func TestComposeConfig(t *testing.T) {
	bin, err := exec.LookPath("docker-compose")
	if err != nil {
		const msg = "docker-compose not found: apt-get install docker-compose"
		if nginxtest.E2ERequired() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--file", "docker-compose.yml", "config", "--quiet")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "COMPOSE_FILE=", "COMPOSE_PROJECT_NAME=", "COMPOSE_PATH_SEPARATOR=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker-compose config -q: %v\n%s", err, out)
	}
}

// TestComposeFiles checks what `docker-compose config` does not: the
// services of the demo are there, every bind-mounted file and Dockerfile
// exists, images are pinned, ports are published on loopback only, and the
// Dockerfiles build a static binary for a non-root user in a second stage.
func TestComposeFiles(t *testing.T) {
	doc := readCompose(t)
	for _, name := range []string{"flaky", "exporter", "nginx", "haproxy", "prometheus", "alertmanager", "grafana", "loadgen"} {
		if _, ok := doc.Services[name]; !ok {
			t.Errorf("no service %q", name)
		}
	}
	var dockerfiles []string
	for name, s := range doc.Services {
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if strings.HasPrefix(src, ".") {
				if _, err := os.Stat(filepath.Join("..", src)); err != nil {
					t.Errorf("%s: volume %s: %v", name, v, err)
				}
			} else if _, ok := doc.Volumes[src]; !ok {
				t.Errorf("%s: volume %s: no top-level volume %q", name, v, src)
			}
		}
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("%s: port %s is not published on 127.0.0.1 only", name, p)
			}
		}
		switch b := s.Build.(type) {
		case nil:
			if tag := s.Image[strings.LastIndex(s.Image, ":")+1:]; !strings.Contains(s.Image, ":") || tag == "latest" {
				t.Errorf("%s: image %q has no pinned tag", name, s.Image)
			}
		case string:
			dockerfiles = append(dockerfiles, filepath.Join("..", b, "Dockerfile"))
		case map[string]any:
			ctx, _ := b["context"].(string)
			df, _ := b["dockerfile"].(string)
			if df == "" {
				df = "Dockerfile"
			}
			dockerfiles = append(dockerfiles, filepath.Join("..", ctx, df))
		}
	}
	slices.Sort(dockerfiles)
	if want := []string{"../Dockerfile", "../cmd/flaky-upstream/Dockerfile"}; !slices.Equal(dockerfiles, want) {
		t.Errorf("services build %v, want %v", dockerfiles, want)
	}
	for _, df := range dockerfiles {
		checkDockerfile(t, df)
	}
}

var (
	fromRE = regexp.MustCompile(`(?m)^FROM\s+(\S+)`)
	userRE = regexp.MustCompile(`(?m)^USER\s+(\S+)`)
)

func checkDockerfile(t *testing.T, path string) {
	text := readFile(t, path)
	froms := fromRE.FindAllStringSubmatch(text, -1)
	if len(froms) < 2 {
		t.Errorf("%s: not a multi-stage build", path)
		return
	}
	final := text[strings.LastIndex(text, "\nFROM "):]
	if base := froms[len(froms)-1][1]; base != "scratch" && !strings.HasPrefix(base, "gcr.io/distroless/static") {
		t.Errorf("%s: final stage FROM %s, want scratch or distroless/static", path, base)
	}
	if u := userRE.FindStringSubmatch(final); u == nil || strings.HasPrefix(u[1], "0") || strings.HasPrefix(u[1], "root") {
		t.Errorf("%s: final stage has no non-root USER", path)
	}
	if !strings.Contains(text, "CGO_ENABLED=0") {
		t.Errorf("%s: not a static build (CGO_ENABLED=0)", path)
	}
}

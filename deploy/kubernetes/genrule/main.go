// Command genrule writes deploy/kubernetes/prometheusrule.yaml from the
// project's Prometheus rule files. Run it from the repository root:
//
//	go run ./deploy/kubernetes/genrule
//
// deploy/kubernetes's test fails when the committed file differs from what
// this writes.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/badgateway/badgateway_exporter/deploy/kubernetes"
)

func main() { os.Exit(run()) }

func run() int {
	files := map[string][]byte{}
	for _, name := range kubernetes.RuleFiles {
		b, err := os.ReadFile(filepath.FromSlash(name))
		if err != nil {
			fmt.Fprintln(os.Stderr, "genrule:", err)
			return 1
		}
		files[name] = b
	}
	out, err := kubernetes.PrometheusRule(files)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genrule:", err)
		return 1
	}
	dst := filepath.Join("deploy", "kubernetes", "prometheusrule.yaml")
	if err := os.WriteFile(dst, out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genrule:", err)
		return 1
	}
	return 0
}

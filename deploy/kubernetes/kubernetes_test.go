package kubernetes

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/badgateway/badgateway_exporter/config"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// objects is the kustomization built by kustomize's own library and every
// object decoded strictly into its real API type.
type objects struct {
	daemonSet      *appsv1.DaemonSet
	service        *corev1.Service
	serviceAccount *corev1.ServiceAccount
	configMap      *corev1.ConfigMap
	serviceMonitor *monitoringv1.ServiceMonitor
	rule           *monitoringv1.PrometheusRule
}

func build(t *testing.T, dir string) objects {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	rm, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	var o objects
	for _, r := range rm.Resources() {
		b, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		var dst any
		switch r.GetKind() {
		case "DaemonSet":
			o.daemonSet = new(appsv1.DaemonSet)
			dst = o.daemonSet
		case "Service":
			o.service = new(corev1.Service)
			dst = o.service
		case "ServiceAccount":
			o.serviceAccount = new(corev1.ServiceAccount)
			dst = o.serviceAccount
		case "ConfigMap":
			o.configMap = new(corev1.ConfigMap)
			dst = o.configMap
		case "ServiceMonitor":
			o.serviceMonitor = new(monitoringv1.ServiceMonitor)
			dst = o.serviceMonitor
		case "PrometheusRule":
			o.rule = new(monitoringv1.PrometheusRule)
			dst = o.rule
		default:
			t.Fatalf("unexpected object kind %s", r.GetKind())
		}
		if err := decodeStrict(b, dst); err != nil {
			t.Fatalf("%s %s does not decode strictly into its API type: %v", r.GetKind(), r.GetName(), err)
		}
	}
	if o.daemonSet == nil || o.service == nil || o.serviceAccount == nil || o.configMap == nil || o.serviceMonitor == nil || o.rule == nil {
		t.Fatalf("missing objects: %+v", o)
	}
	return o
}

// TestKustomizationStrict builds the base and checks the objects fit
// together: what a reviewer would check by hand.
func TestKustomizationStrict(t *testing.T) {
	o := build(t, ".")
	ds := o.daemonSet
	pod := ds.Spec.Template.Spec
	if ds.Namespace != "monitoring" {
		t.Errorf("namespace %q", ds.Namespace)
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("containers: %d", len(pod.Containers))
	}
	c := pod.Containers[0]
	version, err := os.ReadFile("../../VERSION")
	if err != nil {
		t.Fatal(err)
	}
	if want := "badgateway/badgateway_exporter:" + strings.TrimSpace(string(version)); c.Image != want {
		t.Errorf("image %q, want %q (kustomization.yaml images: must follow VERSION)", c.Image, want)
	}
	sc := pod.SecurityContext
	if sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser == 0 {
		t.Errorf("the exporter must run as non-root: %+v", sc)
	}
	if c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem ||
		c.SecurityContext.AllowPrivilegeEscalation == nil || *c.SecurityContext.AllowPrivilegeEscalation {
		t.Errorf("container security context: %+v", c.SecurityContext)
	}
	for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Requests[res]; !ok {
			t.Errorf("no %s request", res)
		}
	}
	if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
		t.Error("no memory limit")
	}
	if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet == nil || c.LivenessProbe.HTTPGet.Path != "/-/healthy" {
		t.Errorf("liveness probe %+v", c.LivenessProbe)
	}
	if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil || c.ReadinessProbe.HTTPGet.Path != "/-/ready" {
		t.Errorf("readiness probe %+v", c.ReadinessProbe)
	}
	checkVolumes(t, pod, c)
	checkSelection(t, o)
	if pod.ServiceAccountName != o.serviceAccount.Name {
		t.Errorf("service account %q, object %q", pod.ServiceAccountName, o.serviceAccount.Name)
	}
	var cfg *corev1.ConfigMapVolumeSource
	for _, v := range pod.Volumes {
		if v.ConfigMap != nil {
			cfg = v.ConfigMap
		}
	}
	if cfg == nil || cfg.Name != o.configMap.Name {
		t.Errorf("config volume %+v does not name the generated ConfigMap %q", cfg, o.configMap.Name)
	}
}

// checkVolumes: the host's logs are mounted read-only, only the positions
// directory is writable, and every mount names a volume.
func checkVolumes(t *testing.T, pod corev1.PodSpec, c corev1.Container) {
	t.Helper()
	vols := map[string]corev1.Volume{}
	for _, v := range pod.Volumes {
		vols[v.Name] = v
	}
	need := map[string]bool{"/var/log/containers": false, "/var/log/pods": false}
	for _, m := range c.VolumeMounts {
		v, ok := vols[m.Name]
		if !ok {
			t.Errorf("mount %s names no volume", m.Name)
			continue
		}
		if v.HostPath == nil {
			continue
		}
		if _, logs := need[v.HostPath.Path]; logs {
			need[v.HostPath.Path] = true
			if !m.ReadOnly {
				t.Errorf("host path %s must be mounted read-only", v.HostPath.Path)
			}
		} else if m.MountPath != "/var/lib/badgateway_exporter" {
			t.Errorf("writable host path %s at %s: only the positions directory may be", v.HostPath.Path, m.MountPath)
		}
	}
	for p, ok := range need {
		if !ok {
			t.Errorf("host path %s not mounted", p)
		}
	}
}

// checkSelection: the DaemonSet selects its own pods, the Service selects
// them and names their port, the ServiceMonitor selects the Service.
func checkSelection(t *testing.T, o objects) {
	t.Helper()
	podLabels := o.daemonSet.Spec.Template.Labels
	for k, v := range o.daemonSet.Spec.Selector.MatchLabels {
		if podLabels[k] != v {
			t.Errorf("DaemonSet selector %s=%s does not match its pods %v", k, v, podLabels)
		}
	}
	if len(o.service.Spec.Selector) == 0 {
		t.Error("the Service selects nothing")
	}
	for k, v := range o.service.Spec.Selector {
		if podLabels[k] != v {
			t.Errorf("Service selector %s=%s does not match the pods %v", k, v, podLabels)
		}
	}
	ports := map[string]bool{}
	for _, p := range o.daemonSet.Spec.Template.Spec.Containers[0].Ports {
		ports[p.Name] = true
	}
	svcPorts := map[string]bool{}
	for _, p := range o.service.Spec.Ports {
		svcPorts[p.Name] = true
		if !ports[p.TargetPort.String()] {
			t.Errorf("Service port %s targets %s, not a container port", p.Name, p.TargetPort.String())
		}
	}
	for k, v := range o.serviceMonitor.Spec.Selector.MatchLabels {
		if o.service.Labels[k] != v {
			t.Errorf("ServiceMonitor selector %s=%s does not match the Service's labels %v", k, v, o.service.Labels)
		}
	}
	for _, e := range o.serviceMonitor.Spec.Endpoints {
		if !svcPorts[e.Port] {
			t.Errorf("ServiceMonitor endpoint port %q is not a Service port", e.Port)
		}
	}
}

// TestPrometheusRuleInSync fails when prometheusrule.yaml is not what
// genrule writes from the rule files, or when it differs from them in
// meaning.
func TestPrometheusRuleInSync(t *testing.T) {
	files := map[string][]byte{}
	for _, name := range RuleFiles {
		b, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	want, err := PrometheusRule(files)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("prometheusrule.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("deploy/kubernetes/prometheusrule.yaml is stale: run `go run ./deploy/kubernetes/genrule` from the repository root")
	}
	o := build(t, ".")
	var groups []monitoringv1.RuleGroup
	for _, name := range RuleFiles {
		var spec monitoringv1.PrometheusRuleSpec
		if err := decodeStrict(files[name], &spec); err != nil {
			t.Fatal(err)
		}
		groups = append(groups, spec.Groups...)
	}
	if !reflect.DeepEqual(o.rule.Spec.Groups, groups) {
		t.Fatal("the built PrometheusRule's groups differ from the rule files")
	}
}

// TestStrictDecodingCatchesTypos proves the decoding above can fail: a
// misspelt field in a copy of the base is an error, as it would be in CI.
func TestStrictDecodingCatchesTypos(t *testing.T) {
	for _, tc := range []struct{ file, from, to string }{
		{"daemonset.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true"},
		{"daemonset.yaml", "allowPrivilegeEscalation: false\n            readOnly", "allowPrivilegeEscalation: false\n            readOnlyFilesystem: true\n            readOnly"},
		{"servicemonitor.yaml", "targetLabel: instance", "targetlabel: instance"},
		{"service.yaml", "targetPort: metrics", "targetport: metrics"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			dir := t.TempDir()
			entries, err := os.ReadDir(".")
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if e.IsDir() || !(strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
					continue
				}
				b, err := os.ReadFile(e.Name())
				if err != nil {
					t.Fatal(err)
				}
				if e.Name() == tc.file {
					if !bytes.Contains(b, []byte(tc.from)) {
						t.Fatalf("%s has no %q", tc.file, tc.from)
					}
					b = bytes.Replace(b, []byte(tc.from), []byte(tc.to), 1)
				}
				if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err = strictBuild(dir)
			if err == nil || !strings.Contains(err.Error(), "unknown field") {
				t.Fatalf("typo %q in %s: got %v, want an unknown field error", tc.to, tc.file, err)
			}
		})
	}
}

// strictBuild is build returning the first error instead of failing.
func strictBuild(dir string) error {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	rm, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return err
	}
	types := map[string]func() any{
		"DaemonSet": func() any { return new(appsv1.DaemonSet) }, "Service": func() any { return new(corev1.Service) },
		"ServiceAccount": func() any { return new(corev1.ServiceAccount) }, "ConfigMap": func() any { return new(corev1.ConfigMap) },
		"ServiceMonitor": func() any { return new(monitoringv1.ServiceMonitor) }, "PrometheusRule": func() any { return new(monitoringv1.PrometheusRule) },
	}
	for _, r := range rm.Resources() {
		b, err := r.AsYAML()
		if err != nil {
			return err
		}
		newObj, ok := types[r.GetKind()]
		if !ok {
			return fmt.Errorf("unknown kind %s", r.GetKind())
		}
		if err := decodeStrict(b, newObj()); err != nil {
			return fmt.Errorf("%s %s: %w", r.GetKind(), r.GetName(), err)
		}
	}
	return nil
}

// TestConfigMapLoads: the exporter's config in the generated ConfigMap is
// accepted by the exporter's own strict config loader and reads the
// kubelet's container logs.
func TestConfigMapLoads(t *testing.T) {
	o := build(t, ".")
	text, ok := o.configMap.Data["config.yml"]
	if !ok {
		t.Fatalf("ConfigMap %s has no config.yml: %v", o.configMap.Name, o.configMap.Data)
	}
	cfg, err := config.Parse([]byte(text), "deploy/kubernetes/config.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Logs) == 0 {
		t.Fatal("no logs configured")
	}
	for _, l := range cfg.Logs {
		if !strings.HasPrefix(l.Path, "/var/log/containers/") && !strings.HasPrefix(l.Path, "/var/log/pods/") {
			t.Errorf("log %s is not under the mounted host paths", l.Path)
		}
		if l.Format != config.FormatContainer || l.Wrapper != config.WrapperCRI {
			t.Errorf("log %s: format %s wrapper %s, want container/cri", l.Path, l.Format, l.Wrapper)
		}
	}
}

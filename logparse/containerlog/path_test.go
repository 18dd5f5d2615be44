package containerlog

import "testing"

func TestKubeletOrigin(t *testing.T) {
	cases := map[string]Origin{
		// The layout of the kubelet's files (kubernetes
		// pkg/kubelet/kuberuntime/helpers.go, BuildContainerLogsDirectory;
		// kuberuntime_container.go, the /var/log/containers symlink name).
		"/var/log/containers/ingress-nginx-controller-7d9c8f6b5-x2k4q_ingress-nginx_controller-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.log": {
			Namespace: "ingress-nginx", Pod: "ingress-nginx-controller-7d9c8f6b5-x2k4q", Container: "controller"},
		"/var/log/pods/ingress-nginx_ingress-nginx-controller-7d9c8f6b5-x2k4q_5b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a5b/controller/0.log": {
			Namespace: "ingress-nginx", Pod: "ingress-nginx-controller-7d9c8f6b5-x2k4q", Container: "controller"},
		"/host/var/log/pods/kube-system_coredns-5d78c9869d-abcde_uid/coredns/12.log": {
			Namespace: "kube-system", Pod: "coredns-5d78c9869d-abcde", Container: "coredns"},
	}
	for file, want := range cases {
		if got, ok := KubeletOrigin(file); !ok || got != want {
			t.Errorf("%s: %+v %v, want %+v", file, got, ok, want)
		}
	}
	for _, file := range []string{
		"/var/log/nginx/error.log",
		"/var/log/containers/no-underscores.log",
		"/var/log/containers/a_b_c_d-1.log",
		"/var/log/containers/pod_ns_nodash.log",
		"/var/log/containers/pod_ns_c-1.log.20240301-101502",
		"/var/log/pods/ns_pod_uid/controller/0.log.20240301-101502.gz",
		"/var/log/pods/ns_pod_uid/controller/zero.log",
		"/var/log/pods/ns_pod/controller/0.log",
		"/var/lib/docker/containers/0123/0123-json.log",
		"",
	} {
		if got, ok := KubeletOrigin(file); ok {
			t.Errorf("%s: %+v, want not a kubelet file", file, got)
		}
	}
}

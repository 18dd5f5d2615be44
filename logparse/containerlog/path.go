package containerlog

import (
	"path"
	"strings"
)

// Origin is the pod and container whose output a kubelet log file holds.
type Origin struct {
	Namespace, Pod, Container string
}

// KubeletOrigin reads the pod's namespace, the pod and the container from
// the name of a file the kubelet keeps (pkg/kubelet/kuberuntime,
// BuildContainerLogsDirectory and the /var/log/containers symlinks):
//
//	/var/log/containers/POD_NAMESPACE_CONTAINER-CONTAINERID.log
//	/var/log/pods/NAMESPACE_POD_UID/CONTAINER/RESTARTCOUNT.log
//
// Names, namespaces and containers are DNS labels or subdomains, so '_'
// separates them unambiguously. ok is false for any other name (the files
// of a plain Docker host, a log outside these directories).
func KubeletOrigin(file string) (o Origin, ok bool) {
	file = path.Clean(file)
	dir, base := path.Split(file)
	dir = strings.TrimSuffix(dir, "/")
	name, isLog := strings.CutSuffix(base, ".log")
	if !isLog || name == "" {
		return Origin{}, false
	}
	if path.Base(dir) == "containers" {
		parts := strings.Split(name, "_")
		if len(parts) != 3 {
			return Origin{}, false
		}
		dash := strings.LastIndexByte(parts[2], '-')
		if dash <= 0 || parts[0] == "" || parts[1] == "" {
			return Origin{}, false
		}
		return Origin{Namespace: parts[1], Pod: parts[0], Container: parts[2][:dash]}, true
	}
	podDir, container := path.Split(dir)
	podDir = strings.TrimSuffix(podDir, "/")
	if path.Base(path.Dir(podDir)) != "pods" || container == "" || strings.Trim(name, "0123456789") != "" {
		return Origin{}, false
	}
	parts := strings.Split(path.Base(podDir), "_")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return Origin{}, false
	}
	return Origin{Namespace: parts[0], Pod: parts[1], Container: container}, true
}

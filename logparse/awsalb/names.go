package awsalb

import "strings"

// LoadBalancerName returns the load balancer's name from the elb field of
// a line: NAME from app/NAME/ID (ALB), the field itself for a Classic
// Load Balancer.
func LoadBalancerName(elb []byte) []byte {
	if len(elb) > 4 && string(elb[:4]) == "app/" {
		name := elb[4:]
		for i, c := range name {
			if c == '/' {
				return name[:i]
			}
		}
		return name
	}
	return elb
}

// NameFromFileName returns the load balancer name in the name of an
// access-log file (or S3 object key) as AWS writes it:
//
//	ACCOUNT_elasticloadbalancing_REGION_app.NAME.ID_END_IP_RANDOM.log.gz (ALB)
//	ACCOUNT_elasticloadbalancing_REGION_NAME_END_IP_RANDOM.log (Classic)
//
// Directories before the base name are ignored. ok is false for a name
// that does not follow the pattern.
func NameFromFileName(path string) (name string, ok bool) {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	parts := strings.Split(path, "_")
	if len(parts) < 7 || parts[1] != "elasticloadbalancing" {
		return "", false
	}
	id := parts[3]
	if strings.HasPrefix(id, "app.") {
		id = id[len("app."):]
		if j := strings.LastIndexByte(id, '.'); j > 0 {
			id = id[:j]
		}
	}
	return id, id != ""
}

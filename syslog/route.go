package syslog

// DefaultRoutes returns the tag routes used when none are configured:
// HAProxy's default tag "haproxy" to the "haproxy" parser, nginx's tag
// (set with `error_log syslog:server=...,tag=nginx`) to "nginx_error".
// "nginx" is also nginx's default tag, for access_log syslog: too; give
// access logs another tag (e.g. tag=nginx_access) to keep them apart.
func DefaultRoutes() map[string]string {
	return map[string]string{
		"haproxy": "haproxy",
		"nginx":   "nginx_error",
	}
}

// RouteTag returns routes[tag], or def when tag has no route. It does not
// allocate.
func RouteTag(tag []byte, routes map[string]string, def string) string {
	if r, ok := routes[string(tag)]; ok {
		return r
	}
	return def
}

package syslog

// RouteTag returns routes[tag], or def when tag has no route. It does not
// allocate.
func RouteTag(tag []byte, routes map[string]string, def string) string {
	if r, ok := routes[string(tag)]; ok {
		return r
	}
	return def
}

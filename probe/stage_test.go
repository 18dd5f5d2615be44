package probe

// String names a stage in test failures; the exporter never prints one.
func (s stage) String() string {
	return [...]string{"resolving", "connecting", "TLS handshaking", "sending the request", "reading the response header", "reading the response body"}[s]
}

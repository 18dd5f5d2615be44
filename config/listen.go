package config

import "github.com/badgateway/badgateway_exporter/internal/listenurl"

// listenNetwork checks a syslog listen URL (udp://HOST:PORT, tcp://HOST:PORT,
// unixgram:///PATH, also udp4, udp6, tcp4, tcp6) with the code package
// syslog binds it with, and returns its network.
func listenNetwork(s string) (string, error) {
	network, _, err := listenurl.Parse(s)
	return network, err
}

// Package config describes the exporter's configuration and checks its
// shape: it reads the YAML file into plain structs and refuses anything
// malformed, naming the file, the line and the dotted field
// (`badgateway.yml:5: logs[0].format: unknown format "x"`). It reads no
// other file and compiles nothing: what a field points at (an nginx.conf
// for log_format_from, an access-log format, a socket) is read, compiled or
// opened once, by whoever uses it (package collector), and errors found
// there are still located with LogConfig.FieldError.
//
// Decoding is strict: an unknown key, a key given twice, a value of the
// wrong type or out of range is an error. It is done by a small walker
// (strict.go) that descends from Config to every config struct, while
// yaml.v3 decodes everything that holds no config struct. yaml.v3 (v3.0.1)
// cannot do it alone:
//   - Decoder.KnownFields reports "line N: field x not found in type
//     config.LogConfig": no dotted path, no list of the known fields;
//   - only node-style UnmarshalYAML(*yaml.Node) sees the line a validation
//     error must name, and node.Decode, all it can call, always decodes
//     leniently (KnownFields is not passed on); func-style
//     UnmarshalYAML(func(any) error) stays strict but never sees a node;
//   - no UnmarshalYAML is called for a null node, and a null item of a list
//     of structs is dropped, so `logs: [~]` would be an empty list rather
//     than "logs[0].path: missing";
//   - no unmarshaler learns its path (logs[1]), so every error would have
//     to be traced back through the node tree anyway.
package config

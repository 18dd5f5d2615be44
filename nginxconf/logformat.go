package nginxconf

import "strings"

// LogFormat is one access-log format declared with log_format.
type LogFormat struct {
	Escape string // default, json or none
	Format string // the string parts concatenated, as nginx does
	File   string // where it is declared; "" for the built-in combined
	Line   int
}

// CombinedFormat is nginx's predefined "combined" format
// (ngx_http_log_module.c).
const CombinedFormat = `$remote_addr - $remote_user [$time_local] ` +
	`"$request" $status $body_bytes_sent ` +
	`"$http_referer" "$http_user_agent"`

// LogFormats returns the HTTP access-log formats by name: every log_format
// directly inside an http block, plus the built-in "combined". Stream
// log_format directives (inside stream blocks) are a separate namespace in
// nginx and are not included. A later declaration of a name wins, though
// nginx itself rejects duplicates.
func LogFormats(cfg *Config) map[string]LogFormat {
	out := map[string]LogFormat{
		"combined": {Escape: "default", Format: CombinedFormat},
	}
	for _, http := range Find(cfg.Directives, "http") {
		for _, d := range Find(http.Block, "log_format") {
			if len(d.Args) < 1 {
				continue
			}
			lf := LogFormat{Escape: "default", File: d.File, Line: d.Line}
			parts := d.Args[1:]
			if len(parts) > 0 {
				if esc, ok := strings.CutPrefix(parts[0], "escape="); ok {
					lf.Escape = esc
					parts = parts[1:]
				}
			}
			lf.Format = strings.Join(parts, "")
			out[d.Args[0]] = lf
		}
	}
	return out
}

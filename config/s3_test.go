package config

import (
	"testing"
	"time"
)

func TestS3LogEntry(t *testing.T) {
	c, err := Parse([]byte("logs:\n  - format: haproxy\n    s3:\n      bucket: lb-logs\n      prefix: AWSLogs/1/elasticloadbalancing/eu-west-1/\n      endpoint: http://127.0.0.1:9000\n      force_path_style: true\n"), "s3.yml")
	if err != nil {
		t.Fatal(err)
	}
	s := c.Logs[0].S3
	if s.Bucket != "lb-logs" || !s.ForcePathStyle || s.PollInterval != DefaultS3PollInterval || s.MaxConcurrency != DefaultS3MaxConcurrency {
		t.Errorf("s3 = %+v", s)
	}
	if got, want := c.Logs[0].Source(), "s3://lb-logs/AWSLogs/1/elasticloadbalancing/eu-west-1/"; got != want {
		t.Errorf("Source() = %q, want %q", got, want)
	}
	c2, _ := Parse([]byte("logs:\n  - format: haproxy\n    s3: {bucket: lb-logs, prefix: AWSLogs/1/elasticloadbalancing/eu-west-1/, endpoint: 'http://127.0.0.1:9000', force_path_style: true, poll_interval: 1m}\n"), "s3.yml")
	if c2 == nil || !c.Logs[0].SameSettings(c2.Logs[0]) {
		t.Error("the same s3 entry written another way has different settings")
	}
	c2.Logs[0].S3.PollInterval = time.Second
	if c.Logs[0].SameSettings(c2.Logs[0]) {
		t.Error("a changed poll_interval leaves the settings the same")
	}
}

func TestInvalidS3LogEntries(t *testing.T) {
	for name, tc := range map[string]struct{ yaml, want string }{
		"both path and s3":  {"logs:\n  - path: /var/log/x.log\n    s3: {bucket: b}\n", "bad.yml:3: logs[0].s3: path and s3 are mutually exclusive: give one per entry"},
		"no bucket":         {"logs:\n  - s3:\n      prefix: p/\n", "bad.yml:3: logs[0].s3.bucket: missing: give the bucket's name"},
		"empty s3":          {"logs:\n  - s3: {}\n", "bad.yml:2: logs[0].s3.bucket: missing: give the bucket's name"},
		"unknown field":     {"logs:\n  - s3:\n      bucket: b\n      regin: x\n", "bad.yml:4: logs[0].s3.regin: unknown field (known: bucket, prefix, region, poll_interval, endpoint, force_path_style, max_concurrency)"},
		"poll too fast":     {"logs:\n  - s3:\n      bucket: b\n      poll_interval: 1ms\n", "bad.yml:4: logs[0].s3.poll_interval: must be at least 100ms, got 1ms"},
		"concurrency 0":     {"logs:\n  - s3:\n      bucket: b\n      max_concurrency: 0\n", "bad.yml:4: logs[0].s3.max_concurrency: must be between 1 and 64, got 0"},
		"bad endpoint":      {"logs:\n  - s3:\n      bucket: b\n      endpoint: 127.0.0.1:9000\n", `bad.yml:4: logs[0].s3.endpoint: "127.0.0.1:9000" is not an http:// or https:// URL`},
		"bucket with slash": {"logs:\n  - s3:\n      bucket: b/AWSLogs\n", `bad.yml:3: logs[0].s3.bucket: "b/AWSLogs" is not a bucket name (give the key prefix in prefix)`},
		"force not bool":    {"logs:\n  - s3:\n      bucket: b\n      force_path_style: maybe\n", "bad.yml:4: logs[0].s3.force_path_style: cannot unmarshal !!str `maybe` into bool"},
		"same source twice": {"logs:\n  - s3: {bucket: b, prefix: p/}\n  - s3: {bucket: b, prefix: p/}\n", `bad.yml:2: logs: logs[0] and logs[1] both follow "s3://b/p/"`},
		"access field":      {"logs:\n  - s3: {bucket: b}\n    server: x\n", "bad.yml:3: logs[0].server: only for formats nginx_access and apache_access"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), "bad.yml")
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n got  %s\n want %s", err, tc.want)
			}
		})
	}
}

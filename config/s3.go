package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Defaults of a log entry's s3 block.
const (
	DefaultS3PollInterval   = time.Minute
	DefaultS3MaxConcurrency = 4
)

// Bounds of the s3 block's settings.
const (
	MinS3PollInterval   = 100 * time.Millisecond
	MaxS3MaxConcurrency = 64
)

// S3Config reads a log's lines from the objects of an S3 bucket (AWS load
// balancers deliver their access logs there) instead of a file: new objects
// under Prefix, in key order. The zero value means the entry reads a path.
type S3Config struct {
	Bucket string `yaml:"bucket"`
	Prefix string `yaml:"prefix"` // e.g. AWSLogs/123456789012/elasticloadbalancing/eu-west-1/
	// Region of the bucket; empty: the SDK's (AWS_REGION, ~/.aws/config).
	Region       string        `yaml:"region"`
	PollInterval time.Duration `yaml:"poll_interval"` // how often new objects are listed
	// Endpoint is the URL of an S3-compatible server (MinIO, Ceph …);
	// empty: AWS.
	Endpoint       string `yaml:"endpoint"`
	ForcePathStyle bool   `yaml:"force_path_style"` // bucket in the path, not the host name
	MaxConcurrency int    `yaml:"max_concurrency"`  // objects downloaded at once
}

// SetDefaults fills the defaults of an s3 block.
func (s *S3Config) SetDefaults() {
	s.PollInterval = DefaultS3PollInterval
	s.MaxConcurrency = DefaultS3MaxConcurrency
}

// Given reports whether the entry has an s3 block.
func (s S3Config) Given() bool { return s != (S3Config{}) }

// Source names the objects read, as the log's `path` label and its key in
// the positions file: s3://BUCKET/PREFIX.
func (s S3Config) Source() string { return "s3://" + s.Bucket + "/" + s.Prefix }

func (s *S3Config) validate() (string, error) {
	switch {
	case s.Bucket == "":
		return "bucket", errors.New("missing: give the bucket's name")
	case strings.ContainsAny(s.Bucket, "/ "):
		return "bucket", fmt.Errorf("%q is not a bucket name (give the key prefix in prefix)", s.Bucket)
	case s.PollInterval < MinS3PollInterval:
		return "poll_interval", fmt.Errorf("must be at least %v, got %v", MinS3PollInterval, s.PollInterval)
	case s.MaxConcurrency < 1 || s.MaxConcurrency > MaxS3MaxConcurrency:
		return "max_concurrency", fmt.Errorf("must be between 1 and %d, got %d", MaxS3MaxConcurrency, s.MaxConcurrency)
	}
	if s.Endpoint != "" {
		u, err := url.Parse(s.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "endpoint", fmt.Errorf("%q is not an http:// or https:// URL", s.Endpoint)
		}
	}
	return "", nil
}

package pipeline

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/badgateway/badgateway_exporter/internal/s3test"
)

// ALB access logs read straight from S3 (package s3source feeds the
// object's lines to the aws_alb counter): the same counts as from a
// directory, the load balancer's name taken from each line's elb field.
func TestAWSALBFromS3(t *testing.T) {
	srv := s3test.Start(t, s3Bucket)
	put := func(hhmm string, rounds int) {
		var lines []string
		for range rounds {
			for _, m := range albMix {
				lines = append(lines, m.line)
			}
		}
		key := fmt.Sprintf("%s2024/05/01/123456789012_elasticloadbalancing_eu-west-1_app.shop-alb.50dc6c495c0c9188_20240501T%sZ_10.0.1.7_2et2e1mx.log.gz", s3Prefix, hhmm)
		srv.Put(t, s3Bucket, key, s3test.Gzip(t, lines...))
	}
	put("1000", 20)
	reg := prometheus.NewRegistry()
	c := New(reg, slog.New(slog.DiscardHandler))
	defer c.Close()
	c.s3HTTPClient = s3test.LoopbackOnly(t)
	cfg := fmt.Sprintf("logs:\n  - format: aws_alb\n    from_beginning: true\n    s3:\n      bucket: %s\n      prefix: %s\n      endpoint: %s\n      force_path_style: true\n      poll_interval: 100ms\n",
		s3Bucket, s3Prefix, srv.URL)
	if err := c.Apply(parse(t, cfg)); err != nil {
		t.Fatal(err)
	}
	waitCounted(t, reg, float64(20*len(albMix)))
	put("1005", 10)
	waitCounted(t, reg, float64(30*len(albMix)))
	checkALBCounts(t, reg, 30)
	if got := sumSeries(t, reg, "badgateway_log_lines_total", map[string]string{"path": s3Source}); got != float64(30*len(albMix)) {
		t.Errorf("lines under path %s: %v", s3Source, got)
	}
}

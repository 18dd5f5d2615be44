package config

import (
	"strings"
	"testing"
)

func TestAWSFormats(t *testing.T) {
	c, err := Parse([]byte("logs:\n  - path: /var/log/alb/*.log.gz\n    format: aws_alb\n  - path: /var/log/elb/*.log\n    format: aws_elb\n    from_beginning: true\n"), "aws.yml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Logs[0].Format != FormatAWSALB || c.Logs[1].Format != FormatAWSELB || !c.Logs[0].Format.IsArchive() || FormatNginxError.IsArchive() {
		t.Errorf("logs = %+v", c.Logs)
	}
}

func TestInvalidAWSConfigs(t *testing.T) {
	for name, tc := range map[string]struct{ yaml, want string }{
		"path not .gz or .log": {"logs:\n  - path: /var/log/alb/*\n    format: aws_alb\n",
			`aws.yml:2: logs[0].path: format aws_alb reads access-log files as AWS writes them: the path must end in .log.gz (ALB) or .log (Classic)`},
		"nginx_access field": {"logs:\n  - path: /var/log/alb/*.log.gz\n    format: aws_elb\n    server: shop\n",
			`aws.yml:4: logs[0].server: only for formats nginx_access and apache_access`},
		"unknown format": {"logs:\n  - path: /var/log/alb/*.log.gz\n    format: aws_nlb\n", `unknown format "aws_nlb"`},
		"syslog route":   {"syslog:\n  - listen: udp://127.0.0.1:5514\n    routes: {alb: aws_alb}\n", `format aws_alb cannot be read from syslog`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), "aws.yml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

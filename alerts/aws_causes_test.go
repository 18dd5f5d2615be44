package alerts_test

import (
	"fmt"
	"regexp"
	"sort"
	"testing"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse/awsalb"
)

// producedAWSCauses returns the causes logparse/awsalb gives, per proxy,
// for a grid of load-balancer-generated responses: every 5xx status, with
// and without a target, every combination of the three processing times
// (-1: the phase never completed) and, for the ALB, every Lambda
// error_reason code that docs/causes.md section 2c lists.
func producedAWSCauses(t *testing.T, lambdaCodes []string) (alb, elb []string) {
	t.Helper()
	const albLine = `http 2024-05-01T10:00:00.000000Z app/shop-alb/50dc6c495c0c9188 192.0.2.10:40000 %s %s %s %s %s - 34 366 "GET http://shop.example:80/ HTTP/1.1" "curl/8.5.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/shop-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2024-05-01T09:59:59.000000Z "forward" "-" "%s" "%s" "-" "-" "-" TID_1234`
	const elbLine = `2024-05-01T10:00:00.000000Z my-loadbalancer 192.0.2.10:40000 %s %s %s %s %s - 0 57 "GET http://shop.example:80/ HTTP/1.1" "curl/8.5.0" - -`
	times := []string{"-1", "0.001"}
	reasons := append([]string{"-"}, lambdaCodes...)
	albSet, elbSet := map[string]bool{}, map[string]bool{}
	var rec awsalb.Record
	for _, status := range []string{"500", "502", "503", "504"} {
		for _, target := range []string{"10.0.0.2:80", "-"} {
			for _, r := range times {
				for _, tt := range times {
					for _, s := range times {
						line := fmt.Sprintf(elbLine, target, r, tt, s, status)
						if err := awsalb.ParseELB([]byte(line), &rec); err != nil {
							t.Fatalf("%q: %v", line, err)
						}
						elbSet[rec.Cause.String()] = true
						for _, reason := range reasons {
							line := fmt.Sprintf(albLine, target, r, tt, s, status, reason, target)
							if err := awsalb.Parse([]byte(line), &rec); err != nil {
								t.Fatalf("%q: %v", line, err)
							}
							albSet[rec.Cause.String()] = true
						}
					}
				}
			}
		}
	}
	keys := func(m map[string]bool) []string {
		var out []string
		for k := range m {
			if k != cause.None.String() {
				out = append(out, k)
			}
		}
		sort.Strings(out)
		return out
	}
	return keys(albSet), keys(elbSet)
}

// lambdaReasonCodes returns the Lambda error_reason codes that
// docs/causes.md section 2c maps.
func lambdaReasonCodes(section string) []string {
	var out []string
	for _, m := range regexp.MustCompile("`(Lambda[A-Za-z]+)`").FindAllStringSubmatch(section, -1) {
		if !contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// TestAWSCausesDocumented: every cause the AWS parser gives is in
// docs/causes.md section 2c (the list the fix hints are checked against),
// Lambda's causes only for the ALB, and the grid reaches them all.
func TestAWSCausesDocumented(t *testing.T) {
	shared, lambda := awsCauses(t)
	alb, elb := producedAWSCauses(t, lambdaReasonCodes(awsSection(t)))
	for _, c := range alb {
		if !contains(shared, c) && !contains(lambda, c) {
			t.Errorf("aws_alb: logparse/awsalb gives cause %s, which docs/causes.md section 2c does not list", c)
		}
	}
	for _, c := range elb {
		if !contains(shared, c) {
			t.Errorf("aws_elb: logparse/awsalb gives cause %s, which the status table of docs/causes.md section 2c does not list", c)
		}
	}
	for _, c := range union(shared, lambda) {
		if !contains(alb, c) {
			t.Errorf("docs/causes.md section 2c lists %s, which no ALB line of the grid gives", c)
		}
	}
	for _, c := range shared {
		if !contains(elb, c) {
			t.Errorf("docs/causes.md section 2c lists %s, which no Classic line of the grid gives", c)
		}
	}
}

package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// awsRealLines are the cited real lines of package awsalb's testdata, ALB
// and Classic.
func awsRealLines(t *testing.T) (alb, elb []string) {
	t.Helper()
	data, err := os.ReadFile("../../logparse/awsalb/testdata/real.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case l[0] >= '0' && l[0] <= '9':
			elb = append(elb, l)
		default:
			alb = append(alb, l)
		}
	}
	return alb, elb
}

func gzipFile(t *testing.T, name string, lines []string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(strings.Join(lines, "\n") + "\n"))
	zw.Close()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestClassifyAWSGzipFiles(t *testing.T) {
	alb, elb := awsRealLines(t)
	albFile := gzipFile(t, "123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.50dc6c495c0c9188_20180702T2225Z_172.160.001.192_20sg8hgm.log.gz", alb)
	for _, proxy := range []string{"aws_alb", "auto"} {
		out, stderr, code := classifyRun(t, "", "--proxy="+proxy, "--output=jsonl", albFile)
		if code != 0 {
			t.Fatalf("--proxy=%s: exit %d: %s", proxy, code, stderr)
		}
		byCause := map[string]int{}
		n := 0
		sc := bufio.NewScanner(strings.NewReader(out))
		for sc.Scan() {
			var r lineResult
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatal(err)
			}
			if r.Proxy != "aws_alb" || r.Result == "unrecognized" {
				t.Errorf("--proxy=%s: line %d: proxy %s result %s", proxy, r.Line, r.Proxy, r.Result)
			}
			byCause[r.Cause]++
			n++
		}
		if n != len(alb) || byCause["invalid_header"] != 2 || byCause["premature_close"] != 1 || byCause["connection_refused"] != 1 || byCause["read_timeout"] != 1 {
			t.Errorf("--proxy=%s: %d lines, causes %v", proxy, n, byCause)
		}
	}
	out, _, code := classifyRun(t, "", "--proxy=auto", "--output=jsonl", gzipFile(t, "elb.log.gz", elb))
	if code != 0 || strings.Count(out, `"proxy":"aws_elb"`) != len(elb) {
		t.Errorf("Classic lines: exit %d\n%s", code, out)
	}
}

func TestClassifyCorruptGzip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.log.gz")
	os.WriteFile(path, []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1, 2, 3}, 0o644)
	_, stderr, code := classifyRun(t, "", "--proxy=aws_alb", path)
	if code != 1 || !strings.Contains(stderr, "bad.log.gz") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

package nginxconf

import (
	"path/filepath"
	"testing"
)

func TestLogFormats(t *testing.T) {
	cfg, err := Load("testdata/site/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	lf := LogFormats(cfg)
	want := map[string]LogFormat{
		"combined": {Escape: "default", Format: CombinedFormat},
		"main": {Escape: "default", File: filepath.Join("testdata/site/nginx.conf"), Line: 9,
			Format: `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" upstream=$upstream_addr us=$upstream_status`},
		"js": {Escape: "json", File: "testdata/site/nginx.conf", Line: 12, Format: `{"addr":"$remote_addr","up":"$upstream_addr"}`},
	}
	if len(lf) != len(want) {
		t.Errorf("formats = %v", lf)
	}
	for name, w := range want {
		if lf[name] != w {
			t.Errorf("%s = %+v\nwant %+v", name, lf[name], w)
		}
	}
}

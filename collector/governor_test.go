package collector

import (
	"fmt"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestGovernorFoldsPastLimit(t *testing.T) {
	m := NewMetrics(prometheus.NewRegistry())
	g := NewGovernor(3, m.LabelValuesFolded)
	for i := 0; i < 3; i++ {
		v := fmt.Sprintf("10.0.0.%d:80", i)
		if got, folded := g.Admit("upstream", []byte(v)); got != v || folded != 0 {
			t.Fatalf("Admit(%q) = %q, %v", v, got, folded)
		}
	}
	if got, folded := g.Admit("upstream", []byte("10.0.0.9:80")); got != OtherValue || folded != Folded {
		t.Errorf("fourth value = %q, %v; want %q, true", got, folded, OtherValue)
	}
	if got, _ := g.Admit("upstream", []byte("10.0.0.1:80")); got != "10.0.0.1:80" {
		t.Errorf("admitted value refused after the limit: %q", got)
	}
	if got, _ := g.Admit("server", []byte("example.com")); got != "example.com" {
		t.Errorf("limit shared across labels: %q", got)
	}
	g.SetLimit(1)
	if got, _ := g.Admit("upstream", []byte("10.0.0.2:80")); got != "10.0.0.2:80" {
		t.Errorf("lowering the limit dropped an admitted value: %q", got)
	}
	g.Folded("upstream").Inc()
	if v := testutil.ToFloat64(m.LabelValuesFolded.WithLabelValues("upstream")); v != 1 {
		t.Errorf("folded counter = %v", v)
	}
}

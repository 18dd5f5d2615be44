package probe

import (
	"context"
)

// ProbeTCP connects to the target and closes the connection: it passes
// when the connection is established. It sends nothing, so it suits any
// protocol (FastCGI, uwsgi, gRPC, plain TCP streams).
func ProbeTCP(ctx context.Context, t Target, r *Result) {
	tr := &tracker{}
	defer tr.fill(r)
	defer tr.finish()
	ctx, _ = withTrace(ctx, tr)
	c, err := connect(ctx, t, tr, false, TLSOptions{})
	if err != nil {
		r.fail(classify(err, tr.current()), err)
		return
	}
	c.Close()
	r.Success = true
}

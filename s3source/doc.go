// Package s3source reads a log from the objects of an S3 bucket, as AWS
// load balancers deliver their access logs: it lists new objects under a
// prefix (ListObjectsV2), downloads up to MaxConcurrency of them at once,
// gunzips objects ending .gz while streaming (never a whole object in
// memory; lines cut at MaxLineBytes), and hands their lines to one Handler
// in key order. After each object it saves its Position, so that a
// restart neither reads an object twice nor skips one; an object is
// recorded only when every object before it in the listing is done.
//
// AWS keys are …/YYYY/MM/DD/ACCOUNT_elasticloadbalancing_REGION_LB_ENDTIME_NODE_RANDOM.log.gz,
// so objects do not arrive in key order (several load balancers and nodes
// share a day folder); see Position for how the listing window handles
// that.
//
// Failures never stop the source. A listing that fails is tried again at
// the next poll. Opening or reading an object that fails (connection
// error, 5xx, no response within RequestTimeout, a body stalled for
// StallTimeout) is resumed at the byte reached (Range, If-Match), up to
// readAttempts times; then the object is tried again at the next poll
// (one left half read from the line reached: its Partial marker skips the
// lines already handed over), and skipped after objectAttempts polls. An object deleted between the listing and the download is
// skipped. A corrupt gzip stream is the object's own content: the lines
// inflated before the damage was found are handed over (gzip's checksum
// comes at the end, so some may be garbage, counted unrecognized by the
// parser), the rest of the object is skipped at once, without retries:
// reading it again gives the same bytes. Each is counted in
// badgateway_s3_errors_total by kind, and logged once.
package s3source

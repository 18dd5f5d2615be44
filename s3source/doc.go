// Package s3source reads a log from the objects of an S3 bucket: it lists
// the objects under a prefix in key order (AWS writes load-balancer access
// logs under AWSLogs/ACCOUNT/elasticloadbalancing/REGION/YYYY/MM/DD/, so
// within a prefix keys sort by day, then by time for one load balancer
// node), downloads up to MaxConcurrency of them at once, gunzips objects
// ending .gz while streaming, and hands their lines to one Handler in key
// order. It remembers the last key whose every line was handed over, and
// lists after it (ListObjectsV2 StartAfter); the caller saves that key
// after each object, so a restart neither reads an object twice nor skips
// one.
//
// Failures never stop the source. A listing that fails is tried again at
// the next poll. Reading an object that fails (network, 5xx, a stalled
// body) is resumed at the byte reached (Range, If-Match), up to
// readAttempts times; an object that could not be opened is tried again at
// the next poll, and skipped after objectAttempts polls. An object deleted
// between the listing and the download is skipped. A corrupt gzip stream
// is the object's own content: the lines before the damage are counted,
// the rest of the object is skipped at once (reading it again would give
// the same bytes and count those lines twice). Each is counted in
// badgateway_s3_errors_total by kind and logged once.
package s3source

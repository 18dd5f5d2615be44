// Package awsalb parses AWS load balancer access-log lines: Application Load
// Balancer entries (every documented field, old lines with fewer fields and
// new lines with fields added after these) and Classic Load Balancer entries
// (HTTP and TCP/SSL listeners). It tells a 5xx the load balancer generated
// from one a target returned and gives the generated ones a cause from the
// fields AWS documents for them (docs/causes.md, "AWS load balancers").
// It is pure: bytes in, records out, no I/O; a line that parses allocates
// nothing.
package awsalb

import "github.com/badgateway/badgateway_exporter/cause"

// Kind is the load balancer family that wrote a line.
type Kind uint8

// Kinds.
const (
	KindALB Kind = iota // Application Load Balancer
	KindELB             // Classic Load Balancer
)

// Field counts: the minimum a line must have, and the documented ones.
const (
	albMinFields = 12 // type … sent_bytes: every ALB line since launch
	albFields    = 33 // through request_transform_status
	elbMinFields = 11 // timestamp … sent_bytes
	elbFields    = 15 // through ssl_protocol
)

// maxAttempts bounds the targets of target:port_list kept per line; the
// rest are counted in Record.AttemptsDropped.
const maxAttempts = 8

// Attempt is one target that processed the request.
type Attempt struct {
	Upstream []byte  // ip:port
	Status   []byte  // its status code; the load balancer's 5xx when the target sent none
	Seconds  float64 // target_processing_time; negative when unknown
}

// ALB field positions (a Classic line has no type: its fields are
// numbered from fTime as well, one less than in the line).
const (
	fType = iota
	fTime
	fELB
	fClient
	fTarget
	fRequestTime
	fTargetTime
	fResponseTime
	fELBStatus
	fTargetStatus
	fReceivedBytes
	fSentBytes
	fRequest
	fUserAgent
	fSSLCipher
	fSSLProtocol
	fTargetGroupARN
	fTraceID
	fDomainName
	fChosenCertARN
	fMatchedRulePriority
	fRequestCreationTime
	fActionsExecuted
	fRedirectURL
	fErrorReason
	fTargetPortList
	fTargetStatusList
	fClassification
	fClassificationReason
	fConnTraceID
	fTransformedHost
	fTransformedURI
	fRequestTransformStatus
)

// Record is one access-log entry. Byte slices point into the parsed line
// (quoted fields without their quotes, escapes kept) and are valid until the
// next Parse into the same Record. A field the line does not have (an older
// line) is empty, not "-".
type Record struct {
	Kind   Kind
	Fields int // fields the line had (old lines have fewer, new ones more)

	f   [albFields][]byte // by ALB field position
	top int               // f[top:] are not set by this line

	// Processing times in seconds; -1 when the phase never completed.
	RequestSeconds, TargetSeconds, ResponseSeconds float64

	// Derived.
	Generated bool        // a 5xx the load balancer made up (target_status_code "-")
	Cause     cause.Cause // why, when the log shows a target failure; cause.None otherwise
	Upstream  []byte      // target ip:port; else the target group name (Lambda, no target)

	Attempts        [maxAttempts]Attempt
	NAttempts       int
	AttemptsDropped int
}

func (r *Record) field(i int) []byte {
	if i < r.top {
		return r.f[i]
	}
	return nil
}

// Field accessors, named as in AWS's documentation.
func (r *Record) Type() []byte                   { return r.field(fType) }
func (r *Record) Time() []byte                   { return r.field(fTime) }
func (r *Record) LoadBalancer() []byte           { return r.field(fELB) }
func (r *Record) Client() []byte                 { return r.field(fClient) }
func (r *Record) Target() []byte                 { return r.field(fTarget) }
func (r *Record) ELBStatus() []byte              { return r.field(fELBStatus) }
func (r *Record) TargetStatus() []byte           { return r.field(fTargetStatus) }
func (r *Record) Request() []byte                { return r.field(fRequest) }
func (r *Record) UserAgent() []byte              { return r.field(fUserAgent) }
func (r *Record) SSLCipher() []byte              { return r.field(fSSLCipher) }
func (r *Record) SSLProtocol() []byte            { return r.field(fSSLProtocol) }
func (r *Record) TargetGroupARN() []byte         { return r.field(fTargetGroupARN) }
func (r *Record) TraceID() []byte                { return r.field(fTraceID) }
func (r *Record) DomainName() []byte             { return r.field(fDomainName) }
func (r *Record) ChosenCertARN() []byte          { return r.field(fChosenCertARN) }
func (r *Record) MatchedRulePriority() []byte    { return r.field(fMatchedRulePriority) }
func (r *Record) RequestCreationTime() []byte    { return r.field(fRequestCreationTime) }
func (r *Record) ActionsExecuted() []byte        { return r.field(fActionsExecuted) }
func (r *Record) RedirectURL() []byte            { return r.field(fRedirectURL) }
func (r *Record) ErrorReason() []byte            { return r.field(fErrorReason) }
func (r *Record) TargetPortList() []byte         { return r.field(fTargetPortList) }
func (r *Record) TargetStatusList() []byte       { return r.field(fTargetStatusList) }
func (r *Record) Classification() []byte         { return r.field(fClassification) }
func (r *Record) ClassificationReason() []byte   { return r.field(fClassificationReason) }
func (r *Record) ConnTraceID() []byte            { return r.field(fConnTraceID) }
func (r *Record) TransformedHost() []byte        { return r.field(fTransformedHost) }
func (r *Record) TransformedURI() []byte         { return r.field(fTransformedURI) }
func (r *Record) RequestTransformStatus() []byte { return r.field(fRequestTransformStatus) }

// TargetAttempts returns the targets that processed the request.
func (r *Record) TargetAttempts() []Attempt { return r.Attempts[:r.NAttempts] }

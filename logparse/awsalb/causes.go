package awsalb

import (
	"bytes"

	"github.com/badgateway/badgateway_exporter/cause"
)

// The rules below are documented, with their sources, in docs/causes.md
// ("AWS load balancers"). In short: only a 5xx the load balancer generated
// (target_status_code "-") can have a cause; error_reason decides for
// Lambda targets; otherwise the status and which processing times are -1
// (the phase never completed) decide.

// derive fills the fields computed from the parsed ones.
func (r *Record) derive() {
	r.Generated = isStatus(r.ELBStatus()) && r.ELBStatus()[0] == '5' && !isStatus(r.TargetStatus())
	if r.Generated {
		r.Cause = r.generatedCause()
	}
	r.Upstream = r.Target()
	if dash(r.Target()) {
		r.Upstream = targetGroupName(r.TargetGroupARN())
	}
	r.deriveAttempts()
}

// generatedCause classifies a 5xx the load balancer generated.
func (r *Record) generatedCause() cause.Cause {
	if len(r.ErrorReason()) > 0 && !dash(r.ErrorReason()) {
		if c, ok := lambdaCause(r.ErrorReason()); ok {
			return c
		}
	}
	connectPhase := r.RequestSeconds < 0 // the request never reached a target
	switch string(r.ELBStatus()) {
	case "502":
		switch {
		case connectPhase:
			return cause.ConnectionRefused
		case r.ResponseSeconds >= 0 && r.TargetSeconds >= 0:
			// Response headers arrived (response_processing_time was
			// measured) yet no target status was recorded: the response
			// was not a valid HTTP response.
			return cause.InvalidHeader
		default:
			return cause.PrematureClose
		}
	case "503":
		if dash(r.Target()) || len(r.Target()) == 0 {
			return cause.NoLiveUpstreams
		}
	case "504":
		if connectPhase {
			return cause.ConnectTimeout
		}
		return cause.ReadTimeout
	}
	return cause.None
}

// lambdaCause maps the Lambda error_reason codes; ok is false for codes
// that are not Lambda's (authentication, WAF) or not known.
func lambdaCause(reason []byte) (cause.Cause, bool) {
	if !bytes.HasPrefix(reason, []byte("Lambda")) {
		return cause.None, false
	}
	switch string(reason) {
	case "LambdaUnhandled":
		return cause.PrematureClose, true
	case "LambdaInvalidResponse", "LambdaResponseTooLarge":
		return cause.InvalidHeader, true
	case "LambdaConnectionTimeout":
		return cause.ConnectTimeout, true
	case "LambdaThrottling":
		return cause.BacklogFull, true
	case "LambdaAccessDenied", "LambdaKMSAccessDeniedException", "LambdaEC2AccessDeniedException":
		return cause.PermissionDenied, true
	case "LambdaServiceException", "LambdaUnhandledException":
		return cause.ProxyInternalError, true
	case "LambdaBadRequest", "LambdaRequestTooLarge": // the client's request: not a target failure
		return cause.None, true
	case "LambdaResourceNotFound", "LambdaEC2ThrottledException", "LambdaEC2UnexpectedException",
		"LambdaENILimitReachedException", "LambdaInvalidRuntimeException", "LambdaInvalidSecurityGroupIDException",
		"LambdaInvalidSubnetIDException", "LambdaInvalidZipFileException", "LambdaKMSDisabledException",
		"LambdaKMSInvalidStateException", "LambdaKMSNotFoundException", "LambdaSubnetIPAddressLimitReachedException":
		return cause.ConnectionRefused, true // the function could not be found or started: nothing answers
	}
	return cause.None, false
}

// deriveAttempts lists the targets that processed the request: the
// target:port_list with target_status_code_list when the line has them,
// else the target field.
func (r *Record) deriveAttempts() {
	failed := r.ELBStatus() // a target that sent no status: count the 5xx the load balancer made of it
	if !r.Generated {
		failed = nil
	}
	list := r.TargetPortList()
	if len(list) > 0 && string(list) == string(r.Target()) && !dash(list) { // the common case: one target, listed again
		st := r.TargetStatusList()
		if !isStatus(st) {
			st = r.TargetStatus()
		}
		if !isStatus(st) {
			st = failed
		}
		r.addAttempt(list, st)
	} else if len(list) > 0 && !dash(list) {
		targets, statuses := r.TargetPortList(), r.TargetStatusList()
		if dash(statuses) {
			statuses = nil
		}
		for len(targets) > 0 {
			var t, st []byte
			t, targets = cutSpace(targets)
			st, statuses = cutSpace(statuses)
			if len(t) == 0 {
				continue
			}
			if !isStatus(st) {
				st = failed
			}
			r.addAttempt(t, st)
		}
	} else if len(r.Target()) > 0 && !dash(r.Target()) {
		st := r.TargetStatus()
		if !isStatus(st) {
			st = failed
		}
		r.addAttempt(r.Target(), st)
	}
	if r.NAttempts == 1 {
		r.Attempts[0].Seconds = r.TargetSeconds
	}
}

func (r *Record) addAttempt(upstream, status []byte) {
	if r.NAttempts == maxAttempts {
		r.AttemptsDropped++
		return
	}
	r.Attempts[r.NAttempts] = Attempt{Upstream: upstream, Status: status, Seconds: -1}
	r.NAttempts++
}

// cutSpace splits b at its first space.
func cutSpace(b []byte) (head, rest []byte) {
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	if i := bytes.IndexByte(b, ' '); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

// targetGroupName returns NAME from arn:…:targetgroup/NAME/ID, or nil.
func targetGroupName(arn []byte) []byte {
	i := bytes.Index(arn, []byte(":targetgroup/"))
	if i < 0 {
		return nil
	}
	name := arn[i+len(":targetgroup/"):]
	if j := bytes.IndexByte(name, '/'); j >= 0 {
		name = name[:j]
	}
	return name
}

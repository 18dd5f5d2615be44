package awsalb

import "github.com/badgateway/badgateway_exporter/logparse"

type eventT = logparse.Event

const resultUnrecognized = logparse.ResultUnrecognized

//go:build !linux

package syslog

import (
	"errors"
	"syscall"
)

// dropCountOOBBytes is 0: SO_RXQ_OVFL is Linux's.
var dropCountOOBBytes = 0

func enableDropCount(syscall.Conn) error { return errors.ErrUnsupported }

func receiveBufferBytes(syscall.Conn) (int, error) { return 0, errors.ErrUnsupported }

func parseDropCount([]byte) (uint32, bool) { return 0, false }

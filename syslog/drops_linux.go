package syslog

import (
	"encoding/binary"
	"syscall"
	"unsafe"
)

// dropCountOOBBytes is the control-message space for SO_RXQ_OVFL.
var dropCountOOBBytes = syscall.CmsgSpace(4)

// enableDropCount asks the kernel to attach to each datagram read the
// socket's drop counter (SO_RXQ_OVFL): datagrams it discarded because the
// receive buffer was full, since the socket was created.
func enableDropCount(c syscall.Conn) error {
	rc, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RXQ_OVFL, 1)
	}); err != nil {
		return err
	}
	return serr
}

// receiveBufferBytes returns the receive buffer the kernel granted (Linux
// reports twice the size asked for, for its bookkeeping).
func receiveBufferBytes(c syscall.Conn) (int, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var serr error
	if err := rc.Control(func(fd uintptr) {
		n, serr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF)
	}); err != nil {
		return 0, err
	}
	return n / 2, serr
}

// cmsgLenBytes is the size of cmsghdr.cmsg_len: size_t.
const cmsgLenBytes = int(unsafe.Sizeof(syscall.Cmsghdr{}.Len))

// parseDropCount finds the SO_RXQ_OVFL control message in oob (what
// recvmsg returned) and returns its counter. The kernel sends it only once
// the counter is not zero; ok is false without it or on malformed input.
func parseDropCount(oob []byte) (count uint32, ok bool) {
	for len(oob) >= syscall.SizeofCmsghdr {
		var n uint64
		if cmsgLenBytes == 8 {
			n = binary.NativeEndian.Uint64(oob)
		} else {
			n = uint64(binary.NativeEndian.Uint32(oob))
		}
		if n < uint64(syscall.CmsgLen(0)) || n > uint64(len(oob)) {
			return 0, false
		}
		level := int32(binary.NativeEndian.Uint32(oob[cmsgLenBytes:]))
		typ := int32(binary.NativeEndian.Uint32(oob[cmsgLenBytes+4:]))
		data := oob[syscall.CmsgLen(0):n]
		if level == syscall.SOL_SOCKET && typ == syscall.SO_RXQ_OVFL && len(data) >= 4 {
			return binary.NativeEndian.Uint32(data), true
		}
		next := syscall.CmsgSpace(int(n) - syscall.CmsgLen(0))
		if next >= len(oob) {
			return 0, false
		}
		oob = oob[next:]
	}
	return 0, false
}

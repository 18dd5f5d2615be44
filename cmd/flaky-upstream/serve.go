package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/badgateway/badgateway_exporter/internal/backend"
)

// listener is one --listen.MODE=ADDR, opened.
type listener struct {
	mode backend.Mode
	name string
	ln   net.Listener
}

// serve opens every listener, then serves them until ctx is done or one
// fails. Nothing is served unless every listener could be opened.
func serve(ctx context.Context, o options, logger *slog.Logger) int {
	unixMode, err := strconv.ParseUint(o.unixMode, 8, 32)
	if err != nil || unixMode > 0o777 {
		logger.Error("bad --unix.mode: give octal permissions such as 0666", "value", o.unixMode)
		return 2
	}
	if o.delay <= 0 {
		logger.Error("bad --slow.delay: must be positive", "value", o.delay)
		return 2
	}
	var ls []listener
	closeAll := func() {
		for _, l := range ls {
			_ = l.ln.Close()
		}
	}
	for _, m := range modes {
		for _, addr := range *o.listens[m.name] {
			ln, err := listen(addr, os.FileMode(unixMode))
			if err != nil {
				closeAll()
				logger.Error("cannot listen", "mode", m.name, "address", addr, "err", err)
				return 1
			}
			ls = append(ls, listener{mode: m.mode, name: m.name, ln: ln})
		}
	}
	if len(ls) == 0 {
		logger.Error("nothing to serve: give at least one --listen.MODE=ADDR (see --help)")
		return 2
	}
	bo, err := backendOptions(o, logger)
	if err != nil {
		closeAll()
		logger.Error("cannot make the TLS certificate", "err", err)
		return 1
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed bool
	)
	for _, l := range ls {
		logger.Info("listening", "mode", l.name, "address", addrString(l.ln))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := backend.ServeWith(ctx, l.ln, l.mode, bo); err != nil {
				logger.Error("serving failed", "mode", l.name, "address", addrString(l.ln), "err", err)
				mu.Lock()
				failed = true
				mu.Unlock()
				cancel()
			}
		}()
	}
	<-ctx.Done()
	wg.Wait()
	if failed {
		return 1
	}
	logger.Info("stopped")
	return 0
}

// backendOptions turns the flags into backend.Options: one certificate for
// every tls listener, and the crash hook.
func backendOptions(o options, logger *slog.Logger) (backend.Options, error) {
	bo := backend.Options{Delay: o.delay}
	cert, err := backend.SelfSignedCert(o.tlsHosts...)
	if err != nil {
		return bo, err
	}
	bo.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	var once sync.Once
	bo.OnCrash = func() {
		if o.crashExit {
			once.Do(func() {
				logger.Error("crashed on a request; exiting as --crash.exit says", "status", crashExitCode)
				exit(crashExitCode)
			})
		}
	}
	return bo, nil
}

// listen opens host:port (TCP) or unix:/path. A unix socket file left
// behind by a crashed run is removed first; any other file there is an
// error. The socket gets mode perm.
func listen(addr string, perm os.FileMode) (net.Listener, error) {
	path, isUnix := strings.CutPrefix(addr, "unix:")
	if !isUnix {
		return net.Listen("tcp", addr)
	}
	if path == "" {
		return nil, errors.New("unix: needs a path")
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != fs.ModeSocket {
			return nil, fmt.Errorf("%s exists and is not a socket", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, perm); err != nil {
		_ = ln.Close()
		return nil, err
	}
	return ln, nil
}

// addrString is how a listener is logged: host:port, or unix:/path.
func addrString(ln net.Listener) string {
	if a, ok := ln.Addr().(*net.UnixAddr); ok {
		return "unix:" + a.Name
	}
	return ln.Addr().String()
}

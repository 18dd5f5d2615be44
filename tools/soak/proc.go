package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of utime and stime in /proc/PID/stat: USER_HZ, 100 on
// every Linux architecture Go supports.
const userHZ = 100

// procSample is the exporter's memory and CPU at one moment.
type procSample struct {
	label   string
	at      time.Time
	rssKiB  uint64 // VmRSS
	hwmKiB  uint64 // VmHWM: peak RSS so far
	cpuSecs float64
	err     error
}

func sampleProc(pid int, label string) procSample {
	s := procSample{label: label, at: time.Now()}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		s.err = fmt.Errorf("sample: %w", err)
		return s
	}
	s.rssKiB = statusKiB(string(status), "VmRSS:")
	s.hwmKiB = statusKiB(string(status), "VmHWM:")
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		s.err = fmt.Errorf("sample: %w", err)
		return s
	}
	s.cpuSecs, s.err = statCPUSeconds(string(stat))
	return s
}

// statusKiB reads a "Key:   1234 kB" line of /proc/PID/status.
func statusKiB(status, key string) uint64 {
	for line := range strings.Lines(status) {
		if rest, ok := strings.CutPrefix(line, key); ok {
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				n, _ := strconv.ParseUint(fields[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// statCPUSeconds returns utime+stime of /proc/PID/stat. The command name
// (field 2) may hold spaces and parentheses, so fields are counted from the
// last ')'.
func statCPUSeconds(stat string) (float64, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("sample: no ')' in /proc/PID/stat")
	}
	fields := strings.Fields(stat[i+1:]) // fields[0] is field 3 (state)
	if len(fields) < 13 {
		return 0, fmt.Errorf("sample: short /proc/PID/stat")
	}
	utime, err1 := strconv.ParseUint(fields[11], 10, 64) // field 14
	stime, err2 := strconv.ParseUint(fields[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("sample: bad utime/stime %q %q", fields[11], fields[12])
	}
	return float64(utime+stime) / userHZ, nil
}

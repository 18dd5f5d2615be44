package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestParseFlagsDefaults(t *testing.T) {
	o, err := parseFlags(nil, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if o.duration != 30*time.Minute || o.rate != 20000 || o.rotateEvery != time.Minute || o.copytruncateEvery != 5*time.Minute || o.rotateTarget != "alternate" {
		t.Errorf("defaults = %+v", o)
	}
}

func TestParseFlagsRejectsBadValues(t *testing.T) {
	for _, args := range [][]string{
		{"--rate=0"}, {"--duration=-1s"}, {"--mix=1,2"}, {"--mix=1,x,2"}, {"--mix=0,0,0"}, {"--mix=1,-1,2"},
		{"--rotate=sometimes"}, {"--keep=0"}, {"--tick=0s"}, {"extra"}, {"--no-such-flag"},
	} {
		var stderr bytes.Buffer
		if code := run(args, &bytes.Buffer{}, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if !strings.Contains(stderr.String(), "soak") && !strings.Contains(stderr.String(), "flag") {
			t.Errorf("%v: no message: %q", args, stderr.String())
		}
	}
}

func TestRotationTargets(t *testing.T) {
	for _, tc := range []struct {
		target string
		k      int
		want   []int
	}{{"alternate", 0, []int{0}}, {"alternate", 1, []int{1}}, {"alternate", 2, []int{0}}, {"error", 1, []int{0}}, {"access", 0, []int{1}}, {"both", 3, []int{0, 1}}} {
		if got := rotationTargets(tc.target, tc.k); len(got) != len(tc.want) || got[0] != tc.want[0] || got[len(got)-1] != tc.want[len(tc.want)-1] {
			t.Errorf("rotationTargets(%s, %d) = %v, want %v", tc.target, tc.k, got, tc.want)
		}
	}
}

func TestRotationScheduleKeepsCopytruncatesOffRenames(t *testing.T) {
	next := rotationSchedule(20*time.Second, time.Minute)
	var got []string
	for range 8 {
		at, kind, ok := next()
		if !ok {
			t.Fatal("schedule ended")
		}
		got = append(got, kind.String()+"@"+at.String())
	}
	want := "rename@20s rename@40s rename@1m0s copytruncate@1m10s rename@1m20s rename@1m40s rename@2m0s copytruncate@2m10s"
	if strings.Join(got, " ") != want {
		t.Errorf("schedule = %s\nwant       %s", strings.Join(got, " "), want)
	}
	if at, kind, _ := rotationSchedule(0, time.Second)(); at != time.Second || kind != copyTruncate {
		t.Errorf("copytruncate only: first at %v %v", at, kind)
	}
	if _, _, ok := rotationSchedule(0, 0)(); ok {
		t.Error("no intervals: the schedule is not empty")
	}
}

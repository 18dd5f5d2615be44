package s3source

import (
	"slices"
	"sort"
	"strings"
	"time"
)

// lookbackDays is how many days before the last key's day are listed again
// at each poll, for objects that arrive late.
const lookbackDays = 1

// Position is where a source stands: LastKey is the greatest key counted;
// Done are the keys counted in the window listed at each poll.
//
// Keys do not arrive in key order: AWS names an object
// …/YYYY/MM/DD/ACCOUNT_elasticloadbalancing_REGION_LB-ID_ENDTIME_NODE-IP_RANDOM.log.gz,
// so within a day the objects of several load balancers (and of the nodes
// of one) interleave, and a node's object may come minutes after another
// node's later one. So when the keys have date folders right under the
// prefix, each poll lists from the day before the last key's day onward
// (every later day included) and hands over the objects not Done yet;
// Done keeps the keys of that window only. Without date folders the
// source lists after LastKey (an object that arrives with a smaller key
// is missed).
type Position struct {
	LastKey string
	Done    []string
	// InProgress, in a position given to Options.Save, is the object
	// whose first lines were handed over but that is not done yet (a
	// failed download tried again at the next poll); zero if none.
	InProgress Partial
}

// keyDay is the date folder right under the prefix that key is in.
func keyDay(prefix, key string) (time.Time, bool) {
	rest, ok := strings.CutPrefix(key, prefix)
	if !ok || len(rest) < 11 || rest[10] != '/' {
		return time.Time{}, false
	}
	day, err := time.Parse("2006/01/02", rest[:10])
	return day, err == nil
}

// folder is the folder the date folders are in: the prefix, with a slash.
func (s *Source) folder() string {
	folder := s.opts.Prefix
	if folder != "" && !strings.HasSuffix(folder, "/") {
		folder += "/"
	}
	return folder
}

// windowStart is the key each poll lists after: the start of the day
// before last's day when the keys are dated, else last itself.
func (s *Source) windowStart(last string) (after string, dated bool) {
	folder := s.folder()
	day, ok := keyDay(folder, last)
	if !ok {
		return last, false
	}
	return folder + day.AddDate(0, 0, -lookbackDays).Format("2006/01/02") + "/", true
}

// maxFutureDays is how far after today a key's day may be and still be
// the last key.
const maxFutureDays = 1

// canBeLast reports whether key may become the last key after last. A
// dated key may, unless its day is after tomorrow (a clock gone wrong
// would make every real object after it unlisted); an undated key only
// while last is undated too (a stray readme.txt beside the date folders
// sorts after them and would hide every later day).
func (s *Source) canBeLast(last, key string, now time.Time) bool {
	folder := s.folder()
	if day, dated := keyDay(folder, key); dated {
		return !day.After(now.UTC().AddDate(0, 0, maxFutureDays))
	}
	_, lastDated := keyDay(folder, last)
	return !lastDated
}

// isDone reports whether key was counted already.
func (s *Source) isDone(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.doneKeys[key]
}

// markDone records key as counted and returns the position to save: the
// done keys before the (new) window are dropped. ignored says key could
// not become the last key (see canBeLast).
func (s *Source) markDone(key string) (pos Position, ignored bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.canBeLast(s.last, key, time.Now()) {
		s.last = max(s.last, key)
	} else {
		ignored = true
	}
	s.positioned = true
	after, dated := s.windowStart(s.last)
	if !dated {
		clear(s.doneKeys)
		return Position{LastKey: s.last}, ignored
	}
	s.doneKeys[key] = true
	done := make([]string, 0, len(s.doneKeys))
	for k := range s.doneKeys {
		if k <= after {
			delete(s.doneKeys, k)
			continue
		}
		done = append(done, k)
	}
	slices.Sort(done)
	return Position{LastKey: s.last, Done: done}, ignored
}

// windowKeys keeps, of sorted keys, those in the window of the greatest
// that can be the last key, and returns that key too ("" if none).
func (s *Source) windowKeys(keys []string, now time.Time) (kept []string, last string) {
	for _, k := range keys {
		if s.canBeLast(last, k, now) {
			last = max(last, k)
		}
	}
	if last == "" {
		return keys[:0], ""
	}
	after, dated := s.windowStart(last)
	if !dated {
		return append(keys[:0], last), last
	}
	i := sort.SearchStrings(keys, after)
	for i < len(keys) && keys[i] <= after {
		i++
	}
	return slices.Delete(keys, 0, i), last
}

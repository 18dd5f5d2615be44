package archivelog

import (
	"path/filepath"

	"github.com/fsnotify/fsnotify"
)

// watchDir wakes the reader when the glob's directory changes (a file
// renamed into it, created or written to), so a new file is read at once
// rather than at the next poll. Only a latency optimisation: polling
// stays, and nothing is decided from events. It returns nil (poll only)
// when the directory part of the glob has wildcards or inotify is
// unavailable.
func watchDir(glob string, wake chan<- struct{}, stop <-chan struct{}) *fsnotify.Watcher {
	dir := filepath.Dir(glob)
	if hasMeta(dir) {
		return nil
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil
	}
	if err := w.Add(dir); err != nil {
		w.Close()
		return nil
	}
	go func() {
		for {
			select {
			case <-stop:
				return
			case _, ok := <-w.Errors:
				if !ok {
					return
				}
			case _, ok := <-w.Events:
				if !ok {
					return
				}
				select {
				case wake <- struct{}{}:
				default: // a wake-up is pending already
				}
			}
		}
	}()
	return w
}

func hasMeta(path string) bool {
	for _, c := range path {
		switch c {
		case '*', '?', '[', '\\':
			return true
		}
	}
	return false
}

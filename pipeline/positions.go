package pipeline

import (
	"sync"
	"time"

	"github.com/badgateway/badgateway_exporter/positions"
)

// positionSync saves the positions of every followed log periodically.
type positionSync struct {
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

func startPositionSync(c *Pipeline, period time.Duration) *positionSync {
	ps := &positionSync{quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(ps.done)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-ps.quit:
				return
			case <-t.C:
				c.SavePositions()
			}
		}
	}()
	return ps
}

func (ps *positionSync) stop() {
	ps.once.Do(func() { close(ps.quit) })
	<-ps.done
}

// SavePositions writes where every followed log stands to the positions
// store, if one is kept. Each log's positions are those of lines already
// counted.
func (c *Pipeline) SavePositions() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.store == nil {
		return
	}
	logs, archives := positions.Logs{}, positions.Archives{}
	for path, r := range c.sources {
		r.savePositionsTo(path, logs, archives)
	}
	c.savePositions(logs, archives)
}

// savePositionsTo adds where the log stands to logs or archives.
func (r *runningLog) savePositionsTo(path string, logs positions.Logs, archives positions.Archives) {
	if r.archive != nil {
		archives[path] = r.archive.Positions()
		return
	}
	logs[path] = r.g.Positions()
}

func (c *Pipeline) savePositions(logs positions.Logs, archives positions.Archives) {
	if err := c.store.SaveAll(logs, archives); err != nil {
		c.m.PositionsSaveErrors.Inc()
		c.logger.Error("Cannot save positions; after a restart some lines may be counted again or missed", "file", c.store.Path(), "err", err)
		return
	}
	c.m.PositionsSaved.SetToCurrentTime()
}

package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/index"
)

// indexConfig selects the in-memory read index of kg serve (graph/index):
// reads are answered from memory, writes go through to the store, and
// writes by other replicas sharing a PostgreSQL store are picked up by
// polling the store's generation.
type indexConfig struct {
	Enabled bool
	Poll    time.Duration
}

func (c *indexConfig) register(fs *flag.FlagSet, e env) {
	c.Enabled = envOr(e, "KG_INDEX", "on") != "off"
	fs.BoolVar(&c.Enabled, "index", c.Enabled, "serve reads from an in-memory index of the store (env KG_INDEX=off to disable)")
	c.Poll = index.DefaultPoll
	if v := envOr(e, "KG_INDEX_POLL", ""); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			c.Poll = d
		}
	}
	fs.DurationVar(&c.Poll, "index-poll", c.Poll, "how often the index checks the store for writes by other processes (env KG_INDEX_POLL)")
}

// wrap returns st behind the index when enabled; the index owns st. On
// failure st is closed.
func (c indexConfig) wrap(ctx context.Context, st graph.Store, log *slog.Logger) (graph.Store, error) {
	if !c.Enabled {
		return st, nil
	}
	poll := c.Poll
	if poll <= 0 {
		poll = -1 // never poll
	}
	ix, err := index.NewWithOptions(ctx, st, log, index.Options{Poll: poll})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("in-memory index: %w", err)
	}
	return ix, nil
}

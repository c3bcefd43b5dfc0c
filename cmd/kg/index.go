package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/cayleystore"
	"github.com/minhang-kg/kg/graph/index"
)

// indexConfig selects the in-memory read index of kg serve (graph/index):
// reads are answered from memory, writes go through to the store, and
// writes by other replicas sharing a PostgreSQL store are picked up by
// polling the store's generation.
//
// On bbolt the index persists itself beside the store file (Snapshot,
// default "<path>.index") and the next start loads that snapshot instead
// of reading the whole store when the store has not changed since.
type indexConfig struct {
	Enabled bool
	Poll    time.Duration
	// Snapshot is the index snapshot file: "" for the default
	// (<path>.index on bbolt, none on other backends), "off" for none.
	Snapshot string
}

// snapshotOff disables the index snapshot.
const snapshotOff = "off"

func (c *indexConfig) register(fs *flag.FlagSet, v *envVars) {
	c.Enabled = v.onOff("KG_INDEX", true)
	fs.BoolVar(&c.Enabled, "index", c.Enabled, "serve reads from an in-memory index of the store (env KG_INDEX=off to disable)")
	c.Poll = v.duration("KG_INDEX_POLL", index.DefaultPoll)
	fs.DurationVar(&c.Poll, "index-poll", c.Poll, "how often the index checks the store for writes by other processes (env KG_INDEX_POLL)")
	c.Snapshot = v.str("KG_INDEX_SNAPSHOT", "")
	fs.StringVar(&c.Snapshot, "index-snapshot", c.Snapshot,
		"bbolt only: file the index is saved to and started from while the store is unchanged (default <path>.index; off to disable; env KG_INDEX_SNAPSHOT)")
}

// snapshotPath is the snapshot file for store sc, or "" for none.
func (c indexConfig) snapshotPath(sc storeConfig) (string, error) {
	switch {
	case c.Snapshot == snapshotOff:
		return "", nil
	case sc.Backend != cayleystore.BackendBbolt:
		if c.Snapshot != "" {
			// Memory has nothing to persist; PostgreSQL replicas share
			// the database, not a file.
			return "", fmt.Errorf("--index-snapshot: only for the bbolt store, not %s", sc.Backend)
		}
		return "", nil
	case c.Snapshot == "":
		return sc.Path + ".index", nil
	}
	return c.Snapshot, nil
}

// wrap returns st behind the index when enabled; the index owns st. On
// failure st is closed.
func (c indexConfig) wrap(ctx context.Context, st graph.Store, sc storeConfig, log *slog.Logger) (graph.Store, error) {
	if !c.Enabled {
		return st, nil
	}
	poll := c.Poll
	if poll <= 0 {
		poll = -1 // never poll
	}
	opt := index.Options{Poll: poll}
	snap, err := c.snapshotPath(sc)
	if err != nil {
		st.Close()
		return nil, err
	}
	if snap != "" {
		opt.SnapshotPath, opt.StoreFile = snap, sc.Path
	}
	ix, err := index.NewWithOptions(ctx, st, log, opt)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("in-memory index: %w", err)
	}
	return ix, nil
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/cayleystore"
)

// storeConfig selects the store backend.
type storeConfig struct {
	Backend     string
	Path        string
	DSN         string
	LockTimeout time.Duration
}

func (c *storeConfig) register(fs *flag.FlagSet, v *envVars) {
	c.Backend = v.str("KG_STORE", cayleystore.BackendBbolt)
	c.Path = v.str("KG_PATH", cayleystore.DefaultPath)
	c.DSN = v.str("KG_DSN", "")
	c.LockTimeout = v.duration("KG_LOCK_TIMEOUT", cayleystore.DefaultLockTimeout)
	fs.StringVar(&c.Backend, "store", c.Backend, "store backend: bbolt, memory or postgres (env KG_STORE)")
	fs.StringVar(&c.Path, "path", c.Path, "bbolt store file (env KG_PATH)")
	fs.StringVar(&c.DSN, "dsn", c.DSN, "PostgreSQL connection string for --store postgres (env KG_DSN)")
	fs.DurationVar(&c.LockTimeout, "lock-timeout", c.LockTimeout, "how long to wait for another process holding the bbolt file (env KG_LOCK_TIMEOUT)")
}

func (c storeConfig) validate() error {
	switch c.Backend {
	case cayleystore.BackendBbolt:
		if c.Path == "" {
			return fmt.Errorf("--path is required for --store bbolt")
		}
	case cayleystore.BackendMemory:
	case cayleystore.BackendPostgres:
		if c.DSN == "" {
			return fmt.Errorf("--dsn (or KG_DSN) is required for --store postgres")
		}
	default:
		return fmt.Errorf("--store: want bbolt, memory or postgres, got %q", c.Backend)
	}
	if c.LockTimeout <= 0 {
		return fmt.Errorf("--lock-timeout must be positive")
	}
	return nil
}

// describe names the store for messages, without credentials.
func (c storeConfig) describe() string {
	switch c.Backend {
	case cayleystore.BackendBbolt:
		return "bbolt store " + c.Path
	case cayleystore.BackendPostgres:
		return "postgres store"
	default:
		return c.Backend + " store"
	}
}

// open opens the store. With mustExist, a missing bbolt file is an error
// rather than created (for read-only commands).
func (c storeConfig) open(ctx context.Context, log *slog.Logger, mustExist bool) (graph.Store, error) {
	if mustExist && c.Backend == cayleystore.BackendBbolt {
		if _, err := os.Stat(c.Path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no store at %s (run kg seed --path %s first)", c.Path, c.Path)
		}
	}
	st, err := cayleystore.Open(ctx, cayleystore.Config{
		Backend:     c.Backend,
		Path:        c.Path,
		DSN:         c.DSN,
		LockTimeout: c.LockTimeout,
	}, log)
	if errors.Is(err, graph.ErrLocked) {
		return nil, fmt.Errorf("%s is in use by another process (is a kg serve running?): %w", c.Path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", c.describe(), err)
	}
	return st, nil
}

// closeStore closes st, logging a failure.
func closeStore(ctx context.Context, st graph.Store, log *slog.Logger) {
	if err := st.Close(); err != nil {
		log.ErrorContext(ctx, "closing the store", "err", err)
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/seed"
)

// seedConfig is the typed configuration of kg seed.
type seedConfig struct {
	Store storeConfig
	Data  dataConfig
	Log   logConfig
	JSON  bool
}

func parseSeed(args []string, e env) (seedConfig, error) {
	var c seedConfig
	fs := newFlagSet("seed", "[--store bbolt|memory|postgres] [--path FILE] [--dsn DSN] [--data DIR] [--json]", e)
	c.Store.register(fs, e)
	c.Data.register(fs, e)
	c.Log.register(fs, e)
	fs.BoolVar(&c.JSON, "json", false, "print the changes as JSON")
	if err := parseFlags(fs, args); err != nil {
		return c, err
	}
	c.Data.resolve()
	if err := c.Store.validate(); err != nil {
		return c, err
	}
	return c, c.Log.validate()
}

func runSeed(ctx context.Context, args []string, e env) error {
	c, err := parseSeed(args, e)
	if err != nil {
		return err
	}
	log := c.Log.logger(e.stderr)
	ds, err := openDataset(c.Data)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Data.describe(), err)
	}
	st, err := c.Store.open(ctx, log, false)
	if err != nil {
		return err
	}
	defer closeStore(ctx, st, log)
	changes, err := loadDataset(ctx, st, ds, c.Data, log)
	if err != nil {
		return err
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(changes)
	}
	for _, ch := range changes {
		fmt.Fprintln(e.stdout, seed.Summary(ch))
	}
	return nil
}

// loadDataset loads ds into st, turning validation problems into one error
// that lists them.
func loadDataset(ctx context.Context, st graph.Store, ds *seed.Dataset, data dataConfig, log *slog.Logger) ([]graph.Change, error) {
	log.InfoContext(ctx, "seeding", "data", data.describe(), "documents", len(ds.Documents))
	changes, err := ds.Load(ctx, st, log)
	if err != nil {
		return changes, fmt.Errorf("seed from %s: %w", data.describe(), err)
	}
	return changes, nil
}

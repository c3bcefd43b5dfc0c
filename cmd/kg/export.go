package main

import (
	"bufio"
	"context"
	"fmt"
)

// exportConfig is the typed configuration of kg export.
type exportConfig struct {
	Store  storeConfig
	Log    logConfig
	Format string
}

// exportFormats are the formats kg export writes.
var exportFormats = []string{"nquads"}

func parseExport(args []string, e env) (exportConfig, error) {
	var c exportConfig
	fs := newFlagSet("export", "[--store bbolt|memory|postgres] [--path FILE] [--dsn DSN] --format nquads", e)
	c.Store.register(fs, e)
	c.Log.register(fs, e)
	fs.StringVar(&c.Format, "format", "nquads", "output format: nquads")
	if err := parseFlags(fs, args); err != nil {
		return c, err
	}
	if !contains(exportFormats, c.Format) {
		return c, fmt.Errorf("--format: unknown format %q (want one of %v)", c.Format, exportFormats)
	}
	if err := c.Store.validate(); err != nil {
		return c, err
	}
	return c, c.Log.validate()
}

func runExport(ctx context.Context, args []string, e env) error {
	c, err := parseExport(args, e)
	if err != nil {
		return err
	}
	log := c.Log.logger(e.stderr)
	st, err := c.Store.open(ctx, log, true)
	if err != nil {
		return err
	}
	defer closeStore(ctx, st, log)
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	if err := st.ExportNQuads(ctx, w); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/minhang-kg/kg/graph/export"
)

// exportConfig is the typed configuration of kg export.
type exportConfig struct {
	Store     storeConfig
	Log       logConfig
	Format    string
	Selection export.Selection
}

func parseExport(args []string, e env) (exportConfig, error) {
	var c exportConfig
	fs := newFlagSet("export", "[--store bbolt|memory|postgres] [--path FILE] [--dsn DSN] --format "+strings.Join(export.Names(), "|")+" [--ids ID,ID] [--hops N]", e)
	v := readEnv(e)
	c.Store.register(fs, v)
	c.Log.register(fs, v)
	fs.StringVar(&c.Format, "format", "nquads", "output format: "+strings.Join(export.Names(), ", "))
	var ids string
	fs.StringVar(&ids, "ids", "", "comma-separated entity IDs at the centre of the export (default: the whole graph)")
	fs.IntVar(&c.Selection.Hops, "hops", 0, fmt.Sprintf("with --ids: how many relations away to go (0..%d)", export.MaxHops))
	if err := parseFlags(fs, args); err != nil {
		return c, err
	}
	if err := v.err(); err != nil {
		return c, err
	}
	if _, ok := export.Lookup(c.Format); !ok {
		return c, fmt.Errorf("--format: unknown format %q (want one of %s)", c.Format, strings.Join(export.Names(), ", "))
	}
	for _, id := range strings.Split(ids, ",") {
		if id = strings.TrimSpace(id); id != "" {
			c.Selection.IDs = append(c.Selection.IDs, id)
		}
	}
	if err := c.Selection.Validate(); err != nil {
		return c, err
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
	if err := export.Write(ctx, st, c.Format, c.Selection, w); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/minhang-kg/kg/graph"
)

// statsConfig is the typed configuration of kg stats.
type statsConfig struct {
	Store storeConfig
	Log   logConfig
	JSON  bool
}

func parseStats(args []string, e env) (statsConfig, error) {
	var c statsConfig
	fs := newFlagSet("stats", "[--store bbolt|memory|postgres] [--path FILE] [--dsn DSN] [--json]", e)
	c.Store.register(fs, e)
	c.Log.register(fs, e)
	fs.BoolVar(&c.JSON, "json", false, "print graph.Stats as JSON")
	if err := parseFlags(fs, args); err != nil {
		return c, err
	}
	if err := c.Store.validate(); err != nil {
		return c, err
	}
	return c, c.Log.validate()
}

func runStats(ctx context.Context, args []string, e env) error {
	c, err := parseStats(args, e)
	if err != nil {
		return err
	}
	log := c.Log.logger(e.stderr)
	st, err := c.Store.open(ctx, log, true)
	if err != nil {
		return err
	}
	defer closeStore(ctx, st, log)
	s, err := st.Stats(ctx)
	if err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	return writeStats(e.stdout, s)
}

func writeStats(w io.Writer, s graph.Stats) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "documents  %d\nentities   %d\nrelations  %d\nquads      %d\n", s.Documents, s.Entities, s.Relations, s.Quads)
	fmt.Fprintln(b, "\nentities per kind:")
	for _, k := range graph.Kinds {
		if n := s.ByKind[k]; n > 0 {
			fmt.Fprintf(b, "  %-12s %d\n", k, n)
		}
	}
	fmt.Fprintln(b, "\nrelations per predicate:")
	preds := make([]string, 0, len(s.ByPredicate))
	for p := range s.ByPredicate {
		preds = append(preds, p)
	}
	sort.Strings(preds)
	for _, p := range preds {
		fmt.Fprintf(b, "  %-22s %d\n", p, s.ByPredicate[p])
	}
	return b.Flush()
}

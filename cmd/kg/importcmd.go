package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/minhang-kg/kg/graph"
)

// importConfig is the typed configuration of kg import.
type importConfig struct {
	Store storeConfig
	Log   logConfig
	File  string
	JSON  bool
}

func parseImport(args []string, e env) (importConfig, error) {
	var c importConfig
	fs := newFlagSet("import", "[--store bbolt|memory|postgres] [--path FILE] [--dsn DSN] [--json] BACKUP.nq", e)
	v := readEnv(e)
	c.Store.register(fs, v)
	c.Log.register(fs, v)
	fs.BoolVar(&c.JSON, "json", false, "print the change as JSON")
	if err := parseWithOneArg(fs, args, &c.File); err != nil {
		return c, err
	}
	if err := v.err(); err != nil {
		return c, err
	}
	if c.File == "" {
		return c, fmt.Errorf("the N-Quads file to import is required (kg import [flags] FILE)")
	}
	if err := c.Store.validate(); err != nil {
		return c, err
	}
	return c, c.Log.validate()
}

// parseWithOneArg parses flags before and after one positional argument.
func parseWithOneArg(fs *flag.FlagSet, args []string, arg *string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return err
	}
	if fs.NArg() == 0 {
		return nil
	}
	*arg = fs.Arg(0)
	return parseFlags(fs, fs.Args()[1:])
}

// runImport restores a store from an export (kg export --format nquads):
// everything stored is replaced by the file's quads, in one atomic write.
func runImport(ctx context.Context, args []string, e env) error {
	c, err := parseImport(args, e)
	if err != nil {
		return err
	}
	log := c.Log.logger(e.stderr)
	f, err := os.Open(c.File)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	st, err := c.Store.open(ctx, log, false)
	if err != nil {
		return err
	}
	defer closeStore(ctx, st, log)
	imp, ok := st.(graph.Importer)
	if !ok {
		return fmt.Errorf("import: the %s cannot restore a backup", c.Store.describe())
	}
	ch, err := imp.ImportNQuads(ctx, f, c.File)
	if err != nil {
		return fmt.Errorf("import into %s: %w (nothing was written)", c.Store.describe(), err)
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ch)
	}
	if ch.Unchanged() {
		fmt.Fprintf(e.stdout, "%s: the store already holds exactly this graph\n", c.File)
		return nil
	}
	fmt.Fprintf(e.stdout, "%s: imported (%d quads added, %d removed)\n", c.File, ch.QuadsAdded, ch.QuadsRemoved)
	return nil
}

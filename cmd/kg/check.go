package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"

	"github.com/minhang-kg/kg/graph/cayleystore"
	"github.com/minhang-kg/kg/seed"
)

// checkConfig is the typed configuration of kg check.
type checkConfig struct {
	Data     dataConfig
	Fix      bool
	Coverage bool
	JSON     bool
	// Store, when CompareStore, is a store whose curated facts are
	// checked against the dataset (what kg seed into it would break).
	Store        storeConfig
	CompareStore bool
}

func parseCheck(args []string, e env) (checkConfig, error) {
	var c checkConfig
	fs := newFlagSet("check", "[--data DIR] [--fix] [--coverage] [--json] [--store bbolt|postgres --path FILE | --dsn DSN]", e)
	v := readEnv(e)
	c.Data.register(fs, v)
	c.Store.register(fs, v)
	fs.BoolVar(&c.Fix, "fix", false, "fill in missing or wrong start/end/section where the quote is unique, rewriting the YAML files")
	fs.BoolVar(&c.Coverage, "coverage", false, "also report how much of the source text the dataset covers")
	fs.BoolVar(&c.JSON, "json", false, "print the report as JSON")
	if err := parseFlags(fs, args); err != nil {
		return c, err
	}
	if err := v.err(); err != nil {
		return c, err
	}
	// The store is compared with only when named on the command line: a
	// KG_PATH in the environment does not turn a dataset check into one
	// that opens a store.
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "store", "path", "dsn":
			c.CompareStore = true
		}
	})
	if c.CompareStore {
		if c.Store.Backend == cayleystore.BackendMemory {
			return c, fmt.Errorf("--store memory holds no curated facts to check against; give a bbolt --path or a postgres --dsn")
		}
		if err := c.Store.validate(); err != nil {
			return c, err
		}
	}
	c.Data.resolve()
	if c.Fix && c.Data.Dir == "" {
		return c, fmt.Errorf("--fix needs a data directory on disk (--data DIR); the embedded dataset is read-only")
	}
	return c, nil
}

func runCheck(ctx context.Context, args []string, e env) error {
	c, err := parseCheck(args, e)
	if err != nil {
		return err
	}
	var rep *seed.Report
	var ds *seed.Dataset
	switch {
	case c.Fix:
		rep, err = seed.Fix(c.Data.Dir)
		if err == nil && c.Coverage {
			ds, err = seed.Parse(c.Data.Dir)
		}
	default:
		ds, err = openDataset(c.Data)
		if err == nil {
			rep = ds.Validate()
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", c.Data.describe(), err)
	}
	if c.CompareStore {
		if ds == nil {
			if ds, err = seed.Parse(c.Data.Dir); err != nil {
				return fmt.Errorf("%s: %w", c.Data.describe(), err)
			}
		}
		if err := checkAgainstStore(ctx, c, ds, rep, e); err != nil {
			return err
		}
	}
	var coverage []seed.CoverageReport
	if c.Coverage {
		if coverage, err = coverageOf(ds); err != nil {
			return err
		}
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		out := struct {
			*seed.Report
			Coverage []seed.CoverageReport `json:"coverage,omitempty"`
		}{rep, coverage}
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		for _, cr := range coverage {
			if err := cr.Write(e.stdout); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout)
		}
		if err := rep.WriteText(e.stdout); err != nil {
			return err
		}
	}
	ok := rep.OK()
	for _, cr := range coverage {
		ok = ok && cr.OK()
	}
	if !ok {
		return errProblems
	}
	return nil
}

// checkAgainstStore adds to rep what seeding ds into the configured store
// would break in its curated facts (seed.Dataset.CurationConflicts). The
// store is opened for reading only and must exist.
func checkAgainstStore(ctx context.Context, c checkConfig, ds *seed.Dataset, rep *seed.Report, e env) error {
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := c.Store.open(ctx, log, true)
	if err != nil {
		return err
	}
	defer closeStore(ctx, st, log)
	ps, err := ds.CurationConflicts(ctx, st)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Store.describe(), err)
	}
	rep.Problems = append(rep.Problems, ps...)
	return nil
}

// coverageOf reports, per document, which phrases of the source text no
// fact accounts for (seed.DocumentSpec.Coverage), honouring each document
// folder's coverage ignore file and the entities' mentions.
func coverageOf(ds *seed.Dataset) ([]seed.CoverageReport, error) {
	var out []seed.CoverageReport
	for _, d := range ds.Documents {
		if d.Text == "" {
			continue // unreadable source: reported by the check
		}
		cr, err := d.Coverage()
		if err != nil {
			return nil, err
		}
		out = append(out, cr)
	}
	return out, nil
}

// openDataset parses the configured dataset (on disk or embedded).
func openDataset(c dataConfig) (*seed.Dataset, error) {
	if c.Dir == "" {
		return seed.Embedded()
	}
	return seed.Parse(c.Dir)
}

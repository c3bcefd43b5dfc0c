package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/minhang-kg/kg/seed"
)

// checkConfig is the typed configuration of kg check.
type checkConfig struct {
	Data     dataConfig
	Fix      bool
	Coverage bool
	JSON     bool
}

func parseCheck(args []string, e env) (checkConfig, error) {
	var c checkConfig
	fs := newFlagSet("check", "[--data DIR] [--fix] [--coverage] [--json]", e)
	v := readEnv(e)
	c.Data.register(fs, v)
	fs.BoolVar(&c.Fix, "fix", false, "fill in missing or wrong start/end/section where the quote is unique, rewriting the YAML files")
	fs.BoolVar(&c.Coverage, "coverage", false, "also report how much of the source text the dataset covers")
	fs.BoolVar(&c.JSON, "json", false, "print the report as JSON")
	if err := parseFlags(fs, args); err != nil {
		return c, err
	}
	if err := v.err(); err != nil {
		return c, err
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

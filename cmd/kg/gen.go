package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/minhang-kg/kg/internal/synth"
)

// genConfig is the typed configuration of kg gen.
type genConfig struct {
	Quads    int
	Seed     int64
	Out      string
	Document string
	PerFile  int
	Log      logConfig
}

// quantity is an int flag that also accepts 1e6-style values.
type quantity struct{ n *int }

func (q quantity) String() string {
	if q.n == nil {
		return "0"
	}
	return strconv.Itoa(*q.n)
}

func (q quantity) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 1 || f > 1e9 || f != float64(int(f)) {
		return fmt.Errorf("want a whole number such as 10000 or 1e6, got %q", s)
	}
	*q.n = int(f)
	return nil
}

func parseGen(args []string, e env) (genConfig, error) {
	c := genConfig{Quads: 10000, Seed: 1, Document: synth.DefaultDocument, PerFile: 5000}
	fs := newFlagSet("gen", "--quads N [--seed S] --out DIR [--doc doc/ID] [--per-file N]", e)
	v := readEnv(e)
	fs.Var(quantity{&c.Quads}, "quads", "target size in store quads (e.g. 1e3, 1e6)")
	fs.Int64Var(&c.Seed, "seed", c.Seed, "generator seed; the same seed gives the same dataset")
	fs.StringVar(&c.Out, "out", "", "data directory to write the document folder into (required)")
	fs.StringVar(&c.Document, "doc", c.Document, "document ID (the folder is its part after doc/)")
	fs.IntVar(&c.PerFile, "per-file", c.PerFile, "entities or relations per fact file")
	c.Log.register(fs, v)
	if err := parseFlags(fs, args); err != nil {
		return c, err
	}
	if err := v.err(); err != nil {
		return c, err
	}
	if c.Out == "" {
		return c, fmt.Errorf("--out is required")
	}
	if c.PerFile < 1 {
		return c, fmt.Errorf("--per-file: must be at least 1, got %d", c.PerFile)
	}
	return c, c.Log.validate()
}

// runGen writes a synthetic dataset that kg check, kg seed and kg serve
// --data accept (internal/synth).
func runGen(ctx context.Context, args []string, e env) error {
	c, err := parseGen(args, e)
	if err != nil {
		return err
	}
	log := c.Log.logger(e.stderr)
	began := time.Now()
	f, err := synth.Generate(synth.Config{Quads: c.Quads, Seed: c.Seed, Document: c.Document})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dir, err := synth.WriteDataset(c.Out, f, synth.WriteOptions{PerFile: c.PerFile})
	if err != nil {
		return err
	}
	log.InfoContext(ctx, "dataset generated", "dir", dir, "took", time.Since(began).Round(time.Millisecond))
	_, err = fmt.Fprintf(e.stdout, "wrote %s: %d entities, %d relations, %d quads (as the store counts them), seed %d\n",
		dir, len(f.Entities), len(f.Relations), synth.QuadCount(f), c.Seed)
	return err
}

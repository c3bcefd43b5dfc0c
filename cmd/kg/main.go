// Command kg runs and maintains the Minhang knowledge graph.
//
//	kg serve  [store flags] [--addr ADDR] [--data DIR]   seed an empty store, then serve HTTP
//	kg seed   [store flags] [--data DIR]                 sync the store with the dataset
//	kg check  [--data DIR] [--fix] [--coverage] [--json] validate the dataset
//	kg stats  [store flags] [--json]                     counts of the stored graph
//	kg export [store flags] --format nquads              the stored graph on stdout
//	kg import [store flags] FILE                         restore a store from kg export --format nquads
//	kg gen    --quads N [--seed S] --out DIR             write a synthetic dataset
//
// Configuration is parsed once, here, into typed config values (config.go);
// flags win over the KG_* environment variables.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes.
const (
	exitOK       = 0
	exitProblems = 1 // the command ran and found problems (kg check)
	exitError    = 2 // the command failed (bad usage, unreadable data, store error)
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr})
	stop()
	os.Exit(code)
}

// env is the process environment a command sees.
type env struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, e env) error
}

func commands() []command {
	return []command{
		{"serve", "seed an empty store, then serve the API, playground and explorer", runServe},
		{"seed", "make the store's documents those of the data directory (add, replace, remove)", runSeed},
		{"check", "validate the dataset (--fix fills in offsets and sections)", runCheck},
		{"stats", "count entities per kind, relations per predicate and quads", runStats},
		{"export", "write the stored graph to stdout", runExport},
		{"import", "replace the stored graph with an N-Quads export (backup restore)", runImport},
		{"gen", "write a synthetic dataset of N quads (benchmarks, load and fault tests)", runGen},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: kg <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-7s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun kg <command> -h for the flags of a command.")
}

// errProblems is returned by a command that ran but found problems.
var errProblems = errors.New("problems found")

func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitError
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		usage(e.stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, args[1:], e)
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, errHelp):
			return exitOK
		case errors.Is(err, errProblems):
			return exitProblems
		default:
			fmt.Fprintf(e.stderr, "kg %s: %v\n", name, err)
			return exitError
		}
	}
	fmt.Fprintf(e.stderr, "kg: unknown command %q\n", name)
	usage(e.stderr)
	return exitError
}

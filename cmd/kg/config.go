package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
)

// errHelp is returned when -h was asked for (usage was printed).
var errHelp = errors.New("help requested")

// dataConfig says where the dataset comes from.
type dataConfig struct {
	// Dir is the data directory on disk; "" means the dataset embedded in
	// the binary.
	Dir string
}

// defaultDataDir is used when it exists in the working directory and
// --data is not given; otherwise the embedded dataset is used.
const defaultDataDir = "seed/data"

func (c *dataConfig) register(fs *flag.FlagSet, v *envVars) {
	c.Dir = v.str("KG_DATA", "")
	fs.StringVar(&c.Dir, "data", c.Dir, "data directory (env KG_DATA; default: "+defaultDataDir+" if it exists, else the dataset embedded in the binary)")
}

// resolve applies the default after parsing.
func (c *dataConfig) resolve() {
	if c.Dir != "" {
		return
	}
	if st, err := os.Stat(defaultDataDir); err == nil && st.IsDir() {
		c.Dir = defaultDataDir
	}
}

// describe names the dataset for messages.
func (c dataConfig) describe() string {
	if c.Dir == "" {
		return "embedded dataset"
	}
	return c.Dir
}

// logConfig selects the log format and level.
type logConfig struct {
	Format string // text or json
	Level  slog.Level
}

func (c *logConfig) register(fs *flag.FlagSet, v *envVars) {
	c.Format = v.str("KG_LOG_FORMAT", "text")
	fs.StringVar(&c.Format, "log-format", c.Format, "log format: text or json (env KG_LOG_FORMAT)")
	c.Level = v.level("KG_LOG_LEVEL", slog.LevelInfo)
	fs.TextVar(&c.Level, "log-level", c.Level, "log level: debug, info, warn, error (env KG_LOG_LEVEL)")
}

func (c logConfig) validate() error {
	if c.Format != "text" && c.Format != "json" {
		return fmt.Errorf("--log-format: want text or json, got %q", c.Format)
	}
	return nil
}

// logger builds the process logger; logs go to stderr.
func (c logConfig) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.Level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name, args string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("kg "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: kg %s %s\n\nflags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, rejecting positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

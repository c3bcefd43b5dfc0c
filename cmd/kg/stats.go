package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/minhang-kg/kg/graph"
)

// statsConfig is the typed configuration of kg stats.
type statsConfig struct {
	Store storeConfig
	Log   logConfig
	JSON  bool
	// Server is the base URL of a running kg serve to ask instead of
	// opening the store. Empty: open the store; if a kg serve holds the
	// bbolt file, ask the one at KG_ADDR (default 127.0.0.1:8080).
	Server string
	// Fallback is the server asked when the store is locked.
	Fallback string
}

func parseStats(args []string, e env) (statsConfig, error) {
	var c statsConfig
	fs := newFlagSet("stats", "[--store bbolt|memory|postgres] [--path FILE] [--dsn DSN] [--json]", e)
	v := readEnv(e)
	c.Store.register(fs, v)
	c.Log.register(fs, v)
	fs.BoolVar(&c.JSON, "json", false, "print graph.Stats as JSON")
	fs.StringVar(&c.Server, "server", v.str("KG_SERVER", ""), "ask the kg serve at this URL (e.g. http://127.0.0.1:8080) instead of opening the store (env KG_SERVER)")
	c.Fallback = "http://" + v.str("KG_ADDR", "127.0.0.1:8080")
	if err := parseFlags(fs, args); err != nil {
		return c, err
	}
	if err := v.err(); err != nil {
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
	var s graph.Stats
	if c.Server != "" {
		if s, err = serverStats(ctx, c.Server); err != nil {
			return err
		}
	} else if s, err = storeStats(ctx, c.Store, log); errors.Is(err, graph.ErrLocked) {
		// The usual case: kg serve holds the bbolt file. Ask it instead.
		s2, err2 := serverStats(ctx, c.Fallback)
		if err2 != nil {
			return fmt.Errorf("%w (and asking the kg serve at %s failed: %v; give its URL with --server)", err, c.Fallback, err2)
		}
		fmt.Fprintf(e.stderr, "kg stats: %s is held by a running kg serve; these are the stats it serves at %s\n", c.Store.Path, c.Fallback)
		s, err = s2, nil
	}
	if err != nil {
		return err
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	return writeStats(e.stdout, s)
}

// storeStats opens the store read-only and counts it.
func storeStats(ctx context.Context, c storeConfig, log *slog.Logger) (graph.Stats, error) {
	st, err := c.open(ctx, log, true)
	if err != nil {
		return graph.Stats{}, err
	}
	defer closeStore(ctx, st, log)
	s, err := st.Stats(ctx)
	if err != nil {
		return graph.Stats{}, fmt.Errorf("stats: %w", err)
	}
	return s, nil
}

// serverStats asks a running kg serve for its stats over GraphQL.
func serverStats(ctx context.Context, base string) (graph.Stats, error) {
	const q = `{ stats { entities relations documents quads byKind { kind count } byPredicate { predicate count } } }`
	body, _ := json.Marshal(map[string]string{"query": q})
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	url := strings.TrimRight(base, "/") + "/graphql"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return graph.Stats{}, fmt.Errorf("--server: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return graph.Stats{}, fmt.Errorf("ask %s: %w", url, err)
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			Stats *struct {
				Entities, Relations, Documents int
				Quads                          int64
				ByKind                         []struct {
					Kind  graph.Kind
					Count int
				}
				ByPredicate []struct {
					Predicate string
					Count     int
				}
			}
		}
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out); err != nil {
		return graph.Stats{}, fmt.Errorf("ask %s: %s: %w", url, resp.Status, err)
	}
	if len(out.Errors) > 0 {
		return graph.Stats{}, fmt.Errorf("ask %s: %s", url, out.Errors[0].Message)
	}
	if out.Data.Stats == nil {
		return graph.Stats{}, fmt.Errorf("ask %s: %s: no stats in the answer", url, resp.Status)
	}
	r := out.Data.Stats
	s := graph.Stats{Entities: r.Entities, Relations: r.Relations, Documents: r.Documents, Quads: r.Quads,
		ByKind: map[graph.Kind]int{}, ByPredicate: map[string]int{}}
	for _, k := range r.ByKind {
		s.ByKind[k.Kind] = k.Count
	}
	for _, p := range r.ByPredicate {
		s.ByPredicate[p.Predicate] = p.Count
	}
	return s, nil
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

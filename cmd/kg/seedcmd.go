package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/seed"
	"github.com/minhang-kg/kg/server"
)

// seedConfig is the typed configuration of kg seed.
type seedConfig struct {
	Store storeConfig
	Data  dataConfig
	Log   logConfig
	JSON  bool
	// Server, when set, is the URL of a running kg serve: the documents
	// go to its POST /admin/documents instead of into a local store.
	Server string
	// AdminToken authenticates to Server (env KG_ADMIN_TOKEN only, as for
	// kg serve: never on the command line).
	AdminToken string
}

func parseSeed(args []string, e env) (seedConfig, error) {
	var c seedConfig
	fs := newFlagSet("seed", "[--store bbolt|memory|postgres] [--path FILE] [--dsn DSN] [--data DIR] [--server URL] [--json]", e)
	v := readEnv(e)
	c.Store.register(fs, v)
	c.Data.register(fs, v)
	c.Log.register(fs, v)
	fs.BoolVar(&c.JSON, "json", false, "print the changes as JSON")
	// A flag only: KG_SERVER (which kg stats reads) must not turn a local
	// seed into a remote one.
	fs.StringVar(&c.Server, "server", "", "URL of a running kg serve to send the documents to (POST "+server.DocumentsPath+", admin token from KG_ADMIN_TOKEN)")
	if err := parseFlags(fs, args); err != nil {
		return c, err
	}
	if err := v.err(); err != nil {
		return c, err
	}
	c.Data.resolve()
	if c.Server != "" {
		c.AdminToken = e.getenv("KG_ADMIN_TOKEN")
		u, err := url.Parse(c.Server)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("--server: want an http(s) URL of a running kg serve, got %q", c.Server)
		}
		if c.AdminToken == "" {
			return c, fmt.Errorf("--server needs the server's admin token in KG_ADMIN_TOKEN")
		}
		return c, c.Log.validate()
	}
	if err := c.Store.validate(); err != nil {
		return c, err
	}
	return c, c.Log.validate()
}

func runSeed(ctx context.Context, args []string, e env) error {
	c, err := parseSeed(args, e)
	if err != nil {
		return err
	}
	log := c.Log.logger(e.stderr)
	ds, err := openDataset(c.Data)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Data.describe(), err)
	}
	if c.Server != "" {
		changes, err := seedServer(ctx, c, ds, log)
		if err != nil {
			return err
		}
		return printChanges(e, c.JSON, changes)
	}
	st, err := c.Store.open(ctx, log, false)
	if err != nil {
		return err
	}
	defer closeStore(ctx, st, log)
	changes, err := loadDataset(ctx, st, ds, c.Data, log)
	if err != nil {
		return err
	}
	return printChanges(e, c.JSON, changes)
}

// printChanges prints the changes of a seed, for people or as JSON.
func printChanges(e env, asJSON bool, changes []graph.Change) error {
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(changes)
	}
	for _, ch := range changes {
		fmt.Fprintln(e.stdout, seed.Summary(ch))
	}
	return nil
}

// loadDataset loads ds into st, turning validation problems into one error
// that lists them.
func loadDataset(ctx context.Context, st graph.Store, ds *seed.Dataset, data dataConfig, log *slog.Logger) ([]graph.Change, error) {
	log.InfoContext(ctx, "seeding", "data", data.describe(), "documents", len(ds.Documents))
	changes, err := ds.Load(ctx, st, log)
	if err != nil {
		return changes, fmt.Errorf("seed from %s: %w", data.describe(), err)
	}
	return changes, nil
}

// serverTimeout bounds one POST of the documents to a running server.
const serverTimeout = 5 * time.Minute

// seedServer validates the dataset locally and sends all its documents to
// the running server's POST /admin/documents, which syncs its store with
// them in one atomic write and answers the changes.
func seedServer(ctx context.Context, c seedConfig, ds *seed.Dataset, log *slog.Logger) ([]graph.Change, error) {
	facts, err := ds.Facts()
	if err != nil {
		return nil, fmt.Errorf("seed from %s: %w", c.Data.describe(), err)
	}
	body, err := json.Marshal(server.NewSyncRequest(facts))
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	endpoint := strings.TrimRight(c.Server, "/") + server.DocumentsPath
	ctx, cancel := context.WithTimeout(ctx, serverTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("seed --server: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.AdminToken)
	log.InfoContext(ctx, "sending documents to the server", "url", endpoint, "documents", len(facts), "bytes", len(body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("seed --server %s: %w", c.Server, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("seed --server %s: reading the answer: %w", c.Server, err)
	}
	if res.StatusCode != http.StatusOK {
		var e struct {
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if json.Unmarshal(raw, &e) == nil && len(e.Errors) > 0 {
			code, _ := e.Errors[0].Extensions["code"].(string)
			return nil, fmt.Errorf("seed --server %s: refused (%d %s): %s", c.Server, res.StatusCode, code, e.Errors[0].Message)
		}
		return nil, fmt.Errorf("seed --server %s: %s: %.200s", c.Server, res.Status, raw)
	}
	var out server.SyncResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("seed --server %s: unexpected answer: %w", c.Server, err)
	}
	return out.Changes, nil
}

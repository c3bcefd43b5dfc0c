package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/server"
)

// Seed modes of kg serve.
const (
	seedAuto   = "auto"   // seed when the store holds no document yet
	seedAlways = "always" // refresh the dataset on every start (idempotent)
	seedNever  = "never"
)

// serveConfig is the typed configuration of kg serve.
type serveConfig struct {
	Addr            string
	Store           storeConfig
	Data            dataConfig
	Log             logConfig
	Seed            string
	AdminToken      string // env KG_ADMIN_TOKEN only: never on the command line
	ShutdownTimeout time.Duration
	Server          server.Config
	Index           indexConfig // in-memory read index (cmd/kg/index.go)
}

func parseServe(args []string, e env) (serveConfig, error) {
	var c serveConfig
	fs := newFlagSet("serve", "[--addr ADDR] [--store bbolt|memory|postgres] [--path FILE] [--dsn DSN] [--data DIR] [--seed auto|always|never]", e)
	v := readEnv(e)
	c.Addr = v.str("KG_ADDR", "127.0.0.1:8080")
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (env KG_ADDR)")
	c.Store.register(fs, v)
	c.Data.register(fs, v)
	c.Log.register(fs, v)
	fs.StringVar(&c.Seed, "seed", seedAuto, "seed the store before serving: auto (only when it holds no document), always, never")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 10*time.Second, "how long to let requests finish on SIGINT/SIGTERM")
	cors := v.str("KG_CORS_ORIGINS", "")
	fs.StringVar(&cors, "cors-origins", cors, "comma-separated origins allowed to call /graphql from a browser, * for any (env KG_CORS_ORIGINS)")
	rate := v.float("KG_RATE_LIMIT", 0)
	fs.Float64Var(&rate, "rate-limit", rate, "requests per second per client on /graphql and /export; 0 = unlimited (env KG_RATE_LIMIT)")
	fs.BoolVar(&c.Server.DisableIntrospection, "no-introspection", false, "turn GraphQL introspection off (the playground needs it)")
	c.Server.LoaderWait = v.duration("KG_LOADER_WAIT", server.DefaultLoaderWait)
	fs.DurationVar(&c.Server.LoaderWait, "loader-wait", c.Server.LoaderWait, "batching window of the per-request GraphQL dataloaders (env KG_LOADER_WAIT)")
	c.Server.ResponseCacheBytes = v.int64("KG_RESPONSE_CACHE_BYTES", server.DefaultResponseCache)
	fs.Int64Var(&c.Server.ResponseCacheBytes, "response-cache-bytes", c.Server.ResponseCacheBytes,
		"memory for cached responses of successful read-only queries, emptied by every write; -1 turns the cache off (env KG_RESPONSE_CACHE_BYTES)")
	c.Index.register(fs, v)
	if err := parseFlags(fs, args); err != nil {
		return c, err
	}
	if err := v.err(); err != nil {
		return c, err
	}
	c.AdminToken = e.getenv("KG_ADMIN_TOKEN")
	c.Server.AdminToken = c.AdminToken
	c.Server.RateLimit = rate
	if rate < 0 {
		return c, fmt.Errorf("--rate-limit must not be negative")
	}
	for _, o := range strings.Split(cors, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.Server.CORSOrigins = append(c.Server.CORSOrigins, o)
		}
	}
	c.Data.resolve()
	if c.Seed != seedAuto && c.Seed != seedAlways && c.Seed != seedNever {
		return c, fmt.Errorf("--seed: want auto, always or never, got %q", c.Seed)
	}
	if c.Server.LoaderWait <= 0 {
		return c, fmt.Errorf("--loader-wait must be positive, got %s", c.Server.LoaderWait)
	}
	if c.Server.ResponseCacheBytes == 0 {
		return c, fmt.Errorf("--response-cache-bytes must be positive, or -1 to turn the cache off")
	}
	if c.ShutdownTimeout <= 0 {
		return c, fmt.Errorf("--shutdown-timeout must be positive")
	}
	if err := c.Store.validate(); err != nil {
		return c, err
	}
	return c, c.Log.validate()
}

func runServe(ctx context.Context, args []string, e env) error {
	c, err := parseServe(args, e)
	if err != nil {
		return err
	}
	log := c.Log.logger(e.stderr)
	st, err := c.Store.open(ctx, log, false)
	if err != nil {
		return err
	}
	if st, err = c.Index.wrap(ctx, st, c.Store, log); err != nil {
		return err
	}
	defer closeStore(context.WithoutCancel(ctx), st, log)

	app, err := server.New(st, c.Server, log)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	ready := &readiness{}
	srv := server.NewHTTPServer(c.Addr, ready.gate(app), c.Server)
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.InfoContext(ctx, "listening", "addr", ln.Addr().String(), "store", c.Store.describe())

	if err := seedOnStart(ctx, st, c, log); err != nil {
		stopErr := shutdown(srv, c.ShutdownTimeout, log)
		if ctx.Err() != nil {
			// Told to stop while seeding: the store keeps its previous graph.
			log.Info("interrupted while seeding; the store keeps its previous graph", "reason", context.Cause(ctx))
			return stopErr
		}
		return err
	}
	ready.seeded.Store(true)
	log.InfoContext(ctx, "ready", "addr", ln.Addr().String())
	go warm(ctx, app, log)

	select {
	case <-ctx.Done():
		log.Info("shutting down", "reason", context.Cause(ctx))
		return shutdown(srv, c.ShutdownTimeout, log)
	case err := <-serveErr:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("serve: %w", err)
	}
}

// seedOnStart loads the dataset according to the --seed mode.
func seedOnStart(ctx context.Context, st graph.Store, c serveConfig, log *slog.Logger) error {
	if c.Seed == seedNever {
		return nil
	}
	if c.Seed == seedAuto {
		docs, err := st.Documents(ctx)
		if err != nil {
			return fmt.Errorf("list documents: %w", err)
		}
		for _, d := range docs {
			if d.ID != graph.CurationDocument {
				log.InfoContext(ctx, "store already seeded; not seeding (use kg seed or --seed always to refresh)", "documents", len(docs))
				return nil
			}
		}
	}
	ds, err := openDataset(c.Data)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Data.describe(), err)
	}
	_, err = loadDataset(ctx, st, ds, c.Data, log)
	return err
}

func shutdown(srv *http.Server, timeout time.Duration, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Error("shutdown", "err", err)
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// readiness holds requests back (503) until the store is seeded; /livez
// always passes through. Once seeded, everything (including /readyz, which
// then pings the store) is the server's.
type readiness struct {
	seeded atomic.Bool
}

func (r *readiness) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.seeded.Load() || req.URL.Path == "/livez" {
			next.ServeHTTP(w, req)
			return
		}
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, `{"status":"unavailable","reason":"seeding the store"}`)
	})
}

// warm builds the analysis queries' derived data in the background once
// the store is ready, so the first stats or search does not wait for it
// (at 1e6 quads about a second of CPU). A failure is only logged: the
// first request that needs the data builds it again.
func warm(ctx context.Context, app *server.App, log *slog.Logger) {
	start := time.Now()
	if err := app.Warm(ctx); err != nil {
		if ctx.Err() == nil {
			log.WarnContext(ctx, "warming the query data failed; the first request will build it", "err", err)
		}
		return
	}
	log.InfoContext(ctx, "query data warmed", "took", time.Since(start).Round(time.Millisecond))
}

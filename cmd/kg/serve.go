package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/minhang-kg/kg/graph"
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
}

func parseServe(args []string, e env) (serveConfig, error) {
	var c serveConfig
	fs := newFlagSet("serve", "[--addr ADDR] [--store bbolt|memory|postgres] [--path FILE] [--dsn DSN] [--data DIR] [--seed auto|always|never]", e)
	c.Addr = envOr(e, "KG_ADDR", "127.0.0.1:8080")
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (env KG_ADDR)")
	c.Store.register(fs, e)
	c.Data.register(fs)
	c.Log.register(fs, e)
	fs.StringVar(&c.Seed, "seed", seedAuto, "seed the store before serving: auto (only when it holds no document), always, never")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 10*time.Second, "how long to let requests finish on SIGINT/SIGTERM")
	if err := parseFlags(fs, args); err != nil {
		return c, err
	}
	c.AdminToken = e.getenv("KG_ADMIN_TOKEN")
	c.Data.resolve()
	if c.Seed != seedAuto && c.Seed != seedAlways && c.Seed != seedNever {
		return c, fmt.Errorf("--seed: want auto, always or never, got %q", c.Seed)
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
	defer closeStore(context.WithoutCancel(ctx), st, log)

	app, err := newHandler(st, c, log)
	if err != nil {
		return err
	}
	ready := &readiness{store: st}
	srv := newHTTPServer(c.Addr, ready.gate(app))
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.InfoContext(ctx, "listening", "addr", ln.Addr().String(), "store", c.Store.describe())

	if err := seedOnStart(ctx, st, c, log); err != nil {
		shutdown(srv, c.ShutdownTimeout, log)
		return err
	}
	ready.seeded.Store(true)
	log.InfoContext(ctx, "ready", "addr", ln.Addr().String())

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

// readiness answers /livez and /readyz itself and holds every other request
// back (503) until the store is seeded.
type readiness struct {
	store  interface{ Ping(context.Context) error }
	seeded atomic.Bool
}

func (r *readiness) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch req.URL.Path {
		case "/livez":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintln(w, "ok")
			return
		case "/readyz":
			r.readyz(w, req)
			return
		}
		if !r.seeded.Load() {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "seeding the store, try again shortly", http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(w, req)
	})
}

func (r *readiness) readyz(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !r.seeded.Load() {
		http.Error(w, "not ready: seeding", http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(req.Context(), 2*time.Second)
	defer cancel()
	if err := r.store.Ping(ctx); err != nil {
		http.Error(w, "not ready: store unavailable", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

// newHandler builds the application handler.
// TODO(server): replace with server.New(st, server.Config{...}, log) when
// package server lands; until then only /livez and /readyz are served.
func newHandler(_ graph.Store, _ serveConfig, _ *slog.Logger) (http.Handler, error) {
	return http.NotFoundHandler(), nil
}

// newHTTPServer returns a server with timeouts.
// TODO(server): replace with server.NewHTTPServer when it lands.
func newHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
}

// Package server is the HTTP surface of Minhang KG: /graphql (GraphQL over
// HTTP, with limits and one error presenter), /export/{format}, /livez,
// /readyz and /metrics, with request IDs, structured access logs, CORS and an
// optional per-client rate limit. See README.md for the limits and examples.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/export"
	"github.com/minhang-kg/kg/graph/query"
	"github.com/minhang-kg/kg/resolvers"
)

// App is the whole HTTP surface over the store (an http.Handler), with the
// work a process may run beside it.
type App struct {
	http.Handler
	query *query.Service
}

// Warm builds the derived data the analysis queries need (search keys,
// degrees, statistics) for the store's current graph, so that the first
// request after start does not wait for it. kg serve calls it in the
// background once the store is ready. It returns when the data is built
// or ctx ends; an error means the store could not be read, and the first
// request will try again.
func (a *App) Warm(ctx context.Context) error {
	return a.query.Warm(ctx)
}

// New returns the whole HTTP surface over the store.
func New(store graph.Store, cfg Config, log *slog.Logger) (*App, error) {
	if store == nil {
		return nil, errors.New("server: nil store")
	}
	if log == nil {
		return nil, errors.New("server: nil logger")
	}
	cfg = cfg.withDefaults()
	m := newMetrics(cfg.Version)
	st := instrumentedStore{Store: store, errs: m.storeErrors}
	log = slog.New(requestIDHandler{log.Handler()})

	qs := query.New(st, log)
	res := resolvers.New(st, qs, log.With("component", "resolvers"), resolvers.Options{LoaderWait: cfg.LoaderWait})
	log = log.With("component", "server")
	gql := newGraphQL(res.Schema(), cfg, m, newResponseCache(st, cfg.ResponseCacheBytes, m), log)

	var limited func(http.Handler) http.Handler = func(h http.Handler) http.Handler { return h }
	if cfg.RateLimit > 0 {
		limited = newRateLimiter(cfg.RateLimit, cfg.RateBurst, m).wrap
	}

	csrf, err := crossOriginProtection(cfg)
	if err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.Handle("/graphql", withCORS(csrf(limited(graphqlHTTP(res.Middleware(gql), cfg))), cfg))
	mux.Handle(DocumentsPath, csrf(documentsHandler(st, cfg, log)))
	mux.Handle("GET /export", export.IndexHandler())
	mux.Handle("/export/{format}", limited(export.Handler(st, log)))
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, r *http.Request) {
		writeStatus(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", readyz(st, log))
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	home := mountWeb(mux)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, home, http.StatusFound)
	})

	name := func(r *http.Request) string {
		_, pattern := mux.Handler(r)
		if pattern == "" {
			return "other"
		}
		return pattern
	}
	return &App{Handler: observe(mux, name, m, log, cfg.TrustProxyHeaders), query: qs}, nil
}

// NewHTTPServer returns an http.Server for h with the configured timeouts
// and header limit.
func NewHTTPServer(addr string, h http.Handler, cfg Config) *http.Server {
	cfg = cfg.withDefaults()
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
	}
}

func newGraphQL(schema graphql.ExecutableSchema, cfg Config, m *metrics, responses *responseCache, log *slog.Logger) *handler.Server {
	srv := handler.New(schema)
	srv.AddTransport(getTransport{cache: responses})
	srv.AddTransport(postTransport{cache: responses})
	cache := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(cache)
	srv.SetParserTokenLimit(max(cfg.ParserTokenLimit, 0))
	srv.Use(fieldLimit{max: cfg.MaxFields, tokenLimit: max(cfg.ParserTokenLimit, 0), cache: cache})
	if cfg.DisableIntrospection {
		// Suggestions ("Did you mean …") would reveal the schema.
		srv.SetDisableSuggestion(true)
	} else {
		srv.Use(extension.Introspection{})
	}
	srv.Use(shapeLimit{maxDepth: cfg.MaxDepth, maxAliases: cfg.MaxAliases, noIntrospection: cfg.DisableIntrospection})
	if cfg.MaxComplexity > 0 {
		srv.Use(extension.FixedComplexityLimit(cfg.MaxComplexity))
	}
	srv.Use(operationMetrics{m: m})
	p := presenter{log: log, metrics: m}
	srv.SetErrorPresenter(p.present)
	srv.SetRecoverFunc(p.recover)
	return srv
}

// operationMetrics records every GraphQL response by operation.
type operationMetrics struct{ m *metrics }

var (
	_ graphql.HandlerExtension    = operationMetrics{}
	_ graphql.ResponseInterceptor = operationMetrics{}
)

func (operationMetrics) ExtensionName() string                          { return "OperationMetrics" }
func (operationMetrics) Validate(schema graphql.ExecutableSchema) error { return nil }

func (o operationMetrics) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	oc := graphql.GetOperationContext(ctx)
	name, typ := oc.OperationName, "invalid"
	if oc.Operation != nil {
		typ = string(oc.Operation.Operation)
		if name == "" {
			name = oc.Operation.Name
		}
	}
	if i := infoFrom(ctx); i != nil {
		i.setOperation(strings.TrimSpace(typ + " " + name))
	}
	label := o.m.opNames.label(name)
	result := "ok"
	if len(resp.Errors) > 0 {
		result = "error"
	}
	o.m.operations.WithLabelValues(label, typ, result).Inc()
	if !oc.Stats.OperationStart.IsZero() {
		o.m.opDuration.WithLabelValues(label, typ).Observe(time.Since(oc.Stats.OperationStart).Seconds())
	}
	return resp
}

// crossOriginProtection refuses unsafe (POST) requests that a browser sends
// from another origin (Sec-Fetch-Site / Origin), except from the configured
// CORS origins: defence in depth on top of accepting only JSON bodies. With a
// wildcard CORS origin the API is open by choice and CORS alone applies.
func crossOriginProtection(cfg Config) (func(http.Handler) http.Handler, error) {
	if slices.ContainsFunc(cfg.CORSOrigins, func(o string) bool { return strings.Contains(o, "*") }) {
		return func(h http.Handler) http.Handler { return h }, nil
	}
	p := http.NewCrossOriginProtection()
	for _, o := range cfg.CORSOrigins {
		if err := p.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("server: CORS origin %q: %w", o, err)
		}
	}
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusForbidden, CodeCrossOrigin, "cross-origin request refused")
	}))
	return p.Handler, nil
}

func withCORS(h http.Handler, cfg Config) http.Handler {
	if len(cfg.CORSOrigins) == 0 {
		return h
	}
	return cors.New(cors.Options{
		AllowedOrigins: cfg.CORSOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Content-Type", "Accept", "Authorization", "X-Request-ID"},
		ExposedHeaders: []string{"X-Request-ID"},
		MaxAge:         600,
	}).Handler(h)
}

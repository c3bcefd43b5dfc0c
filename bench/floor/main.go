// Command floor serves the GraphQL floor for load tests: gqlgen v0.17.98
// with `type Query { hello: String! }`, configured like the real server's
// handler (POST and GET transports, LRU query cache), so that
// scripts/load.sh can compare kg serve's req/s with the cheapest GraphQL
// request the same library can answer on the same machine, in the same
// run.
//
//	go run ./bench/floor -addr 127.0.0.1:8181
package main

//go:generate go run github.com/99designs/gqlgen generate --config gqlgen.yml

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/minhang-kg/kg/bench/floor/generated"
)

// resolver answers the one field.
type resolver struct{}

func (resolver) Query() generated.QueryResolver { return queryResolver{} }

type queryResolver struct{}

func (queryResolver) Hello(context.Context) (string, error) { return "world", nil }

// Handler returns the floor's HTTP handler (also used by in-process
// benchmarks).
func Handler() http.Handler {
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: resolver{}}))
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	mux := http.NewServeMux()
	mux.Handle("/graphql", srv)
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	return mux
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8181", "listen address")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	hs := &http.Server{Addr: *addr, Handler: Handler(), ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	log.Info("floor listening", "addr", *addr)
	if err := hs.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("floor", "err", err)
		os.Exit(1)
	}
}

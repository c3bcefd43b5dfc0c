// Package floor is the GraphQL floor for load tests and benchmarks:
// gqlgen v0.17.98 with `type Query { hello: String! }`, configured like the
// real server's handler (POST and GET transports, LRU query cache), so that
// kg serve's req/s can be compared with the cheapest GraphQL request the
// same library answers on the same machine, in the same run. The command
// is bench/floor/cmd/floor.
package floor

//go:generate go tool gqlgen generate --config gqlgen.yml

import (
	"context"
	"net/http"

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

// Package resolvers holds the hand-written GraphQL resolvers of the Minhang KG
// API. The executor is generated into resolvers/generated and the models into
// resolvers/model from schema/*.graphqls (see gqlgen.yml).
//
// Resolvers stay thin: arguments → graph.Store, the graph/query service or a
// per-request loader → result. Nothing here imports Cayley.
package resolvers

//go:generate go tool gqlgen generate

import (
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/query"
	"github.com/minhang-kg/kg/resolvers/generated"
)

// Resolver is the root resolver. Create it with New.
type Resolver struct {
	store      graph.Store
	query      *query.Service
	log        *slog.Logger
	loaderWait time.Duration
}

// Options tune the resolvers.
type Options struct {
	// LoaderWait is how long a per-request loader collects keys before it
	// fetches them in one batch. Zero means DefaultLoaderWait.
	LoaderWait time.Duration
}

// DefaultLoaderWait is the default batching window of the per-request loaders.
const DefaultLoaderWait = 200 * time.Microsecond

// New returns the root resolver over a store and the query service built on it.
func New(store graph.Store, svc *query.Service, log *slog.Logger, opts Options) *Resolver {
	if opts.LoaderWait <= 0 {
		opts.LoaderWait = DefaultLoaderWait
	}
	return &Resolver{store: store, query: svc, log: log, loaderWait: opts.LoaderWait}
}

// Schema returns the executable schema with the @admin directive and the
// complexity functions wired in.
func (r *Resolver) Schema() graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{
		Resolvers:  r,
		Directives: generated.DirectiveRoot{Admin: adminDirective},
		Complexity: complexity(),
	})
}

package resolvers

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

type ctxKey int

const (
	loadersKey ctxKey = iota
	authKey
)

// Auth is what the HTTP layer found out about the caller.
type Auth struct {
	// Actor is who the caller is when the request carries the admin token
	// ("" otherwise). It is recorded in the audit trail.
	Actor string
	// Denied says why mutations are refused when Actor is "" (e.g. "no admin
	// token is configured"); shown to the client.
	Denied string
}

// WithAuth returns ctx carrying the caller's authorisation.
func WithAuth(ctx context.Context, a Auth) context.Context {
	return context.WithValue(ctx, authKey, a)
}

func authFrom(ctx context.Context) Auth {
	a, _ := ctx.Value(authKey).(Auth)
	return a
}

// adminDirective implements @admin: the field resolves only for a caller with
// the admin token.
func adminDirective(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
	a := authFrom(ctx)
	if a.Actor == "" {
		reason := a.Denied
		if reason == "" {
			reason = "admin token required"
		}
		return nil, fmt.Errorf("%w: %s", ErrForbidden, reason)
	}
	return next(ctx)
}

// Middleware gives every request its own loaders, as in dataloadgen's
// example: loaders never share a cache across requests. They are created
// on first use, so requests that never load (e.g. answered from the
// server's response cache) do not pay for them.
func (r *Resolver) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := context.WithValue(req.Context(), loadersKey, &requestLoaders{r: r})
		next.ServeHTTP(w, req.WithContext(ctx))
	})
}

// requestLoaders creates a request's loaders once, on first use.
type requestLoaders struct {
	r    *Resolver
	once sync.Once
	l    *loaders
}

func (rl *requestLoaders) get() *loaders {
	rl.once.Do(func() { rl.l = rl.r.newLoaders() })
	return rl.l
}

// loaders returns the request's loaders; a request that did not pass through
// Middleware gets fresh ones (correct, only without cross-field batching).
func (r *Resolver) loaders(ctx context.Context) *loaders {
	if rl, ok := ctx.Value(loadersKey).(*requestLoaders); ok {
		return rl.get()
	}
	return r.newLoaders()
}

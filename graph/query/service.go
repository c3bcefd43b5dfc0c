package query

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"

	"golang.org/x/sync/singleflight"

	"github.com/minhang-kg/kg/graph"
)

// Argument limits. Requests outside them fail with an *ArgError.
const (
	MaxFirst       = 100  // first: 1..MaxFirst
	MaxPathHops    = 6    // maxHops: 1..MaxPathHops
	MaxSubgraphHop = 3    // hops: 0..MaxSubgraphHop
	MaxLimit       = 2000 // limit: 1..MaxLimit
	MaxTextRunes   = 200  // search text, after normalisation
)

// Service answers read-side graph questions over a graph.Store. It is safe
// for concurrent use. Derived data (search index, degree table, joint-context
// index) is cached and rebuilt when the store's Generation changes.
type Service struct {
	store graph.Store
	log   *slog.Logger

	snap  atomic.Pointer[snapshot]
	group singleflight.Group
	// builds counts snapshot builds (for tests and logs).
	builds atomic.Int64
}

// New returns a Service reading from store. A nil log discards logs.
func New(store graph.Store, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, log: log.With("component", "query")}
}

// ArgError is a bad request argument. It wraps graph.ErrInvalid, and its
// message names the argument, e.g. "first: must be between 1 and 100, got 500".
type ArgError struct {
	Arg string // argument name as in the GraphQL API, e.g. "first"
	Msg string
}

func (e *ArgError) Error() string { return e.Arg + ": " + e.Msg }

// Unwrap makes errors.Is(err, graph.ErrInvalid) hold.
func (e *ArgError) Unwrap() error { return graph.ErrInvalid }

func argErr(arg, format string, a ...any) error {
	return &ArgError{Arg: arg, Msg: fmt.Sprintf(format, a...)}
}

func checkRange(arg string, v, lo, hi int) error {
	if v < lo || v > hi {
		return argErr(arg, "must be between %d and %d, got %d", lo, hi, v)
	}
	return nil
}

// kindSet validates kinds and returns them as a set; nil means all kinds.
func kindSet(kinds []graph.Kind) (map[graph.Kind]bool, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	m := make(map[graph.Kind]bool, len(kinds))
	for _, k := range kinds {
		if !k.Valid() {
			return nil, argErr("kinds", "unknown kind %q", string(k))
		}
		m[k] = true
	}
	return m, nil
}

// current returns the snapshot for the store's current generation, building
// it if needed. Concurrent callers needing the same generation share one
// build; a caller whose ctx ends stops waiting but the build carries on for
// the others.
func (s *Service) current(ctx context.Context) (*snapshot, error) {
	gen, err := s.store.Generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("query: store generation: %w", err)
	}
	if cur := s.snap.Load(); cur != nil && cur.gen == gen {
		return cur, nil
	}
	ch := s.group.DoChan(strconv.FormatInt(gen, 10), func() (any, error) {
		if cur := s.snap.Load(); cur != nil && cur.gen == gen {
			return cur, nil
		}
		snap, err := s.build(context.WithoutCancel(ctx), gen)
		if err != nil {
			return nil, err
		}
		s.snap.Store(snap)
		return snap, nil
	})
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("query: waiting for index build: %w", ctx.Err())
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*snapshot), nil
	}
}

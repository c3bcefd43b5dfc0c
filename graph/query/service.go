package query

import (
	"context"
	"fmt"
	"log/slog"
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
	// started counts rebuilds begun; builds counts snapshots built (for
	// tests).
	started atomic.Int64
	builds  atomic.Int64
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

// current returns a snapshot that reflects every write completed before the
// call, building one if the store's generation moved. Builds run one at a
// time, shared by every caller that needs one (singleflight): a write storm
// costs one build after another, never one per caller. A caller whose ctx
// ends stops waiting, but the build carries on for the others.
func (s *Service) current(ctx context.Context) (*snapshot, error) {
	// Builds that start after this point see every write completed before
	// the call.
	seen := s.started.Load()
	for {
		gen, err := s.store.Generation(ctx)
		if err != nil {
			return nil, fmt.Errorf("query: store generation: %w", err)
		}
		if cur := s.snap.Load(); cur != nil && cur.gen == gen {
			return cur, nil
		}
		ch := s.group.DoChan("build", func() (any, error) {
			return s.rebuild(context.WithoutCancel(ctx))
		})
		var r singleflight.Result
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("query: waiting for index build: %w", ctx.Err())
		case r = <-ch:
		}
		if r.Err != nil {
			return nil, r.Err
		}
		if b := r.Val.(built); b.seq > seen {
			return b.snap, nil
		}
		// That build was already running when the call began, so it may
		// miss a write the caller has seen: wait for the next one.
	}
}

// Warm builds the derived data for the store's current generation now, so
// that the first request after start does not wait for it (at 1e6 quads
// ~0.5 s of CPU over an in-memory index; partnerships are still derived
// on first use). Call it in the background once the store is ready; it
// returns when the data is built or ctx ends.
func (s *Service) Warm(ctx context.Context) error {
	_, err := s.current(ctx)
	return err
}

// built is the result of one rebuild: the snapshot and the build's place in
// the order builds started.
type built struct {
	snap *snapshot
	seq  int64
}

// rebuild reads the generation and builds the snapshot for it, unless the
// current snapshot already has it. Only one runs at a time (s.group).
func (s *Service) rebuild(ctx context.Context) (built, error) {
	seq := s.started.Add(1)
	gen, err := s.store.Generation(ctx)
	if err != nil {
		return built{}, fmt.Errorf("query: store generation: %w", err)
	}
	if cur := s.snap.Load(); cur != nil && cur.gen == gen {
		return built{cur, seq}, nil
	}
	snap, err := s.build(ctx, gen)
	if err != nil {
		return built{}, err
	}
	s.snap.Store(snap)
	return built{snap, seq}, nil
}

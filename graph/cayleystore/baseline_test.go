package cayleystore

// Baselines for the read benchmarks, measured in the same process as the
// stores: the same questions written directly against Cayley (its Path API,
// and hand-written loops over QuadIterator/QuadDirection/NameOf), and a
// plain map[string][]edge adjacency (bench/mapgraph, the practical limit).
// They live here because only this package may import Cayley.
//
//	go test ./graph/cayleystore -run '^$' -bench Baseline -benchmem
//	KG_BENCH_SIZES=1e3,1e4,1e5,1e6 KG_BENCH_BACKENDS=bbolt go test ./graph/cayleystore -run '^$' -bench Baseline -benchtime 2000x -timeout 2h

import (
	"context"
	"fmt"
	"slices"
	"testing"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/query/path"
	"github.com/cayleygraph/quad"

	"github.com/minhang-kg/kg/bench/benchenv"
	"github.com/minhang-kg/kg/bench/mapgraph"
	"github.com/minhang-kg/kg/bench/storeops"
	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/index"
)

func benchOpen(ctx context.Context, backend, p, dsn string) (graph.Store, error) {
	return Open(ctx, Config{Backend: backend, Path: p, DSN: dsn}, nil)
}

// cayleyOps answers the benchmark questions directly on a QuadStore.
type cayleyOps struct {
	qs                       cgraph.QuadStore
	allRel, jointCtx, jointS []interface{}
	isRel                    map[quad.Value]bool
}

func newCayleyOps(qs cgraph.QuadStore) *cayleyOps {
	c := &cayleyOps{qs: qs, isRel: map[quad.Value]bool{}}
	for _, p := range graph.Vocabulary {
		iri := relIRI(p.ID)
		c.allRel = append(c.allRel, iri)
		c.isRel[iri] = true
		switch {
		case p.Joint && p.Symmetric:
			c.jointS = append(c.jointS, iri)
		case p.Joint:
			c.jointCtx = append(c.jointCtx, iri)
		}
	}
	return c
}

func (c *cayleyOps) ids(ctx context.Context, p *path.Path, self string) ([]string, error) {
	var out []string
	err := p.Iterate(ctx).EachValue(c.qs, func(v quad.Value) error {
		if id, ok := idOf(v); ok && id != self {
			out = append(out, id)
		}
		return nil
	})
	slices.Sort(out)
	return slices.Compact(out), err
}

// pathOneHop: Path API, both directions through any relation predicate.
func (c *cayleyOps) pathOneHop(ctx context.Context, id string) ([]string, error) {
	return c.ids(ctx, path.StartPath(c.qs, idIRI(id)).Both(c.allRel...), "")
}

// pathPartners: Path API, symmetric joint both ways plus joint out then in.
func (c *cayleyOps) pathPartners(ctx context.Context, id string) ([]string, error) {
	a, err := c.ids(ctx, path.StartPath(c.qs, idIRI(id)).Both(c.jointS...), id)
	if err != nil {
		return nil, err
	}
	b, err := c.ids(ctx, path.StartPath(c.qs, idIRI(id)).Out(c.jointCtx...).In(c.jointCtx...), id)
	if err != nil {
		return nil, err
	}
	out := append(a, b...)
	slices.Sort(out)
	return slices.Compact(out), nil
}

// rawEach visits the relation quads at id in direction d, giving the
// predicate and the other end.
func (c *cayleyOps) rawEach(ctx context.Context, id string, d quad.Direction, fn func(pred quad.Value, other string)) error {
	ref, err := c.qs.ValueOf(idIRI(id))
	if err != nil || ref == nil {
		return err
	}
	od := quad.Object
	if d == quad.Object {
		od = quad.Subject
	}
	it := c.qs.QuadIterator(d, ref).Iterate()
	defer it.Close()
	for it.Next(ctx) {
		q := it.Result()
		pr, err := c.qs.QuadDirection(q, quad.Predicate)
		if err != nil {
			return err
		}
		pv, err := c.qs.NameOf(pr)
		if err != nil {
			return err
		}
		if !c.isRel[pv] {
			continue
		}
		or, err := c.qs.QuadDirection(q, od)
		if err != nil {
			return err
		}
		ov, err := c.qs.NameOf(or)
		if err != nil {
			return err
		}
		if other, ok := idOf(ov); ok {
			fn(pv, other)
		}
	}
	return it.Err()
}

func (c *cayleyOps) rawOneHop(ctx context.Context, id string) ([]string, error) {
	var out []string
	add := func(_ quad.Value, other string) { out = append(out, other) }
	if err := c.rawEach(ctx, id, quad.Subject, add); err != nil {
		return nil, err
	}
	if err := c.rawEach(ctx, id, quad.Object, add); err != nil {
		return nil, err
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func (c *cayleyOps) rawPartners(ctx context.Context, id string) ([]string, error) {
	isSym := func(p quad.Value) bool { return slices.Contains(c.jointS, interface{}(p)) }
	isCtx := func(p quad.Value) bool { return slices.Contains(c.jointCtx, interface{}(p)) }
	var out, ctxs []string
	err := c.rawEach(ctx, id, quad.Subject, func(p quad.Value, other string) {
		switch {
		case isSym(p):
			out = append(out, other)
		case isCtx(p):
			ctxs = append(ctxs, other)
		}
	})
	if err != nil {
		return nil, err
	}
	err = c.rawEach(ctx, id, quad.Object, func(p quad.Value, other string) {
		if isSym(p) {
			out = append(out, other)
		}
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(ctxs)
	for _, x := range slices.Compact(ctxs) {
		err := c.rawEach(ctx, x, quad.Object, func(p quad.Value, other string) {
			if isCtx(p) && other != id {
				out = append(out, other)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func (c *cayleyOps) rawPath(ctx context.Context, a, b string, hops int) ([]string, error) {
	var err error
	p := mapgraph.Bidirectional(a, b, hops, func(ids []string) map[string][]string {
		m := make(map[string][]string, len(ids))
		for _, id := range ids {
			if err != nil {
				return m
			}
			m[id], err = c.rawOneHop(ctx, id)
		}
		return m
	})
	return p, err
}

// impl is one way of answering the three questions.
type impl struct {
	name     string
	oneHop   func(ctx context.Context, id string) ([]string, error)
	partners func(ctx context.Context, id string) ([]string, error)
	path     func(ctx context.Context, a, b string, hops int) ([]string, error)
}

func impls(tb testing.TB, backend string, quads int) []impl {
	ctx := context.Background()
	f := benchenv.Facts(quads)
	m := mapgraph.New(f)
	st := benchenv.Loaded(tb, benchOpen, backend, quads)
	cs := st.(*Store)
	c := newCayleyOps(cs.qs)
	ix, err := index.NewWithOptions(ctx, nopCloser{st}, nil, index.Options{Poll: -1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	benchenv.LogMem(tb, fmt.Sprintf("%s/%s index built", benchenv.SizeName(quads), backend))
	store := func(s graph.Store) impl {
		return impl{
			oneHop:   func(ctx context.Context, id string) ([]string, error) { return storeops.OneHop(ctx, s, id) },
			partners: func(ctx context.Context, id string) ([]string, error) { return storeops.Partners(ctx, s, id) },
			path: func(ctx context.Context, a, b string, h int) ([]string, error) {
				return storeops.ShortestPath(ctx, s, a, b, h)
			},
		}
	}
	sImpl, iImpl := store(st), store(ix)
	sImpl.name, iImpl.name = "store", "index"
	return []impl{
		{name: "map",
			oneHop:   func(_ context.Context, id string) ([]string, error) { return m.OneHop(id), nil },
			partners: func(_ context.Context, id string) ([]string, error) { return m.Partners(id), nil },
			path:     func(_ context.Context, a, b string, h int) ([]string, error) { return m.ShortestPath(a, b, h), nil }},
		{name: "cayley-path", oneHop: c.pathOneHop, partners: c.pathPartners},
		{name: "cayley-raw", oneHop: c.rawOneHop, partners: c.rawPartners, path: c.rawPath},
		sImpl,
		iImpl,
	}
}

type nopCloser struct{ graph.Store }

func (nopCloser) Close() error { return nil }

// TestBaselinesAgree checks that every implementation the benchmarks
// compare gives the same answers (paths: the same length), so the
// benchmarks measure the same work.
func TestBaselinesAgree(t *testing.T) {
	ctx := context.Background()
	backends := []string{"memory", "bbolt"}
	if benchenv.PostgresDSN() != "" {
		backends = append(backends, "postgres") // a kg_bench_3000_seed* database
	}
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			t.Setenv("KG_BENCH_CACHE", t.TempDir())
			im := impls(t, backend, 3000)
			s := benchenv.NewSample(benchenv.Facts(3000))
			ref := im[0]
			for _, x := range im[1:] {
				for _, id := range s.IDs {
					want, _ := ref.oneHop(ctx, id)
					got, err := x.oneHop(ctx, id)
					if err != nil || !slices.Equal(want, got) {
						t.Fatalf("%s oneHop(%s) = %v, %v; map: %v", x.name, id, got, err, want)
					}
					want, _ = ref.partners(ctx, id)
					got, err = x.partners(ctx, id)
					if err != nil || !slices.Equal(want, got) {
						t.Fatalf("%s partners(%s) = %v, %v; map: %v", x.name, id, got, err, want)
					}
				}
				if x.path == nil {
					continue
				}
				for _, p := range s.Pairs {
					want, _ := ref.path(ctx, p[0], p[1], 4)
					got, err := x.path(ctx, p[0], p[1], 4)
					if err != nil || len(want) != len(got) {
						t.Fatalf("%s path(%v) = %v, %v; map: %v", x.name, p, got, err, want)
					}
				}
			}
		})
	}
}

// BenchmarkBaseline measures one hop, partners and a ≤4-hop shortest path
// for every implementation, size and backend, in one process. A cell whose
// one operation takes longer than KG_BENCH_MAX_OP is skipped with "not
// run" (benchenv.Bench); one slower than a second is measured once.
func BenchmarkBaseline(b *testing.B) {
	for _, size := range benchenv.Sizes() {
		s := benchenv.NewSample(benchenv.Facts(size))
		for _, backend := range benchenv.Backends() {
			b.Run(fmt.Sprintf("%s/%s", benchenv.SizeName(size), backend), func(b *testing.B) {
				for _, x := range impls(b, backend, size) {
					b.Run("onehop/"+x.name, func(b *testing.B) {
						benchenv.Bench(b, func(ctx context.Context, i int) error {
							_, err := x.oneHop(ctx, s.IDs[i%len(s.IDs)])
							return err
						})
					})
					b.Run("partners/"+x.name, func(b *testing.B) {
						benchenv.Bench(b, func(ctx context.Context, i int) error {
							_, err := x.partners(ctx, s.IDs[i%len(s.IDs)])
							return err
						})
					})
					if x.path == nil {
						continue
					}
					b.Run("path4/"+x.name, func(b *testing.B) {
						benchenv.Bench(b, func(ctx context.Context, i int) error {
							p := s.Pairs[i%len(s.Pairs)]
							_, err := x.path(ctx, p[0], p[1], 4)
							return err
						})
					})
				}
			})
		}
	}
}

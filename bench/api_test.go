package bench_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minhang-kg/kg/bench/benchenv"
	"github.com/minhang-kg/kg/bench/floor"
	"github.com/minhang-kg/kg/bench/workload"
	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/cayleystore"
	"github.com/minhang-kg/kg/graph/index"
	"github.com/minhang-kg/kg/graph/query"
	"github.com/minhang-kg/kg/server"
)

func open(ctx context.Context, backend, path, dsn string) (graph.Store, error) {
	return cayleystore.Open(ctx, cayleystore.Config{Backend: backend, Path: path, DSN: dsn}, nil)
}

type nopClose struct{ graph.Store }

func (nopClose) Close() error { return nil }

// nopCloseDumper is nopClose keeping the store's graph.Dumper, so the index
// loads the way kg serve does (one Dump instead of the scans).
type nopCloseDumper struct {
	nopClose
	d graph.Dumper
}

func (n nopCloseDumper) Dump(ctx context.Context) (*graph.Dump, error) { return n.d.Dump(ctx) }
func (n nopCloseDumper) QuadCount(ctx context.Context) (int64, error)  { return n.d.QuadCount(ctx) }

// noClose hands st to the index without letting the index close it.
func noClose(st graph.Store) graph.Store {
	if d, ok := st.(graph.Dumper); ok {
		return nopCloseDumper{nopClose{st}, d}
	}
	return nopClose{st}
}

// mode is a store as the service would run it: Cayley directly, or the
// in-memory index in front of it.
type mode struct {
	name  string
	store graph.Store
}

func modes(tb testing.TB, backend string, size int) []mode {
	st := benchenv.Loaded(tb, open, backend, size)
	ix, err := index.NewWithOptions(context.Background(), noClose(st), nil, index.Options{Poll: -1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	benchenv.LogMem(tb, fmt.Sprintf("%s/%s index built", benchenv.SizeName(size), backend))
	return []mode{{"direct", st}, {"index", ix}}
}

func each(b *testing.B, fn func(b *testing.B, s benchenv.Sample, m mode)) {
	for _, size := range benchenv.Sizes() {
		s := benchenv.NewSample(benchenv.Facts(size))
		for _, backend := range benchenv.Backends() {
			b.Run(benchenv.SizeName(size)+"/"+backend, func(b *testing.B) {
				for _, m := range modes(b, backend, size) {
					b.Run(m.name, func(b *testing.B) { fn(b, s, m) })
				}
			})
		}
	}
}

// BenchmarkStore measures every read method of graph.Store.
func BenchmarkStore(b *testing.B) {
	each(b, func(b *testing.B, s benchenv.Sample, m mode) {
		st := m.store
		run := func(name string, fn func(ctx context.Context, i int) error) {
			b.Run(name, func(b *testing.B) { benchenv.Bench(b, fn) })
		}
		ten := func(i int) []string {
			out := make([]string, 10)
			for k := range out {
				out[k] = s.IDs[(i+k)%len(s.IDs)]
			}
			return out
		}
		run("Entities10", func(ctx context.Context, i int) error { _, err := st.Entities(ctx, ten(i)); return err })
		run("ScanEntities20", func(ctx context.Context, i int) error {
			n := 0
			return st.ScanEntities(ctx, nil, s.IDs[i%len(s.IDs)], func(*graph.Entity) bool { n++; return n < 20 })
		})
		run("RelationsOf", func(ctx context.Context, i int) error {
			_, err := st.RelationsOf(ctx, []string{s.IDs[i%len(s.IDs)]}, graph.RelationFilter{})
			return err
		})
		run("Neighbors", func(ctx context.Context, i int) error {
			_, err := st.Neighbors(ctx, []string{s.IDs[i%len(s.IDs)]}, graph.RelationFilter{})
			return err
		})
		run("LookupName", func(ctx context.Context, i int) error {
			_, err := st.LookupName(ctx, s.Names[i%len(s.Names)])
			return err
		})
		run("Documents", func(ctx context.Context, _ int) error { _, err := st.Documents(ctx); return err })
		run("Generation", func(ctx context.Context, _ int) error { _, err := st.Generation(ctx); return err })
		run("Stats", func(ctx context.Context, _ int) error { _, err := st.Stats(ctx); return err })
	})
}

// BenchmarkQuery measures each contract query through graph/query.
func BenchmarkQuery(b *testing.B) {
	ctx := context.Background()
	each(b, func(b *testing.B, s benchenv.Sample, m mode) {
		svc := query.New(m.store, slog.New(slog.DiscardHandler))
		if _, err := svc.TopConnected(ctx, 1); err != nil { // build the derived index once
			b.Fatal(err)
		}
		run := func(name string, fn func(ctx context.Context, i int) error) {
			b.Run(name, func(b *testing.B) { benchenv.Bench(b, fn) })
		}
		id := func(i int) string { return s.IDs[i%len(s.IDs)] }
		run("entity", func(ctx context.Context, i int) error {
			if _, err := m.store.Entities(ctx, []string{id(i)}); err != nil {
				return err
			}
			_, err := m.store.RelationsOf(ctx, []string{id(i)}, graph.RelationFilter{})
			return err
		})
		run("search", func(ctx context.Context, i int) error {
			_, err := svc.Search(ctx, searchText(s.Names[i%len(s.Names)]), nil, 10)
			return err
		})
		run("partners", func(ctx context.Context, i int) error {
			_, err := svc.Partners(ctx, id(i), 20, graph.Span{})
			return err
		})
		run("partnerships", func(ctx context.Context, _ int) error {
			_, err := svc.Partnerships(ctx, nil, 20, "", graph.Span{})
			return err
		})
		run("paths", func(ctx context.Context, i int) error {
			p := s.Pairs[i%len(s.Pairs)]
			_, err := svc.Paths(ctx, p[0], p[1], 4, 3, graph.Span{})
			return err
		})
		run("subgraph", func(ctx context.Context, i int) error {
			_, err := svc.Subgraph(ctx, []string{id(i)}, 1, nil, 300, graph.Span{})
			return err
		})
		run("stats", func(ctx context.Context, _ int) error {
			if _, err := m.store.Stats(ctx); err != nil {
				return err
			}
			_, err := svc.TopConnected(ctx, 10)
			return err
		})
		run("indicators", func(ctx context.Context, _ int) error {
			_, err := svc.Indicators(ctx, query.IndicatorFilter{}, 100)
			return err
		})
	})
}

func searchText(name string) string {
	r := []rune(name)
	if len(r) > 4 {
		return string(r[2:5])
	}
	return name
}

// post sends one GraphQL request through h and returns the response.
func post(h http.Handler, body []byte) *httptest.ResponseRecorder {
	return postCtx(context.Background(), h, body)
}

// postCtx is post with the request's context.
func postCtx(ctx context.Context, h http.Handler, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// BenchmarkHTTP measures each contract query through the real HTTP handler
// (server.New: middleware, limits, gqlgen, resolvers, loaders), next to the
// GraphQL floor in the same process.
func BenchmarkHTTP(b *testing.B) {
	b.Run("floor/hello", func(b *testing.B) {
		h := floor.Handler()
		body := []byte(`{"query":"{ hello }"}`)
		for b.Loop() {
			if w := post(h, body); w.Code != http.StatusOK {
				b.Fatalf("HTTP %d", w.Code)
			}
		}
	})
	each(b, func(b *testing.B, s benchenv.Sample, m mode) {
		h, err := server.New(m.store, server.Config{LoaderWait: loaderWait(b), ResponseCacheBytes: responseCache(b)}, slog.New(slog.DiscardHandler))
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range workload.Queries {
			b.Run(q.Name, func(b *testing.B) {
				bodies := make([][]byte, 64)
				for i := range bodies {
					bodies[i] = workload.Body(q, s, i)
				}
				// The probe (i = 0) and the first timed requests must answer
				// without GraphQL errors (checked inside the cell, so a query
				// that takes seconds is sent once, not eight more times).
				benchenv.Bench(b, func(ctx context.Context, i int) error {
					w := postCtx(ctx, h, bodies[i%len(bodies)])
					if err := ctx.Err(); err != nil {
						return err
					}
					if w.Code != http.StatusOK {
						return fmt.Errorf("%s: HTTP %d: %s", q.Name, w.Code, abbrev(w.Body.String()))
					}
					if i < 8 && strings.Contains(w.Body.String(), `"errors"`) {
						return fmt.Errorf("%s: %s", q.Name, abbrev(w.Body.String()))
					}
					return nil
				})
			})
		}
	})
}

// loaderWait is KG_BENCH_LOADER_WAIT (a duration), else the server's
// default.
func loaderWait(tb testing.TB) time.Duration {
	v := os.Getenv("KG_BENCH_LOADER_WAIT")
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		tb.Fatalf("KG_BENCH_LOADER_WAIT: %v", err)
	}
	return d
}

// responseCache is KG_BENCH_RESPONSE_CACHE (bytes; -1 turns the server's
// response cache off), else the server's default (on: the 64 request
// bodies a cell cycles through are then answered from the cache after
// their first pass).
func responseCache(tb testing.TB) int64 {
	v := os.Getenv("KG_BENCH_RESPONSE_CACHE")
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n == 0 {
		tb.Fatalf("KG_BENCH_RESPONSE_CACHE: want a byte count or -1, got %q", v)
	}
	return n
}

func abbrev(s string) string {
	if len(s) > 400 {
		return s[:400] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}

// TestWorkloadAnswers keeps the benchmark and load-test workload in step
// with the API: every query of bench/workload, with every variable set the
// benchmarks use, answers without errors through the real handler, direct
// and through the index.
func TestWorkloadAnswers(t *testing.T) {
	s := benchenv.NewSample(benchenv.Facts(2000))
	t.Setenv("KG_BENCH_CACHE", t.TempDir())
	for _, m := range modes(t, "memory", 2000) {
		h, err := server.New(m.store, server.Config{LoaderWait: time.Microsecond}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range workload.Queries {
			for i := 0; i < 64; i += 7 {
				w := post(h, workload.Body(q, s, i))
				if w.Code != http.StatusOK || strings.Contains(w.Body.String(), `"errors"`) {
					t.Fatalf("%s/%s #%d: HTTP %d: %s", m.name, q.Name, i, w.Code, abbrev(w.Body.String()))
				}
			}
		}
		w := post(floor.Handler(), []byte(`{"query":"{ hello }"}`))
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"hello":"world"`) {
			t.Fatalf("floor: HTTP %d: %s", w.Code, w.Body)
		}
	}
}

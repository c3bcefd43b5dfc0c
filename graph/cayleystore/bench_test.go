package cayleystore

// Write-side benchmarks: bulk loading a synthetic graph with
// ReplaceDocument (one atomic ApplyDeltas) against Cayley's own batch
// writer (graph.NewWriter, not atomic), per backend and size; and the quad
// count calibration of the generator.
//
//	KG_BENCH_SIZES=1e4,1e5 go test ./graph/cayleystore -run '^$' -bench 'Load' -benchtime 1x

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	_ "github.com/cayleygraph/cayley/writer" // registers the "single" quad writer
	"github.com/cayleygraph/quad"

	"github.com/minhang-kg/kg/bench/benchenv"
	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/synth"
)

// freshStore opens an empty store of the backend under b's temp dir.
func freshStore(tb testing.TB, backend string) *Store {
	tb.Helper()
	cfg := Config{Backend: backend}
	switch backend {
	case BackendBbolt:
		cfg.Path = filepath.Join(tb.TempDir(), "kg.db")
	case BackendPostgres:
		if benchenv.PostgresDSN() == "" {
			tb.Skip("KG_TEST_PG_DSN not set")
		}
		cfg.DSN = benchenv.PostgresDSN()
	}
	s, err := Open(context.Background(), cfg, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkLoad measures ReplaceDocument of a whole synthetic graph into an
// empty store (the seed path) and reports quads/s, of wall time and of the
// process's CPU time (which includes the garbage collector's).
func BenchmarkLoad(b *testing.B) {
	ctx := context.Background()
	for _, size := range benchenv.Sizes() {
		f := benchenv.Facts(size)
		for _, backend := range benchenv.Backends() {
			if backend == BackendPostgres {
				continue // shared database: see BenchmarkLoadPostgres
			}
			b.Run(fmt.Sprintf("%s/%s/replace", benchenv.SizeName(size), backend), func(b *testing.B) {
				var quads int64
				var took, cpu time.Duration
				for b.Loop() {
					b.StopTimer()
					s := freshStore(b, backend)
					runtime.GC()
					b.StartTimer()
					t0, c0 := time.Now(), processCPU()
					if _, err := s.ReplaceDocument(ctx, f); err != nil {
						b.Fatal(err)
					}
					took += time.Since(t0)
					cpu += processCPU() - c0
					b.StopTimer()
					st, err := s.Stats(ctx)
					if err != nil {
						b.Fatal(err)
					}
					quads += st.Quads
					b.StartTimer()
				}
				b.ReportMetric(float64(quads)/took.Seconds(), "quads/s")
				if cpu > 0 {
					// Wall time on a shared machine is mostly the others'.
					b.ReportMetric(float64(quads)/cpu.Seconds(), "quads/cpu-s")
				}
			})
			b.Run(fmt.Sprintf("%s/%s/cayley-writer", benchenv.SizeName(size), backend), func(b *testing.B) {
				qs := encodeAll(b, f)
				var took time.Duration
				for b.Loop() {
					b.StopTimer()
					s := freshStore(b, backend)
					b.StartTimer()
					t0 := time.Now()
					qw, err := cgraph.NewQuadWriter("single", s.qs, cgraph.Options{"ignore_duplicate": true})
					if err != nil {
						b.Fatal(err)
					}
					w := cgraph.NewWriter(qw)
					for i := 0; i < len(qs); i += 10000 {
						if _, err := w.WriteQuads(qs[i:min(i+10000, len(qs))]); err != nil {
							b.Fatal(err)
						}
					}
					if err := w.Close(); err != nil {
						b.Fatal(err)
					}
					took += time.Since(t0)
				}
				b.ReportMetric(float64(len(qs)*b.N)/took.Seconds(), "quads/s")
			})
		}
	}
}

// BenchmarkReplace measures replacing a loaded synthetic graph with
// another one of the same size and document (a re-seed that changes every
// fact): the delete-and-add path of ReplaceDocument.
func BenchmarkReplace(b *testing.B) {
	ctx := context.Background()
	for _, size := range benchenv.Sizes() {
		old := benchenv.Facts(size)
		next := synth.MustGenerate(synth.Config{Quads: size, Seed: benchenv.Seed() + 1, Document: old.Document.ID})
		for _, backend := range benchenv.Backends() {
			if backend == BackendPostgres {
				continue
			}
			b.Run(fmt.Sprintf("%s/%s", benchenv.SizeName(size), backend), func(b *testing.B) {
				var took time.Duration
				var quads int
				for b.Loop() {
					b.StopTimer()
					s := freshStore(b, backend)
					if _, err := s.ReplaceDocument(ctx, old); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					t0 := time.Now()
					ch, err := s.ReplaceDocument(ctx, next)
					if err != nil {
						b.Fatal(err)
					}
					took += time.Since(t0)
					quads += ch.QuadsAdded + ch.QuadsRemoved
				}
				b.ReportMetric(float64(quads)/took.Seconds(), "quads/s")
			})
		}
	}
}

// BenchmarkSmallWriteIntoLarge measures small writes into a store holding
// the synthetic graph of each size (one big document): replacing a
// ~300-quad document by another version of itself (alternating, so every
// op changes ~600 quads), and PutFacts of one entity's new alias into the
// big document. Their cost should not depend on the size; see
// TestBboltSmallWriteCost for the structural check.
func BenchmarkSmallWriteIntoLarge(b *testing.B) {
	ctx := context.Background()
	smalls := []graph.DocumentFacts{
		synth.MustGenerate(synth.Config{Quads: 300, Seed: 3, Document: "doc/small"}),
		synth.MustGenerate(synth.Config{Quads: 300, Seed: 4, Document: "doc/small"}),
	}
	for _, size := range benchenv.Sizes() {
		big := benchenv.Facts(size)
		for _, backend := range benchenv.Backends() {
			if backend == BackendPostgres {
				continue // one shared database; the write path is SQL's
			}
			b.Run(fmt.Sprintf("%s/%s", benchenv.SizeName(size), backend), func(b *testing.B) {
				s := freshStore(b, backend)
				if _, err := s.ReplaceDocument(ctx, big); err != nil {
					b.Fatal(err)
				}
				b.Run("replace-small-document", func(b *testing.B) {
					i := 0
					for b.Loop() {
						if _, err := s.ReplaceDocument(ctx, smalls[i%2]); err != nil {
							b.Fatal(err)
						}
						i++
					}
				})
				b.Run("put-facts-into-big-document", func(b *testing.B) {
					e := big.Entities[len(big.Entities)/2]
					i := 0
					for b.Loop() {
						e.Aliases = []string{fmt.Sprintf("别名%d", i)}
						i++
						// The document by ID only, as the API's edits: its
						// text (as big as the graph) is not rewritten.
						f := graph.DocumentFacts{Document: graph.Document{ID: big.Document.ID}, Entities: []graph.Entity{e}}
						if _, err := s.PutFacts(ctx, f); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
	}
}

// encodeAll is the quads ReplaceDocument writes for f, for the writer
// baseline.
func encodeAll(tb testing.TB, f graph.DocumentFacts) []quad.Quad {
	s := freshStore(tb, BackendMemory)
	if _, err := s.ReplaceDocument(context.Background(), f); err != nil {
		tb.Fatal(err)
	}
	var out []quad.Quad
	r := s.reader(context.Background())
	it := s.qs.QuadsAllIterator().Iterate()
	defer it.Close()
	for it.Next(context.Background()) {
		q, err := r.full(it.Result())
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, q)
	}
	return out
}

// TestSynthQuadCount checks the generator's quad accounting against the
// store's count (Stats.Quads after loading into an empty store).
func TestSynthQuadCount(t *testing.T) {
	ctx := context.Background()
	for _, quads := range []int{1000, 10000} {
		f := synth.MustGenerate(synth.Config{Quads: quads, Seed: 1})
		s := freshStore(t, BackendMemory)
		if _, err := s.ReplaceDocument(ctx, f); err != nil {
			t.Fatal(err)
		}
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := int64(synth.QuadCount(f)); st.Quads != want {
			t.Errorf("%d: store counts %d quads, synth.QuadCount %d", quads, st.Quads, want)
		}
	}
}

package bench_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/minhang-kg/kg/bench/benchenv"
	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/index"
)

// scansOnly gives the index a store through the graph.Store methods only
// (so it loads through ScanEntities and ScanRelations), and does not let
// the index close it.
type scansOnly struct{ graph.Store }

func (scansOnly) Close() error { return nil }

// withDump is scansOnly with the store's graph.Dumper: the index loads in
// one pass, as kg serve does when it has no snapshot.
type withDump struct {
	scansOnly
	graph.Dumper
}

// BenchmarkIndexLoad measures how long the in-memory index takes to load
// a stored graph (the ready time of kg serve on a seeded store without an
// index snapshot) and the heap it holds, per size and backend, through the
// one-pass Dump ("dump") and through the scans ("scans").
//
//	KG_BENCH_SIZES=1e4,1e5,1e6 KG_BENCH_BACKENDS=memory,bbolt,postgres \
//	  go test ./bench -run '^$' -bench IndexLoad -benchtime 1x -benchmem
func BenchmarkIndexLoad(b *testing.B) {
	for _, size := range benchenv.Sizes() {
		for _, backend := range benchenv.Backends() {
			for _, path := range []string{"dump", "scans"} {
				b.Run(fmt.Sprintf("%s/%s/%s", benchenv.SizeName(size), backend, path), func(b *testing.B) {
					st := benchenv.Loaded(b, open, backend, size)
					var backing graph.Store = scansOnly{st}
					if path == "dump" {
						d, ok := st.(graph.Dumper)
						if !ok {
							b.Fatalf("the %s store is not a graph.Dumper", backend)
						}
						backing = withDump{scansOnly{st}, d}
					}
					benchIndexLoad(b, backing)
				})
			}
		}
	}
}

// benchIndexLoad times index loads from backing and reports the heap the
// index holds.
func benchIndexLoad(b *testing.B, backing graph.Store) {
	ctx := context.Background()
	var heap uint64
	for b.Loop() {
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		ix, err := index.NewWithOptions(ctx, backing, nil, index.Options{Poll: -1})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&m1)
		heap = m1.HeapAlloc - m0.HeapAlloc
		ix.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(heap)/(1<<20), "MB-heap")
}

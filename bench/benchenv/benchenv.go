// Package benchenv sets up the benchmark matrix: graph sizes and store
// backends from the environment, synthetic graphs loaded into each backend
// (bbolt files cached between runs), and the IDs the benchmarks query.
//
// Environment:
//
//	KG_BENCH_SIZES     comma-separated quad counts, e.g. 1e3,1e4,1e5,1e6 (default 1e3)
//	KG_BENCH_BACKENDS  comma-separated: memory,bbolt,postgres (default memory,bbolt,
//	                   plus postgres when KG_TEST_PG_DSN is set)
//	KG_TEST_PG_DSN     PostgreSQL DSN (scripts/pg.sh start prints it)
//	KG_BENCH_CACHE     directory for cached bbolt files (default $TMPDIR/kg-bench)
//	KG_BENCH_SEED      generator seed (default 1)
//	KG_BENCH_MAX_OP    a cell whose one operation takes longer is not run (default 20s)
//
// Fixture stores are built once per size and seed and reused (see Loaded):
// bbolt files under KG_BENCH_CACHE, PostgreSQL databases
// kg_bench_<quads>_seed<seed> on the server of KG_TEST_PG_DSN.
package benchenv

import (
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/synth"
)

// Sizes returns the graph sizes (quads) to benchmark.
func Sizes() []int {
	v := os.Getenv("KG_BENCH_SIZES")
	if v == "" {
		v = "1e3"
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		x, err := strconv.ParseFloat(f, 64)
		if err != nil || x < 100 || x > 1e8 {
			panic(fmt.Sprintf("KG_BENCH_SIZES: bad size %q", f))
		}
		out = append(out, int(x))
	}
	return out
}

// SizeName formats a size for benchmark names: 1e3, 1e4, 25000.
func SizeName(n int) string {
	l := math.Log10(float64(n))
	if l == math.Trunc(l) {
		return fmt.Sprintf("1e%d", int(l))
	}
	return strconv.Itoa(n)
}

// Backends returns the backends to benchmark.
func Backends() []string {
	if v := os.Getenv("KG_BENCH_BACKENDS"); v != "" {
		return strings.Split(v, ",")
	}
	out := []string{"memory", "bbolt"}
	if PostgresDSN() != "" {
		out = append(out, "postgres")
	}
	return out
}

// PostgresDSN is KG_TEST_PG_DSN.
func PostgresDSN() string { return os.Getenv("KG_TEST_PG_DSN") }

// Seed is the generator seed.
func Seed() int64 {
	if v := os.Getenv("KG_BENCH_SEED"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			panic(fmt.Sprintf("KG_BENCH_SEED: %v", err))
		}
		return n
	}
	return 1
}

// CacheDir is where loaded bbolt files are kept between runs.
func CacheDir() string {
	if v := os.Getenv("KG_BENCH_CACHE"); v != "" {
		return v
	}
	return filepath.Join(os.TempDir(), "kg-bench")
}

var (
	factsMu    sync.Mutex
	factsCache = map[int]graph.DocumentFacts{}
)

// Facts returns the synthetic graph of about quads quads (memoised).
func Facts(quads int) graph.DocumentFacts {
	factsMu.Lock()
	defer factsMu.Unlock()
	if f, ok := factsCache[quads]; ok {
		return f
	}
	f := synth.MustGenerate(synth.Config{Quads: quads, Seed: Seed(), Document: "doc/synth"})
	factsCache[quads] = f
	return f
}

// Sample is the set of IDs a benchmark cycles through: a mix of hubs (by
// degree) and ordinary entities, and pairs for shortest paths.
type Sample struct {
	IDs   []string    // entities to query, hubs and random ones
	Hubs  []string    // the most connected entities
	Pairs [][2]string // endpoints for shortest paths
	Names []string    // names to look up (Chinese, English, alias)
}

// SampleOf draws a deterministic sample from entity IDs (sorted), the best
// connected ones (hubs) and names of entities.
func SampleOf(ids, hubs, names []string) Sample {
	r := rand.New(rand.NewSource(42))
	var s Sample
	s.Hubs = hubs
	for i := 0; i < 64; i++ {
		if i%8 == 7 && len(hubs) > 0 {
			s.IDs = append(s.IDs, hubs[r.Intn(len(hubs))])
		} else {
			s.IDs = append(s.IDs, ids[r.Intn(len(ids))])
		}
	}
	for i := 0; i < 32; i++ {
		s.Pairs = append(s.Pairs, [2]string{ids[r.Intn(len(ids))], ids[r.Intn(len(ids))]})
	}
	for i := 0; i < 32 && len(names) > 0; i++ {
		s.Names = append(s.Names, names[r.Intn(len(names))])
	}
	return s
}

// NewSample draws a deterministic sample of f.
func NewSample(f graph.DocumentFacts) Sample {
	deg := map[string]int{}
	for _, r := range f.Relations {
		deg[r.Subject]++
		deg[r.Object]++
	}
	var ids []string
	for _, e := range f.Entities {
		if deg[e.ID] > 0 {
			ids = append(ids, e.ID)
		}
	}
	sort.Strings(ids)
	byDeg := append([]string(nil), ids...)
	sort.SliceStable(byDeg, func(i, j int) bool { return deg[byDeg[i]] > deg[byDeg[j]] })
	r := rand.New(rand.NewSource(42))
	var s Sample
	s.Hubs = byDeg[:min(8, len(byDeg))]
	// Mostly ordinary entities (what a user clicks), one hub in eight.
	for i := 0; i < 64; i++ {
		if i%8 == 7 {
			s.IDs = append(s.IDs, s.Hubs[r.Intn(len(s.Hubs))])
		} else {
			s.IDs = append(s.IDs, ids[r.Intn(len(ids))])
		}
	}
	for i := 0; i < 32; i++ {
		s.Pairs = append(s.Pairs, [2]string{ids[r.Intn(len(ids))], ids[r.Intn(len(ids))]})
	}
	ents := f.Entities
	for i := 0; i < 32; i++ {
		e := ents[1+r.Intn(len(ents)-1)]
		switch i % 3 {
		case 0:
			s.Names = append(s.Names, e.Name)
		case 1:
			s.Names = append(s.Names, strings.ToLower(e.NameEn))
		default:
			if len(e.Aliases) > 0 {
				s.Names = append(s.Names, e.Aliases[0])
			} else {
				s.Names = append(s.Names, e.Name)
			}
		}
	}
	return s
}

package query

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
)

// Benchmarks run on the Cayley memory store: the fixture (the shape of the
// real data) and a synthetic graph of the given size (names drawn from
// common Han characters, random relations of every predicate), so that
// costs that grow with the graph show up. The whole stack at 1e3–1e6 quads
// is benchmarked in bench/.
//
//	go test ./graph/query -run '^$' -bench . -benchmem
//	QUERY_BENCH_SIZES=2000,50000 go test ./graph/query -run '^$' -bench .

var benchSizes = func() []int {
	env := os.Getenv("QUERY_BENCH_SIZES")
	if env == "" {
		return []int{2000}
	}
	var sizes []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 10 {
			panic(fmt.Sprintf("QUERY_BENCH_SIZES: bad size %q", f))
		}
		sizes = append(sizes, n)
	}
	return sizes
}()

// synthFacts is a random graph of n entities and 3n relations.
func synthFacts(n int) graph.DocumentFacts {
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	const han = "上海交通大学华东师范闵行区科学技术委员会创新中心实验室产业联盟基金项目平台研究院医疗机器人智能制造生物医药集成电路新能源航空航天信息软件数据材料"
	pool := []rune(han)
	f := graph.DocumentFacts{Document: graph.Document{ID: fixtureDoc}}
	id := func(i int) string { return fmt.Sprintf("x/e%06d", i) }
	for i := range n {
		name := make([]rune, 4+rng.IntN(8))
		for j := range name {
			name[j] = pool[rng.IntN(len(pool))]
		}
		f.Entities = append(f.Entities, graph.Entity{
			ID: id(i), Kind: graph.Kinds[rng.IntN(len(graph.Kinds)-1)], Name: string(name),
			NameEn: fmt.Sprintf("Synthetic Entity %d", i), Evidence: evOther,
		})
	}
	seen := map[string]bool{}
	for len(f.Relations) < 3*n {
		s, o := rng.IntN(n), rng.IntN(n)
		// Skew objects towards a few hubs, as real contexts are.
		if rng.IntN(4) == 0 {
			o = rng.IntN(1 + n/100)
		}
		p := graph.Vocabulary[rng.IntN(len(graph.Vocabulary))].ID
		k := fmt.Sprint(s, p, o)
		if s == o || seen[k] {
			continue
		}
		seen[k] = true
		f.Relations = append(f.Relations, graph.Relation{Subject: id(s), Predicate: p, Object: id(o), Evidence: evOther})
	}
	return f
}

type benchGraph struct {
	name     string
	facts    func() graph.DocumentFacts
	entity   string // a well-connected entity
	from, to string // endpoints for Paths
}

func benchGraphs() []benchGraph {
	gs := []benchGraph{{"fixture", fixtureFacts, "org/mh-stc", "org/sjtu", "co/chain-x"}}
	for _, n := range benchSizes {
		gs = append(gs, benchGraph{fmt.Sprintf("synth-%d", n), func() graph.DocumentFacts { return synthFacts(n) },
			"x/e000001", "x/e000003", fmt.Sprintf("x/e%06d", n-1)})
	}
	return gs
}

// benchService opens a memory store with facts and a Service with its index
// built.
func benchService(b *testing.B, facts graph.DocumentFacts) *Service {
	b.Helper()
	svc := New(openMemory(b, facts), nil)
	if _, err := svc.Degrees(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	return svc
}

func BenchmarkSearch(b *testing.B) {
	queries := []struct{ name, text string }{
		{"chinese", "交大"},
		{"english", "science"},
		{"pinyin-full", "shanghaijiaotongdaxue"},
		{"pinyin-initials", "shjtdx"},
	}
	for _, g := range benchGraphs() {
		svc := benchService(b, g.facts())
		for _, q := range queries {
			b.Run(g.name+"/"+q.name, func(b *testing.B) {
				ctx := context.Background()
				for b.Loop() {
					if _, err := svc.Search(ctx, q.text, nil, 20); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkPartners(b *testing.B) {
	for _, g := range benchGraphs() {
		svc := benchService(b, g.facts())
		b.Run(g.name, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				if _, err := svc.Partners(ctx, g.entity, 50, graph.Span{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(g.name+"/partnerships", func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				if _, err := svc.Partnerships(ctx, nil, 50, "", graph.Span{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPaths(b *testing.B) {
	for _, g := range benchGraphs() {
		svc := benchService(b, g.facts())
		b.Run(g.name, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				if _, err := svc.Paths(ctx, g.from, g.to, 6, 10, graph.Span{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSubgraph(b *testing.B) {
	for _, g := range benchGraphs() {
		svc := benchService(b, g.facts())
		for _, hops := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/hops-%d", g.name, hops), func(b *testing.B) {
				ctx := context.Background()
				for b.Loop() {
					if _, err := svc.Subgraph(ctx, []string{g.entity}, hops, nil, 300, graph.Span{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkIndexBuild measures the rebuild after a write: both scans and
// the derived search index, degree table and partnerships.
func BenchmarkIndexBuild(b *testing.B) {
	for _, g := range benchGraphs() {
		st := openMemory(b, g.facts())
		svc := New(st, nil)
		b.Run(g.name, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				if _, err := svc.build(ctx, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Package workload is the GraphQL workload of the benchmarks and the load
// test: one request per query of the API contract (entity with relations,
// entities, search, partners, partnerships, paths, subgraph, stats,
// indicators), with variables drawn from a graph's sample. The in-process
// benchmarks (bench/api_test.go) and scripts/load.sh (through
// `go run ./bench/workload`) send exactly these bodies.
package workload

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/minhang-kg/kg/bench/benchenv"
)

// Query is one contract query.
type Query struct {
	Name  string
	Text  string
	Vars  func(s benchenv.Sample, i int) map[string]any
	Share int // weight in the mixed workload
}

// Queries are the contract queries, in contract order.
var Queries = []Query{
	{Name: "entity", Share: 30, Text: `query Entity($id: ID!) { entity(id: $id) { id kind name nameEn aliases description
  attributes { key value unit type } evidence { quote start end section }
  relations(first: 20) { totalCount nodes { id predicate label from { id name } to { id name } evidence { quote section } } } } }`,
		Vars: func(s benchenv.Sample, i int) map[string]any { return map[string]any{"id": s.IDs[i%len(s.IDs)]} }},
	{Name: "entities", Share: 10, Text: `query Entities($first: Int) { entities(first: $first) { totalCount pageInfo { hasNextPage endCursor } nodes { id kind name nameEn } } }`,
		Vars: func(benchenv.Sample, int) map[string]any { return map[string]any{"first": 20} }},
	{Name: "search", Share: 15, Text: `query Search($text: String!) { search(text: $text, first: 10) { score matched match entity { id kind name nameEn } } }`,
		Vars: func(s benchenv.Sample, i int) map[string]any {
			return map[string]any{"text": searchText(s.Names[i%len(s.Names)])}
		}},
	{Name: "partners", Share: 10, Text: `query Partners($id: ID!) { partners(id: $id, first: 20) { strength partner { id name } via { id name } } }`,
		Vars: func(s benchenv.Sample, i int) map[string]any { return map[string]any{"id": s.IDs[i%len(s.IDs)]} }},
	{Name: "partnerships", Share: 5, Text: `query Partnerships { partnerships(first: 20) { totalCount nodes { strength a { id name } b { id name } } } }`,
		Vars: func(benchenv.Sample, int) map[string]any { return nil }},
	{Name: "paths", Share: 10, Text: `query Paths($from: ID!, $to: ID!) { paths(from: $from, to: $to, maxHops: 4, first: 3) { length nodes { id name } relations { id predicate } } }`,
		Vars: func(s benchenv.Sample, i int) map[string]any {
			p := s.Pairs[i%len(s.Pairs)]
			return map[string]any{"from": p[0], "to": p[1]}
		}},
	{Name: "subgraph", Share: 10, Text: `query Subgraph($id: ID!) { subgraph(ids: [$id], hops: 1, limit: 300) { truncated nodes { id label kind } edges { id source target predicate } } }`,
		Vars: func(s benchenv.Sample, i int) map[string]any { return map[string]any{"id": s.IDs[i%len(s.IDs)]} }},
	{Name: "stats", Share: 5, Text: `query Stats { stats { entities relations documents byKind { kind count } byPredicate { predicate count } topConnected(first: 10) { degree entity { id name } } } }`,
		Vars: func(benchenv.Sample, int) map[string]any { return nil }},
	{Name: "indicators", Share: 5, Text: `query Indicators { indicators(first: 100) { id name value unit year change rank subject { id name } } }`,
		Vars: func(benchenv.Sample, int) map[string]any { return nil }},
}

// searchText turns a sample name into a search a user would type: the
// first few characters of a Chinese name (a substring search), or the name
// itself.
func searchText(name string) string {
	if utf8.RuneCountInString(name) > 4 {
		r := []rune(name)
		return string(r[2:5])
	}
	return name
}

// Body is the JSON POST body of query q with the i-th variables.
func Body(q Query, s benchenv.Sample, i int) []byte {
	b, err := json.Marshal(map[string]any{"query": q.Text, "variables": q.Vars(s, i)})
	if err != nil {
		panic(fmt.Sprintf("workload: %v", err)) // maps of strings and ints always encode
	}
	return b
}

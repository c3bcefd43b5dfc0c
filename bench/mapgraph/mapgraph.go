// Package mapgraph is the practical limit the benchmarks compare against:
// a plain map[string][]edge adjacency built from the same facts, with the
// same operations the stores answer (one hop, partners, shortest path,
// name lookup). It keeps nothing but what those operations need.
package mapgraph

import (
	"slices"
	"strings"

	"github.com/minhang-kg/kg/graph"
)

// Edge is one relation end seen from the entity it is stored under.
type Edge struct {
	Pred  string
	Other string
	Out   bool // the entity is the subject
	Rel   string
}

// Graph is the adjacency map.
type Graph struct {
	Adj   map[string][]Edge
	Names map[string][]string // exact name, English name (lower-cased) or alias -> IDs
}

// New builds the graph from facts.
func New(f graph.DocumentFacts) *Graph {
	g := &Graph{Adj: make(map[string][]Edge, len(f.Entities)), Names: make(map[string][]string, 2*len(f.Entities))}
	for _, e := range f.Entities {
		g.Names[e.Name] = append(g.Names[e.Name], e.ID)
		if e.NameEn != "" {
			k := strings.ToLower(e.NameEn)
			g.Names[k] = append(g.Names[k], e.ID)
		}
		for _, a := range e.Aliases {
			g.Names[a] = append(g.Names[a], e.ID)
		}
	}
	for _, r := range f.Relations {
		id := r.ID
		if id == "" {
			id = graph.RelationID(f.Document.ID, r.Subject, r.Predicate, r.Object)
		}
		g.Adj[r.Subject] = append(g.Adj[r.Subject], Edge{Pred: r.Predicate, Other: r.Object, Out: true, Rel: id})
		g.Adj[r.Object] = append(g.Adj[r.Object], Edge{Pred: r.Predicate, Other: r.Subject, Out: false, Rel: id})
	}
	return g
}

// OneHop returns the sorted, distinct neighbours of id through any relation.
func (g *Graph) OneHop(id string) []string {
	adj := g.Adj[id]
	out := make([]string, 0, len(adj))
	for _, e := range adj {
		out = append(out, e.Other)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// JointOut and JointIn are the predicates of joint action (graph.Predicate.Joint).
var (
	jointPreds = func() map[string]bool {
		m := map[string]bool{}
		for _, p := range graph.Vocabulary {
			if p.Joint {
				m[p.ID] = true
			}
		}
		return m
	}()
	symPreds = func() map[string]bool {
		m := map[string]bool{}
		for _, p := range graph.Vocabulary {
			if p.Symmetric {
				m[p.ID] = true
			}
		}
		return m
	}()
)

// Partners returns the sorted partners of id: the other ends of its
// symmetric joint relations, and every other subject of a joint relation to
// an object id relates to with a joint predicate (out, then in).
func (g *Graph) Partners(id string) []string {
	var out []string
	for _, e := range g.Adj[id] {
		if !jointPreds[e.Pred] {
			continue
		}
		if symPreds[e.Pred] {
			out = append(out, e.Other)
			continue
		}
		if !e.Out {
			continue
		}
		for _, f := range g.Adj[e.Other] {
			if !f.Out && jointPreds[f.Pred] && !symPreds[f.Pred] && f.Other != id {
				out = append(out, f.Other)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ShortestPath returns one shortest path from a to b (inclusive) of at most
// maxHops relations, ignoring direction, found by bidirectional BFS that
// expands the smaller frontier; nil if none.
func (g *Graph) ShortestPath(a, b string, maxHops int) []string {
	return Bidirectional(a, b, maxHops, func(ids []string) map[string][]string {
		out := make(map[string][]string, len(ids))
		for _, id := range ids {
			out[id] = g.OneHop(id)
		}
		return out
	})
}

// Bidirectional is the shortest-path search every implementation shares:
// expand(ids) returns the neighbours of each ID (one batch per level).
func Bidirectional(a, b string, maxHops int, expand func(ids []string) map[string][]string) []string {
	if a == b {
		return []string{a}
	}
	prevA := map[string]string{a: ""}
	prevB := map[string]string{b: ""}
	frontA, frontB := []string{a}, []string{b}
	for hops := 0; hops < maxHops && len(frontA) > 0 && len(frontB) > 0; hops++ {
		fromA := len(frontA) <= len(frontB)
		front, prev, other := frontA, prevA, prevB
		if !fromA {
			front, prev, other = frontB, prevB, prevA
		}
		ns := expand(front)
		var next []string
		meet := ""
		for _, id := range front {
			for _, n := range ns[id] {
				if _, seen := prev[n]; seen {
					continue
				}
				prev[n] = id
				next = append(next, n)
				if _, ok := other[n]; ok && meet == "" {
					meet = n
				}
			}
			if meet != "" {
				break
			}
		}
		if meet != "" {
			var path []string
			for x := meet; x != ""; x = prevA[x] {
				path = append(path, x)
			}
			slices.Reverse(path)
			for x := prevB[meet]; x != ""; x = prevB[x] {
				path = append(path, x)
			}
			return path
		}
		if fromA {
			frontA = next
		} else {
			frontB = next
		}
	}
	return nil
}

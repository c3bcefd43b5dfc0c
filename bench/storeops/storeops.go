// Package storeops writes the benchmark operations (one hop, partners,
// shortest path) against the graph.Store interface, the way the query
// layer asks them, so every store (Cayley directly, the in-memory index)
// is measured on the same questions as the map baseline (bench/mapgraph).
package storeops

import (
	"context"
	"slices"

	"github.com/minhang-kg/kg/bench/mapgraph"
	"github.com/minhang-kg/kg/graph"
)

var (
	jointCtx []string // joint, not symmetric: subject -> shared context
	jointSym []string // joint and symmetric: explicit partnerships
)

func init() {
	for _, p := range graph.Vocabulary {
		switch {
		case p.Joint && p.Symmetric:
			jointSym = append(jointSym, p.ID)
		case p.Joint:
			jointCtx = append(jointCtx, p.ID)
		}
	}
}

// OneHop returns the sorted distinct neighbours of id.
func OneHop(ctx context.Context, s graph.Store, id string) ([]string, error) {
	m, err := s.Neighbors(ctx, []string{id}, graph.RelationFilter{})
	if err != nil {
		return nil, err
	}
	return m[id], nil
}

// Partners returns the sorted partners of id, as mapgraph.Partners: the
// other ends of symmetric joint relations, and the other subjects of joint
// relations to the contexts id relates to jointly (out, then in).
func Partners(ctx context.Context, s graph.Store, id string) ([]string, error) {
	direct, err := s.Neighbors(ctx, []string{id}, graph.RelationFilter{Predicates: jointSym})
	if err != nil {
		return nil, err
	}
	ctxs, err := s.Neighbors(ctx, []string{id}, graph.RelationFilter{Direction: graph.Out, Predicates: jointCtx})
	if err != nil {
		return nil, err
	}
	out := slices.Clone(direct[id])
	if c := ctxs[id]; len(c) > 0 {
		subj, err := s.Neighbors(ctx, c, graph.RelationFilter{Direction: graph.In, Predicates: jointCtx})
		if err != nil {
			return nil, err
		}
		for _, x := range c {
			for _, n := range subj[x] {
				if n != id {
					out = append(out, n)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// ShortestPath finds one shortest path of at most maxHops relations
// between a and b by bidirectional BFS, one Neighbors call per level.
func ShortestPath(ctx context.Context, s graph.Store, a, b string, maxHops int) ([]string, error) {
	var err error
	path := mapgraph.Bidirectional(a, b, maxHops, func(ids []string) map[string][]string {
		if err != nil {
			return nil
		}
		var m map[string][]string
		m, err = s.Neighbors(ctx, ids, graph.RelationFilter{})
		return m
	})
	return path, err
}

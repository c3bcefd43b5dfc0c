package query

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/minhang-kg/kg/graph"
)

// SubgraphNode is one node of a Subgraph.
type SubgraphNode struct {
	Entity *graph.Entity
	Degree int // stored relations of the entity in the whole graph
	Hop    int // distance from the nearest given entity
}

// Subgraph is a neighbourhood of some entities.
type Subgraph struct {
	Nodes     []SubgraphNode
	Edges     []*graph.Relation // stored relations between returned nodes, by ID
	Truncated bool              // more nodes were in reach than limit allowed
}

// Subgraph returns the entities within hops (0..3) relations of ids,
// ignoring direction, and the relations between them. kinds, if given,
// restricts the entities added (and walked through); the given ids always
// stay. Unknown ids are left out. If more than limit (1..2000) entities are
// in reach it keeps, in this order, the given ids (as given), the nearest by
// hop, the best connected by degree, then by ID, and sets Truncated.
// Nodes come in that order. With at (not the zero Span), only relations
// that hold at at are walked and returned; Degree stays the degree in the
// whole graph.
func (s *Service) Subgraph(ctx context.Context, ids []string, hops int, kinds []graph.Kind, limit int, at graph.Span) (Subgraph, error) {
	if len(ids) == 0 {
		return Subgraph{}, argErr("ids", "must not be empty")
	}
	if err := checkRange("hops", hops, 0, MaxSubgraphHop); err != nil {
		return Subgraph{}, err
	}
	if err := checkRange("limit", limit, 1, MaxLimit); err != nil {
		return Subgraph{}, err
	}
	ks, err := kindSet(kinds)
	if err != nil {
		return Subgraph{}, err
	}
	snap, err := s.current(ctx)
	if err != nil {
		return Subgraph{}, err
	}

	hop := make(map[string]int)
	seedRank := make(map[string]int)
	var seeds []string
	for _, id := range ids {
		if _, dup := hop[id]; dup || snap.entities[id] == nil {
			continue
		}
		hop[id] = 0
		seedRank[id] = len(seeds)
		seeds = append(seeds, id)
	}
	found := slices.Clone(seeds)
	frontier := slices.Sorted(slices.Values(seeds))
	// Deeper hops only matter while everything nearer fits in limit.
	for h := 1; h <= hops && len(frontier) > 0 && len(found) <= limit; h++ {
		nb, err := s.neighbors(ctx, frontier, at)
		if err != nil {
			return Subgraph{}, fmt.Errorf("query: subgraph: neighbours at hop %d: %w", h, err)
		}
		var next []string
		for _, u := range frontier {
			for _, v := range nb[u] {
				if _, seen := hop[v]; seen {
					continue
				}
				en := snap.entities[v]
				if en == nil || ks != nil && !ks[en.kind] {
					continue
				}
				hop[v] = h
				next = append(next, v)
			}
		}
		slices.Sort(next)
		found = append(found, next...)
		frontier = next
	}

	var sg Subgraph
	slices.SortStableFunc(found, func(x, y string) int {
		rx, sx := seedRank[x]
		ry, sy := seedRank[y]
		switch {
		case sx && sy:
			return cmp.Compare(rx, ry)
		case sx:
			return -1
		case sy:
			return 1
		}
		return cmp.Or(cmp.Compare(hop[x], hop[y]), cmp.Compare(snap.degree[y], snap.degree[x]), cmp.Compare(x, y))
	})
	if len(found) > limit {
		found = found[:limit]
		sg.Truncated = true
	}
	sg.Nodes = make([]SubgraphNode, 0, len(found))
	sg.Edges = []*graph.Relation{}
	if len(found) == 0 {
		return sg, nil
	}
	ents, err := s.store.Entities(ctx, found)
	if err != nil {
		return Subgraph{}, fmt.Errorf("query: subgraph: read entities: %w", err)
	}
	keep := make(map[string]bool, len(found))
	for i, id := range found {
		if ents[i] == nil { // removed since the index was built
			continue
		}
		keep[id] = true
		sg.Nodes = append(sg.Nodes, SubgraphNode{Entity: ents[i], Degree: snap.degree[id], Hop: hop[id]})
	}
	rels, err := s.RelationsOf(ctx, found, graph.RelationFilter{}, at)
	if err != nil {
		return Subgraph{}, fmt.Errorf("query: subgraph: %w", err)
	}
	seen := make(map[string]bool)
	for _, id := range found {
		for _, r := range rels[id] {
			if !seen[r.ID] && keep[r.Subject] && keep[r.Object] {
				seen[r.ID] = true
				sg.Edges = append(sg.Edges, r)
			}
		}
	}
	slices.SortFunc(sg.Edges, func(x, y *graph.Relation) int { return cmp.Compare(x.ID, y.ID) })
	return sg, nil
}

// Degrees returns the number of stored relations of each given entity
// (0 for unknown IDs), from the cached degree table: one cheap store call
// however many IDs are given.
func (s *Service) Degrees(ctx context.Context, ids []string) (map[string]int, error) {
	snap, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(ids))
	for _, id := range ids {
		out[id] = snap.degree[id]
	}
	return out, nil
}

// Ranked is an entity with its degree.
type Ranked struct {
	Entity *graph.Entity
	Degree int
}

// TopConnected returns the first (1..100) entities with the most stored
// relations, ties broken by ID.
func (s *Service) TopConnected(ctx context.Context, first int) ([]Ranked, error) {
	if err := checkRange("first", first, 1, MaxFirst); err != nil {
		return nil, err
	}
	snap, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	ids := snap.ranked[:min(first, len(snap.ranked))]
	out := make([]Ranked, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	ents, err := s.store.Entities(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("query: top connected: read entities: %w", err)
	}
	for i, e := range ents {
		if e != nil {
			out = append(out, Ranked{Entity: e, Degree: snap.degree[ids[i]]})
		}
	}
	return out, nil
}

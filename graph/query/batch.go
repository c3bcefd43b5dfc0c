package query

// Batch reads for the GraphQL API's per-request loaders, built on
// Partners' own pieces.

import (
	"context"
	"fmt"

	"github.com/minhang-kg/kg/graph"
)

// PartnersOf returns Partners(id, first, at) for each of ids at once: one
// snapshot check and one batched relation read however many ids are given.
// Unknown IDs map to no partnerships (not an error).
func (s *Service) PartnersOf(ctx context.Context, ids []string, first int, at graph.Span) (map[string][]Partnership, error) {
	if err := checkRange("first", first, 1, MaxFirst); err != nil {
		return nil, err
	}
	snap, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	// Each entity's partnerships, derived once; a pair two of ids share is
	// materialised once.
	lists := make(map[string][]*pair, len(ids))
	var all []*pair
	seen := make(map[[2]string]*pair)
	for _, id := range ids {
		if _, done := lists[id]; done {
			continue
		}
		ps := snap.joints.partnersOf(id, at)
		ps = ps[:min(first, len(ps))]
		for i, p := range ps {
			k := [2]string{p.a, p.b}
			if q := seen[k]; q != nil {
				ps[i] = q
				continue
			}
			seen[k] = p
			all = append(all, p)
		}
		lists[id] = ps
	}
	mats, err := s.materialise(ctx, snap.joints, all, nil, at)
	if err != nil {
		return nil, fmt.Errorf("query: partners: %w", err)
	}
	byPair := make(map[*pair]Partnership, len(all))
	for i, p := range all {
		byPair[p] = mats[i]
	}
	out := make(map[string][]Partnership, len(ids))
	for _, id := range ids {
		ps := lists[id]
		list := make([]Partnership, 0, len(ps))
		for _, p := range ps {
			list = append(list, withSelf(byPair[p], id))
		}
		out[id] = list
	}
	return out, nil
}

// withSelf returns pt seen from self: A == self, and the derived relations
// pointing from self, as Partners gives them.
func withSelf(pt Partnership, self string) Partnership {
	if pt.A == self {
		return pt
	}
	pt.A, pt.B = pt.B, pt.A
	rels := make([]*graph.Relation, len(pt.Relations))
	for i, r := range pt.Relations {
		if r.Inferred {
			c := *r
			c.Subject, c.Object = r.Object, r.Subject
			r = &c
		}
		rels[i] = r
	}
	pt.Relations = rels
	return pt
}

// PartnershipCursor is the cursor of a page of Partnerships ending with pt:
// pass it as after to continue after pt.
func PartnershipCursor(pt Partnership) string {
	a, b := pt.A, pt.B
	if b < a {
		a, b = b, a
	}
	return encodeCursor(&pair{a: a, b: b, n: pt.Strength})
}

package resolvers

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/query"
	"github.com/minhang-kg/kg/resolvers/model"
)

// scanEntities returns up to n entities of the kinds, matching match (nil:
// all), after the ID, and whether there are more.
func (r *Resolver) scanEntities(ctx context.Context, kinds []graph.Kind, match func(*graph.Entity) bool, after string, n int) ([]*graph.Entity, bool, error) {
	page := make([]*graph.Entity, 0, n+1)
	err := r.store.ScanEntities(ctx, kinds, after, func(e *graph.Entity) bool {
		if match == nil || match(e) {
			page = append(page, e)
		}
		return len(page) <= n
	})
	if err != nil {
		return nil, false, fmt.Errorf("scan entities: %w", err)
	}
	if len(page) > n {
		return page[:n], true, nil
	}
	return page, false, nil
}

// selects reports whether the current field's selection asks for the field.
func selects(ctx context.Context, field string) bool {
	return slices.Contains(graphql.CollectAllFields(ctx), field)
}

// countEntities counts the entities of the kinds (all when none) matching
// match: from the store's counts, or by a scan when match is set.
func (r *Resolver) countEntities(ctx context.Context, kinds []graph.Kind, match func(*graph.Entity) bool) (int, error) {
	if match != nil {
		total := 0
		err := r.store.ScanEntities(ctx, kinds, "", func(e *graph.Entity) bool {
			if match(e) {
				total++
			}
			return true
		})
		if err != nil {
			return 0, fmt.Errorf("count entities: %w", err)
		}
		return total, nil
	}
	st, err := r.store.Stats(ctx)
	if err != nil {
		return 0, fmt.Errorf("count entities: %w", err)
	}
	if len(kinds) == 0 {
		return st.Entities, nil
	}
	total := 0
	ks := slices.Clone(kinds)
	slices.Sort(ks)
	for _, k := range slices.Compact(ks) {
		total += st.ByKind[k]
	}
	return total, nil
}

// attributeMatcher returns the predicate of an attribute filter (nil for
// none): the entity has an attribute with the key and, if a value is given,
// that value — or, for a date, one within it (2024 matches 2024-09-13).
func attributeMatcher(f *model.AttributeFilter) (func(*graph.Entity) bool, error) {
	if f == nil {
		return nil, nil
	}
	key := strings.TrimSpace(f.Key)
	if key == "" {
		return nil, argErrorf("attribute.key", "must not be empty")
	}
	return func(e *graph.Entity) bool {
		for _, a := range e.Attributes {
			if a.Key != key {
				continue
			}
			if f.Value == nil || a.Value == *f.Value || (a.Type == graph.AttrDate && strings.HasPrefix(a.Value, *f.Value+"-")) {
				return true
			}
		}
		return false
	}, nil
}

func entityConnection(page []*graph.Entity, more bool, total int) *model.EntityConnection {
	c := &model.EntityConnection{
		Edges:      make([]*model.EntityEdge, len(page)),
		Nodes:      page,
		PageInfo:   &model.PageInfo{HasNextPage: more},
		TotalCount: total,
	}
	for i, e := range page {
		c.Edges[i] = &model.EntityEdge{Cursor: encodeCursor(cursorEntity, e.ID), Node: e}
	}
	if len(page) > 0 {
		c.PageInfo.EndCursor = &c.Edges[len(page)-1].Cursor
	}
	return c
}

func partnershipConnection(p query.PartnershipPage) *model.PartnershipConnection {
	c := &model.PartnershipConnection{
		Edges:      make([]*model.PartnershipEdge, len(p.Items)),
		Nodes:      partnerships(p.Items),
		PageInfo:   &model.PageInfo{HasNextPage: p.HasNextPage},
		TotalCount: p.TotalCount,
	}
	for i, n := range c.Nodes {
		c.Edges[i] = &model.PartnershipEdge{Cursor: query.PartnershipCursor(p.Items[i]), Node: n}
	}
	if p.EndCursor != "" {
		c.PageInfo.EndCursor = &p.EndCursor
	}
	return c
}

func subgraph(sg query.Subgraph) *model.Subgraph {
	out := &model.Subgraph{
		Nodes:     make([]*model.SubgraphNode, len(sg.Nodes)),
		Edges:     make([]*model.SubgraphEdge, len(sg.Edges)),
		Truncated: sg.Truncated,
	}
	for i, n := range sg.Nodes {
		out.Nodes[i] = &model.SubgraphNode{
			ID: n.Entity.ID, Label: n.Entity.Name, LabelEn: optional(n.Entity.NameEn),
			Kind: n.Entity.Kind, Degree: n.Degree, Hop: n.Hop, Entity: n.Entity,
		}
	}
	for i, rel := range sg.Edges {
		p := predicateOf(rel)
		out.Edges[i] = &model.SubgraphEdge{
			ID: rel.ID, Source: rel.Subject, Target: rel.Object, Predicate: rel.Predicate,
			Label: p.Label, LabelEn: p.LabelEn, Inferred: rel.Inferred, Relation: (*model.Relation)(rel),
		}
	}
	return out
}

func stats(st graph.Stats) *model.Stats {
	out := &model.Stats{Entities: st.Entities, Relations: st.Relations, Documents: st.Documents, Quads: int(st.Quads)}
	for _, k := range graph.Kinds {
		out.ByKind = append(out.ByKind, &model.KindCount{Kind: k, Count: st.ByKind[k]})
	}
	for id, n := range st.ByPredicate {
		p := predicateOf(&graph.Relation{Predicate: id})
		out.ByPredicate = append(out.ByPredicate, &model.PredicateCount{Predicate: id, Label: p.Label, LabelEn: p.LabelEn, Count: n})
	}
	sort.Slice(out.ByPredicate, func(i, j int) bool {
		a, b := out.ByPredicate[i], out.ByPredicate[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Predicate < b.Predicate
	})
	return out
}

func indicators(inds []query.Indicator) []*model.Indicator {
	out := make([]*model.Indicator, len(inds))
	for i, in := range inds {
		out[i] = &model.Indicator{
			Entity: in.Entity, Value: in.Value, Unit: optional(in.Unit), Year: optional(in.Year),
			Change: optional(in.Change), Rank: optional(in.Rank), SubjectID: in.Subject,
		}
	}
	return out
}

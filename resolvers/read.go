package resolvers

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/99designs/gqlgen/graphql"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/query"
	"github.com/minhang-kg/kg/resolvers/model"
)

// selects reports whether the current field's selection asks for the field.
func selects(ctx context.Context, field string) bool {
	return slices.Contains(graphql.CollectAllFields(ctx), field)
}

// entityFilter reads the arguments of Query.entities.
func entityFilter(kind *graph.Kind, kinds []graph.Kind, attr *model.AttributeFilter, asOf *string) (query.EntityFilter, error) {
	at, err := timeArg("asOf", asOf)
	if err != nil {
		return query.EntityFilter{}, err
	}
	f := query.EntityFilter{Kinds: kindsArg(kind, kinds), At: at}
	if attr != nil {
		f.Attribute = &query.AttributeMatch{Key: attr.Key, Value: attr.Value}
	}
	return f, nil
}

// changedRelations is a page of Changes.began or Changes.ended.
func (r *Resolver) changedRelations(ctx context.Context, ch *model.Changes, c query.Change, first *int, after *string) (*model.RelationConnection, error) {
	n, err := pageSize("first", first, 50)
	if err != nil || n == 0 {
		return &model.RelationConnection{Edges: []*model.RelationEdge{}, Nodes: []*model.Relation{}, PageInfo: &model.PageInfo{}}, err
	}
	page, err := r.query.ChangedRelations(ctx, ch.Window, c, n, deref(after))
	if err != nil {
		return nil, fmt.Errorf("changes: %w", err)
	}
	conn := &model.RelationConnection{
		Edges:      make([]*model.RelationEdge, len(page.Items)),
		Nodes:      make([]*model.Relation, len(page.Items)),
		PageInfo:   &model.PageInfo{HasNextPage: page.HasNextPage},
		TotalCount: page.TotalCount,
	}
	for i, it := range page.Items {
		conn.Nodes[i] = (*model.Relation)(it.Relation)
		conn.Edges[i] = &model.RelationEdge{Cursor: query.ChangeCursor(it.At, it.Relation.ID), Node: conn.Nodes[i]}
	}
	if page.EndCursor != "" {
		conn.PageInfo.EndCursor = &page.EndCursor
	}
	return conn, nil
}

// changedPartnerships is a page of Changes.partnershipsBegan or
// Changes.partnershipsEnded.
func (r *Resolver) changedPartnerships(ctx context.Context, ch *model.Changes, c query.Change, first *int, after *string) (*model.PartnershipConnection, error) {
	n, err := pageSize("first", first, 50)
	if err != nil || n == 0 {
		return &model.PartnershipConnection{Edges: []*model.PartnershipEdge{}, Nodes: []*model.Partnership{}, PageInfo: &model.PageInfo{}}, err
	}
	page, err := r.query.ChangedPartnerships(ctx, ch.Window, c, n, deref(after))
	if err != nil {
		return nil, fmt.Errorf("changes: %w", err)
	}
	conn := &model.PartnershipConnection{
		Edges:      make([]*model.PartnershipEdge, len(page.Items)),
		Nodes:      make([]*model.Partnership, len(page.Items)),
		PageInfo:   &model.PageInfo{HasNextPage: page.HasNextPage},
		TotalCount: page.TotalCount,
	}
	for i, it := range page.Items {
		conn.Nodes[i] = partnership(it.Partnership)
		conn.Edges[i] = &model.PartnershipEdge{Cursor: query.ChangeCursor(it.At, it.Partnership.A+"\x00"+it.Partnership.B), Node: conn.Nodes[i]}
	}
	if page.EndCursor != "" {
		conn.PageInfo.EndCursor = &page.EndCursor
	}
	return conn, nil
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

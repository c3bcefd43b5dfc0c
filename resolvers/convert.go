package resolvers

import (
	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/query"
	"github.com/minhang-kg/kg/resolvers/model"
)

func directionArg(d *model.Direction) graph.Direction {
	if d == nil {
		return graph.Both
	}
	switch *d {
	case model.DirectionOut:
		return graph.Out
	case model.DirectionIn:
		return graph.In
	default:
		return graph.Both
	}
}

// predicateOf returns the vocabulary entry of the relation's predicate; an
// unknown predicate (which stores reject) reads as its own label.
func predicateOf(rel *graph.Relation) *graph.Predicate {
	if p, ok := graph.LookupPredicate(rel.Predicate); ok {
		return p
	}
	return &graph.Predicate{ID: rel.Predicate, Label: rel.Predicate, LabelEn: rel.Predicate}
}

// relationPage returns the page of n relations after the relation ID after
// as a connection; rels are ordered by ID.
func relationPage(rels []*graph.Relation, after string, n int) *model.RelationConnection {
	start, end := pageBounds(rels, after, n)
	c := &model.RelationConnection{
		Edges:      make([]*model.RelationEdge, 0, end-start),
		Nodes:      model.Relations(rels[start:end]),
		PageInfo:   &model.PageInfo{HasNextPage: end < len(rels)},
		TotalCount: len(rels),
	}
	for _, rel := range c.Nodes {
		c.Edges = append(c.Edges, &model.RelationEdge{Cursor: encodeCursor(cursorRelation, rel.ID), Node: rel})
	}
	if len(c.Edges) > 0 {
		c.PageInfo.EndCursor = &c.Edges[len(c.Edges)-1].Cursor
	}
	return c
}

func partnership(p query.Partnership) *model.Partnership {
	return &model.Partnership{AID: p.A, BID: p.B, ViaIDs: p.Via, Relations: model.Relations(p.Relations), Strength: p.Strength}
}

func partnerships(ps []query.Partnership) []*model.Partnership {
	out := make([]*model.Partnership, len(ps))
	for i, p := range ps {
		out[i] = partnership(p)
	}
	return out
}

func evidencePtrs(ev []graph.Evidence) []*graph.Evidence {
	out := make([]*graph.Evidence, len(ev))
	for i := range ev {
		out[i] = &ev[i]
	}
	return out
}

package query

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/minhang-kg/kg/graph"
)

// Indicator is an INDICATOR entity read through its attributes.
type Indicator struct {
	Entity  *graph.Entity
	Value   *float64 // attribute "value"; nil if absent or not a number
	Unit    string   // unit of "value"
	Year    string   // attribute "year"
	Change  string   // attribute "change", as written
	Rank    string   // attribute "rank", as written
	Subject string   // entity ID it measures (object of its "measures" relation), "" if none
}

// IndicatorFilter selects indicators. The zero value selects all.
type IndicatorFilter struct {
	// Year (YYYY), when set, keeps the indicators whose value refers to a
	// time within that year (their year or asOf attribute).
	Year string
	// Subject, when set, keeps the indicators that measure it (one of
	// their measures relations points at it); an unknown ID selects none.
	Subject string
	// At, when not the zero Span, keeps the indicators that hold as of At:
	// their year or asOf attribute overlaps At; an indicator with neither
	// follows the rule for entities (EntityFilter.At).
	At graph.Span
}

// Indicators returns the first (1..100) indicators matching f in the
// order the source text states them (by their first evidence), those
// without evidence last by ID. An indicator measuring several things
// reports the object of its measures relation with the smallest relation
// ID.
func (s *Service) Indicators(ctx context.Context, f IndicatorFilter, first int) ([]Indicator, error) {
	if err := checkRange("first", first, 1, MaxFirst); err != nil {
		return nil, err
	}
	var year graph.Span
	if f.Year != "" {
		sp, err := graph.ParseDate(f.Year)
		if err != nil || len(f.Year) != 4 {
			return nil, argErr("year", "%q is not a year (YYYY)", f.Year)
		}
		year = sp
	}
	snap, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, min(first, len(snap.indicators)))
	for _, id := range snap.indicators {
		if len(ids) == first {
			break
		}
		en := snap.entities[id]
		switch {
		case en == nil:
			continue
		case f.Year != "" && (!en.measured || !within(en.spans[0], year)):
			continue
		case f.Subject != "" && !slices.Contains(snap.measures[id], f.Subject):
			continue
		case !en.existsAt(f.At):
			continue
		}
		ids = append(ids, id)
	}
	out := make([]Indicator, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	ents, err := s.store.Entities(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("query: indicators: read entities: %w", err)
	}
	rels, err := s.store.RelationsOf(ctx, ids, graph.RelationFilter{Direction: graph.Out, Predicates: []string{"measures"}})
	if err != nil {
		return nil, fmt.Errorf("query: indicators: read measures: %w", err)
	}
	for i, e := range ents {
		if e == nil {
			continue
		}
		ind := Indicator{Entity: e}
		if a, ok := e.Attr("value"); ok {
			ind.Unit = a.Unit
			if v, err := strconv.ParseFloat(a.Value, 64); err == nil {
				ind.Value = &v
			} else {
				s.log.WarnContext(ctx, "query: indicator value is not a number", "id", e.ID, "value", a.Value)
			}
		}
		if a, ok := e.Attr("year"); ok {
			ind.Year = a.Value
		}
		if a, ok := e.Attr("change"); ok {
			ind.Change = a.Value
		}
		if a, ok := e.Attr("rank"); ok {
			ind.Rank = a.Value
		}
		var best *graph.Relation
		for _, r := range rels[ids[i]] {
			if r.Subject == e.ID && r.Predicate == "measures" && (best == nil || r.ID < best.ID) {
				best = r
			}
		}
		if best != nil {
			ind.Subject = best.Object
		}
		out = append(out, ind)
	}
	return out, nil
}

// within reports whether sp lies within outer.
func within(sp, outer graph.Span) bool {
	return !sp.Start.Before(outer.Start) && !sp.End.IsZero() && !sp.End.After(outer.End)
}

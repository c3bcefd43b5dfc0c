package query

import (
	"context"
	"fmt"
	"slices"

	"github.com/minhang-kg/kg/graph"
)

// Time in reads. Calls that take an `at graph.Span` keep only the facts
// that hold at some instant of it (graph.Relation.HoldsAt): a relation
// valid for 2025 holds as of 2025-06, one valid from 2024-05 on holds as
// of 2024 and of 2026. The zero Span is all of time: every fact holds, and
// the calls answer exactly as without time, by the same (untimed) code.

// ParseTime reads a time argument (asOf, from, to): "" is the zero Span
// (no time given), else an ISO date of year, month or day precision
// (graph.ParseDate). A malformed value is an *ArgError naming arg, e.g.
// `asOf: "2024-13" is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)`.
func ParseTime(arg, s string) (graph.Span, error) {
	if s == "" {
		return graph.Span{}, nil
	}
	sp, err := graph.ParseDate(s)
	if err != nil {
		return graph.Span{}, &ArgError{Arg: arg, Msg: err.Error()}
	}
	return sp, nil
}

// allTime reports whether at is the zero Span (no time filter).
func allTime(at graph.Span) bool { return at.Start.IsZero() && at.End.IsZero() }

// holding returns the relations of rels that hold at at (rels itself when
// at is all of time or every one holds).
func holding(rels []*graph.Relation, at graph.Span) []*graph.Relation {
	if allTime(at) {
		return rels
	}
	for i, r := range rels {
		if !r.HoldsAt(at) {
			out := slices.Clone(rels[:i])
			for _, r := range rels[i+1:] {
				if r.HoldsAt(at) {
					out = append(out, r)
				}
			}
			return out
		}
	}
	return rels
}

// RelationsOf is graph.Store.RelationsOf keeping only the relations that
// hold at at (all of them for the zero Span): one store call.
func (s *Service) RelationsOf(ctx context.Context, ids []string, f graph.RelationFilter, at graph.Span) (map[string][]*graph.Relation, error) {
	m, err := s.store.RelationsOf(ctx, ids, f)
	if err != nil {
		return nil, fmt.Errorf("query: relations: %w", err)
	}
	if allTime(at) {
		return m, nil
	}
	for id, rs := range m {
		if rs = holding(rs, at); len(rs) == 0 {
			delete(m, id)
		} else {
			m[id] = rs
		}
	}
	return m, nil
}

// neighbors returns, for each of ids, the entities one relation away
// through relations that hold at at, sorted and without duplicates: the
// store's Neighbors for all of time, else derived from RelationsOf (one
// store call either way).
func (s *Service) neighbors(ctx context.Context, ids []string, at graph.Span) (map[string][]string, error) {
	if allTime(at) {
		return s.store.Neighbors(ctx, ids, graph.RelationFilter{})
	}
	rels, err := s.store.RelationsOf(ctx, ids, graph.RelationFilter{})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(rels))
	for id, rs := range rels {
		var nb []string
		for _, r := range rs {
			if !r.HoldsAt(at) {
				continue
			}
			if r.Subject == id {
				nb = append(nb, r.Object)
			}
			if r.Object == id {
				nb = append(nb, r.Subject)
			}
		}
		if len(nb) > 0 {
			slices.Sort(nb)
			out[id] = slices.Compact(nb)
		}
	}
	return out, nil
}

package query

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/minhang-kg/kg/graph"
)

// EntityFilter selects entities for Entities and CountEntities.
type EntityFilter struct {
	Kinds     []graph.Kind    // none: every kind
	Attribute *AttributeMatch // nil: any attributes
	// At, when not the zero Span, keeps the entities that exist as of At:
	//   - those that take part in a relation that holds at At;
	//   - those with a date attribute (founded, issued, held, year …) not
	//     after At: they exist from that date on;
	//   - an indicator with a year or asOf attribute exists at that time
	//     only (its relations and other dates do not count);
	//   - an entity with neither relations nor date attributes exists in
	//     the periods of the documents that state it, and at all times
	//     when none has a period.
	At graph.Span
}

// AttributeMatch selects entities by an attribute: those with an attribute
// of the key and, when Value is set, that value — or, for a date, one
// within it (2024 matches 2024-09-13).
type AttributeMatch struct {
	Key   string
	Value *string
}

// EntityPage is one page of Entities.
type EntityPage struct {
	Items       []*graph.Entity
	HasNextPage bool
}

// matcher returns the predicate of f over full entities (nil: every
// entity of the kinds), validating it.
func (f EntityFilter) matcher(snap *snapshot) (func(*graph.Entity) bool, error) {
	var attr func(*graph.Entity) bool
	if m := f.Attribute; m != nil {
		key := strings.TrimSpace(m.Key)
		if key == "" {
			return nil, argErr("attribute.key", "must not be empty")
		}
		attr = func(e *graph.Entity) bool {
			for _, a := range e.Attributes {
				if a.Key == key && (m.Value == nil || a.Value == *m.Value ||
					a.Type == graph.AttrDate && strings.HasPrefix(a.Value, *m.Value+"-")) {
					return true
				}
			}
			return false
		}
	}
	if allTime(f.At) {
		return attr, nil
	}
	return func(e *graph.Entity) bool {
		en := snap.entities[e.ID]
		return (en == nil || en.existsAt(f.At)) && (attr == nil || attr(e))
	}, nil
}

// Entities returns up to first (0..100) entities matching f, ordered by
// ID, after the ID after ("" for the start), and whether there are more.
// It scans the store from after until the page is full.
func (s *Service) Entities(ctx context.Context, f EntityFilter, after string, first int) (EntityPage, error) {
	if err := checkRange("first", first, 0, MaxFirst); err != nil {
		return EntityPage{}, err
	}
	match, _, err := s.entityMatcher(ctx, f)
	if err != nil {
		return EntityPage{}, err
	}
	page := make([]*graph.Entity, 0, first+1)
	err = s.store.ScanEntities(ctx, f.Kinds, after, func(e *graph.Entity) bool {
		if match == nil || match(e) {
			page = append(page, e)
		}
		return len(page) <= first
	})
	if err != nil {
		return EntityPage{}, fmt.Errorf("query: scan entities: %w", err)
	}
	if len(page) > first {
		return EntityPage{Items: page[:first], HasNextPage: true}, nil
	}
	return EntityPage{Items: page}, nil
}

// CountEntities counts the entities matching f: from the store's counts
// when f selects by kind only, else by a scan (of the snapshot when f
// selects by kind and time only).
func (s *Service) CountEntities(ctx context.Context, f EntityFilter) (int, error) {
	match, snap, err := s.entityMatcher(ctx, f)
	if err != nil {
		return 0, err
	}
	switch {
	case f.Attribute == nil && snap != nil:
		ks, _ := kindSet(f.Kinds)
		n := 0
		for _, en := range snap.order {
			if (ks == nil || ks[en.kind]) && en.existsAt(f.At) {
				n++
			}
		}
		return n, nil
	case match != nil:
		total := 0
		err := s.store.ScanEntities(ctx, f.Kinds, "", func(e *graph.Entity) bool {
			if match(e) {
				total++
			}
			return true
		})
		if err != nil {
			return 0, fmt.Errorf("query: count entities: %w", err)
		}
		return total, nil
	}
	st, err := s.store.Stats(ctx)
	if err != nil {
		return 0, fmt.Errorf("query: count entities: %w", err)
	}
	if len(f.Kinds) == 0 {
		return st.Entities, nil
	}
	total := 0
	ks := slices.Clone(f.Kinds)
	slices.Sort(ks)
	for _, k := range slices.Compact(ks) {
		total += st.ByKind[k]
	}
	return total, nil
}

// entityMatcher validates f and returns its matcher, with the snapshot it
// reads when f selects by time (nil otherwise: the untimed path reads the
// store only, as before time existed).
func (s *Service) entityMatcher(ctx context.Context, f EntityFilter) (func(*graph.Entity) bool, *snapshot, error) {
	if _, err := kindSet(f.Kinds); err != nil {
		return nil, nil, err
	}
	var snap *snapshot
	if !allTime(f.At) {
		var err error
		if snap, err = s.current(ctx); err != nil {
			return nil, nil, err
		}
	}
	match, err := f.matcher(snap)
	return match, snap, err
}

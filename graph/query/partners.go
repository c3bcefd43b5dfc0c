package query

import (
	"cmp"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/minhang-kg/kg/graph"
)

// PartnerPredicate is the predicate of derived partnership relations.
const PartnerPredicate = "partners_with"

// Partnership says that A and B acted jointly.
type Partnership struct {
	A, B string   // entity IDs; for Partners(id), A == id
	Via  []string // IDs of the shared context entities, sorted
	// Relations are the stored relations the partnership rests on (sorted
	// by ID: explicit symmetric joint relations between A and B, and the
	// joint relations of A and B to each context), followed by one derived
	// A–B relation per context (in Via order) with Inferred set.
	Relations []*graph.Relation
	Strength  int // number of distinct contexts; each explicit relation counts as one
}

// PartnershipPage is one page of Partnerships.
type PartnershipPage struct {
	Items       []Partnership
	EndCursor   string
	HasNextPage bool
	TotalCount  int
}

// Partners returns the entities that acted jointly with id, strongest first,
// then by partner ID: through an explicit symmetric joint relation
// (partners_with, signs_agreement_with, …) or a shared joint context (both
// co-build the same zone, co-host the same event, …). first must be in
// 1..100. An unknown id is an error wrapping graph.ErrNotFound.
//
// With at (not the zero Span), only what holds at at counts: an explicit
// relation that holds then, a shared context both have a joint relation
// to that holds then; Strength, Via and Relations are of those.
func (s *Service) Partners(ctx context.Context, id string, first int, at graph.Span) ([]Partnership, error) {
	if err := checkRange("first", first, 1, MaxFirst); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, argErr("id", "must not be empty")
	}
	snap, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	if snap.entities[id] == nil {
		return nil, fmt.Errorf("query: partners of %q: %w", id, graph.ErrNotFound)
	}
	ps := snap.joints.partnersOf(id, at)
	if len(ps) > first {
		ps = ps[:first]
	}
	selfs := make([]string, len(ps))
	for i := range selfs {
		selfs[i] = id
	}
	out, err := s.materialise(ctx, snap.joints, ps, selfs, at)
	if err != nil {
		return nil, fmt.Errorf("query: partners of %q: %w", id, err)
	}
	return out, nil
}

// Partnerships returns every partnership, strongest first, then by the two
// entity IDs (A < B), a page of at most first after the cursor after ("" for
// the first page). kinds, if given, must hold the kinds of both ends. With
// at, the partnerships that hold at at (as Partners), ordered by their
// strength then.
func (s *Service) Partnerships(ctx context.Context, kinds []graph.Kind, first int, after string, at graph.Span) (PartnershipPage, error) {
	if err := checkRange("first", first, 1, MaxFirst); err != nil {
		return PartnershipPage{}, err
	}
	ks, err := kindSet(kinds)
	if err != nil {
		return PartnershipPage{}, err
	}
	var key *pair
	if after != "" {
		if key, err = decodeCursor(after); err != nil {
			return PartnershipPage{}, err
		}
	}
	snap, err := s.current(ctx)
	if err != nil {
		return PartnershipPage{}, err
	}
	pairs, err := snap.pairsAt(ctx, at)
	if err != nil {
		return PartnershipPage{}, err
	}

	var page PartnershipPage
	var items []*pair
	if ks == nil {
		page.TotalCount = len(pairs)
		start := 0
		if key != nil {
			start, _ = slices.BinarySearchFunc(pairs, key, pairCmp)
			if start < len(pairs) && pairCmp(pairs[start], key) == 0 {
				start++
			}
		}
		end := min(start+first, len(pairs))
		items = pairs[start:end]
		page.HasNextPage = end < len(pairs)
	} else {
		kindOf := func(id string) graph.Kind {
			if en := snap.entities[id]; en != nil {
				return en.kind
			}
			return ""
		}
		for _, p := range pairs {
			if !ks[kindOf(p.a)] || !ks[kindOf(p.b)] {
				continue
			}
			page.TotalCount++
			if key != nil && pairCmp(p, key) <= 0 {
				continue
			}
			if len(items) < first {
				items = append(items, p)
			} else {
				page.HasNextPage = true
			}
		}
	}
	if len(items) > 0 {
		page.EndCursor = encodeCursor(items[len(items)-1])
	}
	if page.Items, err = s.materialise(ctx, snap.joints, items, nil, at); err != nil {
		return PartnershipPage{}, fmt.Errorf("query: partnerships: %w", err)
	}
	return page, nil
}

// materialise turns pairs (holding at at) into Partnerships with one
// batched relation read. If selfs is given, selfs[i] is made A of ps[i];
// else A < B.
func (s *Service) materialise(ctx context.Context, j *jointIndex, ps []*pair, selfs []string, at graph.Span) ([]Partnership, error) {
	out := make([]Partnership, 0, len(ps))
	if len(ps) == 0 {
		return out, nil
	}
	vias := make([][]string, len(ps))
	ctxRels := make([][][]string, len(ps))
	var ids []string
	for i, p := range ps {
		vias[i], ctxRels[i] = j.via(p, at)
		ids = append(ids, p.explicit...)
		for _, rs := range ctxRels[i] {
			ids = append(ids, rs...)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	rels, err := s.store.Relations(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read relations: %w", err)
	}
	byID := make(map[string]*graph.Relation, len(rels))
	for _, r := range rels {
		if r != nil {
			byID[r.ID] = r
		}
	}
	for i, p := range ps {
		a, b := p.a, p.b
		if selfs != nil && selfs[i] == b {
			a, b = b, a
		}
		pt := Partnership{A: a, B: b, Via: vias[i], Strength: p.strength()}
		var stored []*graph.Relation
		for _, id := range p.explicit {
			if r := byID[id]; r != nil {
				stored = append(stored, r)
			}
		}
		var derived []*graph.Relation
		for j, c := range vias[i] {
			var from []*graph.Relation
			for _, id := range ctxRels[i][j] {
				if r := byID[id]; r != nil {
					from = append(from, r)
				}
			}
			stored = append(stored, from...)
			derived = append(derived, deriveRelation(a, b, c, from))
		}
		slices.SortFunc(stored, func(x, y *graph.Relation) int { return cmp.Compare(x.ID, y.ID) })
		stored = slices.CompactFunc(stored, func(x, y *graph.Relation) bool { return x.ID == y.ID })
		pt.Relations = append(stored, derived...)
		out = append(out, pt)
	}
	return out, nil
}

// InferredID is the ID of the derived partnership between a and b via the
// context c: "inf/" and 16 hex digits of a hash of the three, the same
// whichever way round a and b are given.
func InferredID(a, b, c string) string {
	if b < a {
		a, b = b, a
	}
	h := sha1.New()
	for _, s := range []string{a, b, PartnerPredicate, c} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "inf/" + hex.EncodeToString(h.Sum(nil))[:16]
}

// deriveRelation builds the inferred a partners_with b relation resting on
// the stored relations from (of a and b to the context c). Its evidence is
// the union of theirs; its Document is theirs if they share one, else "";
// its validity is derivedValidity's.
func deriveRelation(a, b, c string, from []*graph.Relation) *graph.Relation {
	r := &graph.Relation{ID: InferredID(a, b, c), Subject: a, Predicate: PartnerPredicate, Object: b, Inferred: true}
	r.ValidFrom, r.ValidTo = derivedValidity(a, from)
	type evKey struct {
		doc, quote, url string
		start, end      int
	}
	seen := make(map[evKey]bool)
	for i, f := range from {
		if i == 0 {
			r.Document = f.Document
		} else if f.Document != r.Document {
			r.Document = ""
		}
		for _, ev := range f.Evidence {
			k := evKey{ev.Document, ev.Quote, ev.URL, ev.Start, ev.End}
			if !seen[k] {
				seen[k] = true
				r.Evidence = append(r.Evidence, ev)
			}
		}
	}
	return r
}

// derivedValidity is when a derived partnership holds: while both parties
// act on the context. Each party's part runs from the earliest start to the
// latest end of its relations in from (those with a as an end are a's, the
// others b's); the partnership holds where the two parts overlap, from the
// later start to the earlier end, each kept as the date the source gives
// ("" = open) — the link's span of ChangedPartnerships (pairSpan). Parts that never overlap (a party joined after the other
// had left) give the span of the later part.
func derivedValidity(a string, from []*graph.Relation) (validFrom, validTo string) {
	type part struct {
		from, to string
		sp       graph.Span
		seen     bool
	}
	var parts [2]part
	for _, r := range from {
		p := &parts[1]
		if r.Subject == a || r.Object == a {
			p = &parts[0]
		}
		sp := r.Span()
		if !p.seen {
			*p = part{r.ValidFrom, r.ValidTo, sp, true}
			continue
		}
		if p.from != "" && (r.ValidFrom == "" || sp.Start.Before(p.sp.Start)) {
			p.from, p.sp.Start = r.ValidFrom, sp.Start
		}
		if p.to != "" && (r.ValidTo == "" || sp.End.After(p.sp.End)) {
			p.to, p.sp.End = r.ValidTo, sp.End
		}
	}
	x, y := parts[0], parts[1]
	if !x.seen || !y.seen {
		return x.from + y.from, x.to + y.to // one party only: its own part
	}
	// Order the parts by start (open first).
	if x.from != "" && (y.from == "" || y.sp.Start.Before(x.sp.Start)) {
		x, y = y, x
	}
	// y starts last; the overlap ends with the part that ends first.
	end, endStr := x.sp.End, x.to
	if y.to != "" && (x.to == "" || y.sp.End.Before(x.sp.End)) {
		end, endStr = y.sp.End, y.to
	}
	if !end.IsZero() && !y.sp.Start.IsZero() && !y.sp.Start.Before(end) {
		return y.from, y.to // no overlap
	}
	return y.from, endStr
}

// Cursors are opaque to clients. They carry the sort key of the last item
// (strength and the two IDs), so paging stays stable when the graph changes
// between pages.
const cursorPrefix = "pt1"

func encodeCursor(p *pair) string {
	raw := cursorPrefix + "\x00" + strconv.Itoa(p.strength()) + "\x00" + p.a + "\x00" + p.b
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeCursor(c string) (*pair, error) {
	bad := argErr("after", "malformed cursor %q", c)
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, bad
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 4 || parts[0] != cursorPrefix || parts[2] == "" || parts[3] == "" || parts[2] >= parts[3] {
		return nil, bad
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 1 {
		return nil, bad
	}
	return &pair{a: parts[2], b: parts[3], n: n}, nil
}

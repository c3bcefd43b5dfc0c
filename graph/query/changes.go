package query

import (
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minhang-kg/kg/graph"
)

// Window is the stretch of time between two times from and to: from the
// end of from's span to the end of to's, [From.End, To.End). A fact began
// in it when its interval starts in it, and ended in it when its interval
// ends in it (its exclusive end: a fact valid for 2024 ends at the start
// of 2025); an open end never begins or ends. Between 2024 and 2025 is
// all of 2025.
type Window struct {
	From, To graph.Span
}

// ParseWindow reads the from and to arguments of changes (ISO dates, as
// ParseTime). from must not be after to (its span must not start or end
// later); the error is an *ArgError naming the argument.
func ParseWindow(from, to string) (Window, error) {
	if from == "" {
		return Window{}, argErr("from", "must not be empty")
	}
	if to == "" {
		return Window{}, argErr("to", "must not be empty")
	}
	f, err := ParseTime("from", from)
	if err != nil {
		return Window{}, err
	}
	t, err := ParseTime("to", to)
	if err != nil {
		return Window{}, err
	}
	if f.Start.After(t.Start) || f.End.After(t.End) {
		return Window{}, argErr("from", "%q is after to %q", from, to)
	}
	return Window{From: f, To: t}, nil
}

// contains reports whether t lies in the window.
func (w Window) contains(t time.Time) bool {
	return !t.IsZero() && !t.Before(w.From.End) && t.Before(w.To.End)
}

// Change says whether a fact began or ended.
type Change int

// The changes.
const (
	Began Change = iota
	Ended
)

// ChangedRelation is a relation that began or ended in a window, with the
// instant it did.
type ChangedRelation struct {
	Relation *graph.Relation
	At       time.Time
}

// RelationChanges is one page of ChangedRelations.
type RelationChanges struct {
	Items       []ChangedRelation
	EndCursor   string
	HasNextPage bool
	TotalCount  int
}

// ChangedRelations returns the stored relations that began (or ended) in
// w, by the instant they did, then ID: a page of at most first (1..100)
// after the cursor after ("" for the first page).
func (s *Service) ChangedRelations(ctx context.Context, w Window, c Change, first int, after string) (RelationChanges, error) {
	if err := checkRange("first", first, 1, MaxFirst); err != nil {
		return RelationChanges{}, err
	}
	var key instant
	if after != "" {
		t, k, err := decodeChangeCursor(after)
		if err != nil {
			return RelationChanges{}, err
		}
		key = instant{t, k}
	}
	snap, err := s.current(ctx)
	if err != nil {
		return RelationChanges{}, err
	}
	list := snap.begins
	if c == Ended {
		list = snap.ends
	}
	lo, _ := slices.BinarySearchFunc(list, instant{at: w.From.End}, instantCmp)
	hi, _ := slices.BinarySearchFunc(list, instant{at: w.To.End}, instantCmp)
	if hi < lo { // from == to: an empty window
		hi = lo
	}
	out := RelationChanges{TotalCount: hi - lo}
	start := lo
	if after != "" {
		start, _ = slices.BinarySearchFunc(list[:hi], key, instantCmp)
		if start < hi && instantCmp(list[start], key) == 0 {
			start++
		}
		start = max(start, lo)
	}
	end := min(start+first, hi)
	out.HasNextPage = end < hi
	page := list[start:end]
	if len(page) == 0 {
		return out, nil
	}
	ids := make([]string, len(page))
	for i, x := range page {
		ids[i] = x.rel
	}
	rels, err := s.store.Relations(ctx, ids)
	if err != nil {
		return RelationChanges{}, fmt.Errorf("query: changed relations: %w", err)
	}
	for i, r := range rels {
		if r != nil { // removed since the snapshot was built
			out.Items = append(out.Items, ChangedRelation{Relation: r, At: page[i].at})
		}
	}
	last := page[len(page)-1]
	out.EndCursor = encodeChangeCursor(last.at, last.rel)
	return out, nil
}

// ChangedPartnership is a partnership that began or ended in a window.
type ChangedPartnership struct {
	Partnership Partnership
	At          time.Time
}

// PartnershipChanges is one page of ChangedPartnerships.
type PartnershipChanges struct {
	Items       []ChangedPartnership
	EndCursor   string
	HasNextPage bool
	TotalCount  int
}

// ChangedPartnerships returns the partnerships that began (or ended) in w,
// by the instant they did, then by the two IDs (A < B): a page of at most
// first (1..100) after the cursor after.
//
// A partnership rests on links: each explicit relation (its interval),
// and each shared context (where a joint relation of A and one of B to it
// both hold: the overlap of the two sides' intervals, each side spanning
// from its earliest relation's start to its latest relation's end). Its
// interval runs from the earliest start of its links to the latest end
// (open if any link is open there). Only partnerships with a link that
// begins or ends in w are examined, so the cost follows the relations
// that change, not the size of the graph.
func (s *Service) ChangedPartnerships(ctx context.Context, w Window, c Change, first int, after string) (PartnershipChanges, error) {
	if err := checkRange("first", first, 1, MaxFirst); err != nil {
		return PartnershipChanges{}, err
	}
	var keyAt time.Time
	var keyA, keyB string
	if after != "" {
		t, k, err := decodeChangeCursor(after)
		if err != nil {
			return PartnershipChanges{}, err
		}
		a, b, ok := strings.Cut(k, "\x00")
		if !ok || a == "" || b == "" {
			return PartnershipChanges{}, argErr("after", "malformed cursor %q", after)
		}
		keyAt, keyA, keyB = t, a, b
	}
	snap, err := s.current(ctx)
	if err != nil {
		return PartnershipChanges{}, err
	}
	j := snap.joints
	list := snap.begins
	if c == Ended {
		list = snap.ends
	}
	lo, _ := slices.BinarySearchFunc(list, instant{at: w.From.End}, instantCmp)
	hi, _ := slices.BinarySearchFunc(list, instant{at: w.To.End}, instantCmp)
	// Candidate pairs: those with a joint relation that changes in w.
	cands := map[[2]string]bool{}
	for _, x := range list[lo:max(lo, hi)] {
		jr, ok := j.bounded[x.rel]
		switch {
		case !ok: // not a joint relation
		case jr.explicit:
			cands[[2]string{min(jr.subject, jr.object), max(jr.subject, jr.object)}] = true
		default:
			for other := range j.contexts[jr.object] {
				if other != jr.subject {
					cands[[2]string{min(jr.subject, other), max(jr.subject, other)}] = true
				}
			}
		}
	}
	type hit struct {
		p  *pair
		at time.Time
	}
	var hits []hit
	for k := range cands {
		p, sp := j.pairSpan(k[0], k[1])
		t := sp.Start
		if c == Ended {
			t = sp.End
		}
		if p != nil && w.contains(t) {
			hits = append(hits, hit{p, t})
		}
	}
	slices.SortFunc(hits, func(x, y hit) int {
		return cmp.Or(x.at.Compare(y.at), cmp.Compare(x.p.a, y.p.a), cmp.Compare(x.p.b, y.p.b))
	})
	out := PartnershipChanges{TotalCount: len(hits)}
	start := 0
	if after != "" {
		start, _ = slices.BinarySearchFunc(hits, hit{&pair{a: keyA, b: keyB}, keyAt}, func(x, y hit) int {
			return cmp.Or(x.at.Compare(y.at), cmp.Compare(x.p.a, y.p.a), cmp.Compare(x.p.b, y.p.b))
		})
		if start < len(hits) && hits[start].at.Equal(keyAt) && hits[start].p.a == keyA && hits[start].p.b == keyB {
			start++
		}
	}
	end := min(start+first, len(hits))
	out.HasNextPage = end < len(hits)
	page := hits[start:end]
	ps := make([]*pair, len(page))
	for i, h := range page {
		ps[i] = h.p
	}
	mats, err := s.materialise(ctx, j, ps, nil, graph.Span{})
	if err != nil {
		return PartnershipChanges{}, fmt.Errorf("query: changed partnerships: %w", err)
	}
	for i, m := range mats {
		out.Items = append(out.Items, ChangedPartnership{Partnership: m, At: page[i].at})
	}
	if len(page) > 0 {
		last := page[len(page)-1]
		out.EndCursor = encodeChangeCursor(last.at, last.p.a+"\x00"+last.p.b)
	}
	return out, nil
}

// pairSpan returns the partnership of a and b (a < b) over all time, with
// its interval (see ChangedPartnerships), or nil when they are not
// partners.
func (j *jointIndex) pairSpan(a, b string) (*pair, graph.Span) {
	p := &pair{a: a, b: b}
	var links []graph.Span
	for _, id := range j.explicit[[2]string{a, b}] {
		p.explicit = append(p.explicit, id)
		links = append(links, j.spans[id])
	}
	slices.Sort(p.explicit)
	p.explicit = slices.Compact(p.explicit)
	via, _ := j.via(p, graph.Span{})
	for _, c := range via {
		subs := j.contexts[c]
		if sp, ok := overlap(j.hull(subs[a]), j.hull(subs[b])); ok {
			links = append(links, sp)
		}
	}
	p.n = len(via) + len(p.explicit)
	if p.n == 0 {
		return nil, graph.Span{}
	}
	// With no link where both hold at once, the hull of nothing is open
	// at both ends: the partnership never begins or ends.
	return p, hullOf(links)
}

// hull is the span from the earliest start to the latest end of the joint
// relations ids (open where one is open).
func (j *jointIndex) hull(ids []string) graph.Span {
	spans := make([]graph.Span, len(ids))
	for i, id := range ids {
		spans[i] = j.spans[id]
	}
	return hullOf(spans)
}

// hullOf is the span from the earliest start to the latest end of spans
// (open where one is open; open at both ends when there are none).
func hullOf(spans []graph.Span) graph.Span {
	if len(spans) == 0 {
		return graph.Span{}
	}
	out := spans[0]
	for _, sp := range spans[1:] {
		if sp.Start.IsZero() || !out.Start.IsZero() && sp.Start.Before(out.Start) {
			out.Start = sp.Start
		}
		if sp.End.IsZero() || !out.End.IsZero() && sp.End.After(out.End) {
			out.End = sp.End
		}
	}
	return out
}

// overlap is the intersection of two spans, false when they share no
// instant.
func overlap(x, y graph.Span) (graph.Span, bool) {
	if !x.Overlaps(y) {
		return graph.Span{}, false
	}
	out := x
	if out.Start.IsZero() || y.Start.After(out.Start) {
		out.Start = y.Start
	}
	if out.End.IsZero() || !y.End.IsZero() && y.End.Before(out.End) {
		out.End = y.End
	}
	return out, true
}

// Change cursors carry the instant and key (relation ID, or the two
// entity IDs) of the last item.
const changeCursorPrefix = "ch1"

// ChangeCursor is the cursor of a page of changes ending with the item
// that changed at t with the key (its relation ID, or its two entity IDs
// joined by "\x00", A < B).
func ChangeCursor(t time.Time, key string) string { return encodeChangeCursor(t, key) }

func encodeChangeCursor(t time.Time, key string) string {
	raw := changeCursorPrefix + "\x00" + strconv.FormatInt(t.UnixNano(), 10) + "\x00" + key
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeChangeCursor(c string) (time.Time, string, error) {
	bad := argErr("after", "malformed cursor %q", c)
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", bad
	}
	prefix, rest, _ := strings.Cut(string(raw), "\x00")
	ns, key, _ := strings.Cut(rest, "\x00")
	n, err := strconv.ParseInt(ns, 10, 64)
	if prefix != changeCursorPrefix || err != nil || key == "" {
		return time.Time{}, "", bad
	}
	return time.Unix(0, n).UTC(), key, nil
}

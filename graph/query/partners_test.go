package query

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/kgtest"
)

// partnerView is a Partnership reduced to what the tests compare.
type partnerView struct {
	A, B     string
	Via      string // joined
	Strength int
	Stored   string // "subject predicate object" of stored relations, joined
	Derived  int    // inferred relations
}

func view(p Partnership) partnerView {
	v := partnerView{A: p.A, B: p.B, Via: strings.Join(p.Via, ","), Strength: p.Strength}
	var stored []string
	for _, r := range p.Relations {
		if r.Inferred {
			v.Derived++
			continue
		}
		s, o := r.Subject, r.Object
		if pr, _ := graph.LookupPredicate(r.Predicate); pr != nil && pr.Symmetric && o < s {
			s, o = o, s // stores may keep either end first
		}
		stored = append(stored, s+" "+r.Predicate+" "+o)
	}
	slices.Sort(stored)
	v.Stored = strings.Join(stored, "; ")
	return v
}

func TestPartners(t *testing.T) {
	tests := []struct {
		id    string
		first int
		want  []partnerView
	}{
		{"org/sjtu", 10, []partnerView{
			{"org/sjtu", "org/ecnu", "place/dalinghaowan", 2,
				"org/ecnu co_builds place/dalinghaowan; org/ecnu partners_with org/sjtu; org/sjtu co_builds place/dalinghaowan", 1},
			{"org/sjtu", "org/mh-stc", "event/sci-fest,place/dalinghaowan", 2,
				"org/mh-stc co_builds place/dalinghaowan; org/mh-stc co_hosts event/sci-fest; org/sjtu co_builds place/dalinghaowan; org/sjtu co_hosts event/sci-fest", 2},
		}},
		{"org/mh-stc", 10, []partnerView{
			{"org/mh-stc", "org/sjtu", "event/sci-fest,place/dalinghaowan", 2,
				"org/mh-stc co_builds place/dalinghaowan; org/mh-stc co_hosts event/sci-fest; org/sjtu co_builds place/dalinghaowan; org/sjtu co_hosts event/sci-fest", 2},
			{"org/mh-stc", "co/comac", "", 1, "co/comac signs_agreement_with org/mh-stc", 0},
			{"org/mh-stc", "org/ecnu", "place/dalinghaowan", 1,
				"org/ecnu co_builds place/dalinghaowan; org/mh-stc co_builds place/dalinghaowan", 1},
			{"org/mh-stc", "org/sh-plan", "policy/dlhw-plan", 1,
				"org/mh-stc jointly_drafts policy/dlhw-plan; org/sh-plan jointly_drafts policy/dlhw-plan", 1},
			{"org/mh-stc", "org/sh-stc", "policy/dlhw-plan", 1,
				"org/mh-stc jointly_drafts policy/dlhw-plan; org/sh-stc jointly_drafts policy/dlhw-plan", 1},
		}},
		{"org/mh-stc", 2, []partnerView{
			{"org/mh-stc", "org/sjtu", "event/sci-fest,place/dalinghaowan", 2,
				"org/mh-stc co_builds place/dalinghaowan; org/mh-stc co_hosts event/sci-fest; org/sjtu co_builds place/dalinghaowan; org/sjtu co_hosts event/sci-fest", 2},
			{"org/mh-stc", "co/comac", "", 1, "co/comac signs_agreement_with org/mh-stc", 0},
		}},
		// The explicit relation is stored with org/mh-stc as subject; from
		// the other end it is found all the same.
		{"co/comac", 10, []partnerView{{"co/comac", "org/mh-stc", "", 1, "co/comac signs_agreement_with org/mh-stc", 0}}},
		// guides is not joint: org/sh-stc is no partner of the zone's co-builders.
		{"org/sh-stc", 10, []partnerView{
			{"org/sh-stc", "org/mh-stc", "policy/dlhw-plan", 1,
				"org/mh-stc jointly_drafts policy/dlhw-plan; org/sh-stc jointly_drafts policy/dlhw-plan", 1},
			{"org/sh-stc", "org/sh-plan", "policy/dlhw-plan", 1,
				"org/sh-plan jointly_drafts policy/dlhw-plan; org/sh-stc jointly_drafts policy/dlhw-plan", 1},
		}},
		// A context is not a partner of its co-builders.
		{"place/dalinghaowan", 10, []partnerView{}},
		{"org/lonely", 10, []partnerView{}},
	}
	eachBackend(t, func(t *testing.T, st graph.Store, svc *Service) {
		for _, tc := range tests {
			t.Run(fmt.Sprintf("%s/%d", tc.id, tc.first), func(t *testing.T) {
				got, err := svc.Partners(context.Background(), tc.id, tc.first, graph.Span{})
				if err != nil {
					t.Fatal(err)
				}
				views := make([]partnerView, len(got))
				for i, p := range got {
					views[i] = view(p)
				}
				if !slices.Equal(views, tc.want) {
					t.Fatalf("Partners(%s) =\n%+v\nwant\n%+v", tc.id, views, tc.want)
				}
				for _, p := range got {
					checkPartnership(t, p)
				}
			})
		}
	})
}

// checkPartnership checks the invariants of every partnership: no self
// partner, stored relations with evidence, one derived relation per context
// with the union of the evidence of the stored ones it rests on.
func checkPartnership(t *testing.T, p Partnership) {
	t.Helper()
	if p.A == p.B {
		t.Errorf("%s is its own partner", p.A)
	}
	if !slices.IsSorted(p.Via) {
		t.Errorf("Via not sorted: %v", p.Via)
	}
	var derived []*graph.Relation
	storedEv := map[string]bool{}
	for _, r := range p.Relations {
		if len(r.Evidence) == 0 {
			t.Errorf("relation %s has no evidence", r.ID)
		}
		if r.Inferred {
			derived = append(derived, r)
			continue
		}
		for _, e := range r.Evidence {
			storedEv[e.Quote] = true
		}
	}
	if len(derived) != len(p.Via) {
		t.Errorf("%d derived relations for %d contexts", len(derived), len(p.Via))
	}
	for i, r := range derived {
		if r.Predicate != "partners_with" || r.Subject != p.A || r.Object != p.B || !strings.HasPrefix(r.ID, "inf/") {
			t.Errorf("derived relation %+v", r)
		}
		if r.ID != InferredID(p.B, p.A, p.Via[i]) {
			t.Errorf("derived ID %s is not InferredID of the pair and context %s", r.ID, p.Via[i])
		}
		for _, e := range r.Evidence {
			if !storedEv[e.Quote] {
				t.Errorf("derived evidence %q not from a stored relation", e.Quote)
			}
		}
	}
}

func TestPartnersDerivedEvidenceIsUnion(t *testing.T) {
	facts := fixtureFacts()
	// Give org/ecnu's zone relation its own sentence.
	for i, r := range facts.Relations {
		if r.Subject == "org/ecnu" && r.Predicate == "co_builds" {
			facts.Relations[i].Evidence = ev("华东师大参与共建", 700)
		}
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			svc := New(b.open(t, facts), kgtest.Logger(t))
			ps, err := svc.Partners(context.Background(), "org/ecnu", 10, graph.Span{})
			if err != nil {
				t.Fatal(err)
			}
			var mh *Partnership
			for i := range ps {
				if ps[i].B == "org/mh-stc" {
					mh = &ps[i]
				}
			}
			if mh == nil {
				t.Fatalf("org/mh-stc not among the partners of org/ecnu: %+v", ps)
			}
			var quotes []string
			for _, r := range mh.Relations {
				if r.Inferred {
					for _, e := range r.Evidence {
						quotes = append(quotes, e.Quote)
					}
				}
			}
			slices.Sort(quotes)
			want := []string{evZone[0].Quote, "华东师大参与共建"}
			slices.Sort(want)
			if !slices.Equal(quotes, want) {
				t.Errorf("derived evidence = %q, want %q", quotes, want)
			}
		})
	}
}

func TestPartnersErrors(t *testing.T) {
	eachBackend(t, func(t *testing.T, st graph.Store, svc *Service) {
		_, err := svc.Partners(context.Background(), "org/nope", 10, graph.Span{})
		if !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("unknown id: err = %v, want ErrNotFound", err)
		}
		for _, first := range []int{0, -1, 101} {
			_, err := svc.Partners(context.Background(), "org/sjtu", first, graph.Span{})
			assertArgError(t, err, "first")
		}
		_, err = svc.Partners(context.Background(), "", 10, graph.Span{})
		assertArgError(t, err, "id")
	})
}

func TestPartnerships(t *testing.T) {
	all := []string{
		"org/ecnu–org/sjtu:2", "org/mh-stc–org/sjtu:2",
		"co/comac–org/mh-stc:1", "org/ecnu–org/mh-stc:1", "org/mh-stc–org/sh-plan:1",
		"org/mh-stc–org/sh-stc:1", "org/sh-plan–org/sh-stc:1",
	}
	institutions := slices.DeleteFunc(slices.Clone(all), func(s string) bool { return strings.HasPrefix(s, "co/") })
	tests := []struct {
		name  string
		kinds []graph.Kind
		first int
		want  []string
	}{
		{"all, one page", nil, 100, all},
		{"all, pages of 3", nil, 3, all},
		{"all, pages of 1", nil, 1, all},
		{"kinds filter both ends", []graph.Kind{graph.KindInstitution}, 4, institutions},
		{"kinds with no pairs", []graph.Kind{graph.KindPerson}, 4, nil},
	}
	eachBackend(t, func(t *testing.T, st graph.Store, svc *Service) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				var got []string
				after := ""
				for pages := 0; ; pages++ {
					if pages > len(all)+1 {
						t.Fatal("paging does not end")
					}
					page, err := svc.Partnerships(context.Background(), tc.kinds, tc.first, after, graph.Span{})
					if err != nil {
						t.Fatal(err)
					}
					if page.TotalCount != len(tc.want) {
						t.Errorf("TotalCount = %d, want %d", page.TotalCount, len(tc.want))
					}
					if len(page.Items) > tc.first {
						t.Errorf("page of %d items, first = %d", len(page.Items), tc.first)
					}
					for _, p := range page.Items {
						if p.A >= p.B {
							t.Errorf("pair %s–%s not ordered", p.A, p.B)
						}
						checkPartnership(t, p)
						got = append(got, fmt.Sprintf("%s–%s:%d", p.A, p.B, p.Strength))
					}
					if !page.HasNextPage {
						break
					}
					if page.EndCursor == "" {
						t.Fatal("HasNextPage without EndCursor")
					}
					after = page.EndCursor
				}
				if !slices.Equal(got, tc.want) {
					t.Fatalf("Partnerships = %v, want %v", got, tc.want)
				}
			})
		}
	})
}

func TestPartnershipsArgumentErrors(t *testing.T) {
	good, err := New(emptyStore(), kgtest.Logger(t)).Partnerships(context.Background(), nil, 1, "", graph.Span{})
	if err != nil || good.EndCursor != "" {
		t.Fatalf("empty store: %+v, %v", good, err)
	}
	tests := []struct {
		name  string
		kinds []graph.Kind
		first int
		after string
		arg   string
	}{
		{"first zero", nil, 0, "", "first"},
		{"first too big", nil, 101, "", "first"},
		{"unknown kind", []graph.Kind{"NOPE"}, 10, "", "kinds"},
		{"cursor not base64", nil, 10, "%%%", "after"},
		{"cursor of something else", nil, 10, "aGVsbG8", "after"},
		{"cursor with bad strength", nil, 10, encodeRaw("pt1\x00x\x00a\x00b"), "after"},
		{"cursor with unordered pair", nil, 10, encodeRaw("pt1\x001\x00b\x00a"), "after"},
		{"cursor with huge strength", nil, 10, encodeRaw("pt1\x00-5\x00a\x00b"), "after"},
	}
	svc := New(emptyStore(), kgtest.Logger(t))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.Partnerships(context.Background(), tc.kinds, tc.first, tc.after, graph.Span{})
			assertArgError(t, err, tc.arg)
		})
	}
}

func encodeRaw(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// TestPartnersOf: the batch gives what Partners gives for each ID, in one
// relation read.
func TestPartnersOf(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			st := kgtest.NewCountingStore(b.open(t, fixtureFacts()))
			svc := New(st, kgtest.Logger(t))
			ids := []string{"org/sjtu", "org/mh-stc", "co/comac", "org/lonely", "org/nope"}
			for _, first := range []int{1, 2, 10} {
				if _, err := svc.Degrees(ctx, nil); err != nil {
					t.Fatal(err)
				}
				st.Reset()
				got, err := svc.PartnersOf(ctx, ids, first, graph.Span{})
				if err != nil {
					t.Fatal(err)
				}
				if c := st.Reset(); c["Relations"] != 1 || len(c) != 2 {
					t.Errorf("store calls %v, want one Generation and one Relations", c)
				}
				for _, id := range ids {
					want, err := svc.Partners(ctx, id, first, graph.Span{})
					if errors.Is(err, graph.ErrNotFound) {
						want = []Partnership{}
					} else if err != nil {
						t.Fatal(err)
					}
					if fmt.Sprintf("%+v", views(got[id])) != fmt.Sprintf("%+v", views(want)) {
						t.Errorf("PartnersOf(%s, %d) = %+v, Partners gives %+v", id, first, views(got[id]), views(want))
					}
					for _, p := range got[id] {
						checkPartnership(t, p)
					}
				}
			}
			_, err := svc.PartnersOf(ctx, ids, 0, graph.Span{})
			assertArgError(t, err, "first")
		})
	}
}

func views(ps []Partnership) []partnerView {
	out := make([]partnerView, len(ps))
	for i, p := range ps {
		out[i] = view(p)
	}
	return out
}

// TestPartnershipCursor: the cursor of any item continues right after it,
// whichever way round the item is seen.
func TestPartnershipCursor(t *testing.T) {
	eachBackend(t, func(t *testing.T, st graph.Store, svc *Service) {
		ctx := context.Background()
		all, err := svc.Partnerships(ctx, nil, 100, "", graph.Span{})
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range all.Items {
			for _, q := range []Partnership{p, {A: p.B, B: p.A, Strength: p.Strength}} {
				page, err := svc.Partnerships(ctx, nil, 100, PartnershipCursor(q), graph.Span{})
				if err != nil {
					t.Fatal(err)
				}
				if len(page.Items) != len(all.Items)-i-1 || len(page.Items) > 0 && page.Items[0].A != all.Items[i+1].A {
					t.Errorf("after item %d (%s–%s): %d items", i, q.A, q.B, len(page.Items))
				}
			}
		}
		if all.EndCursor != PartnershipCursor(all.Items[len(all.Items)-1]) {
			t.Error("EndCursor is not the cursor of the last item")
		}
	})
}

// TestPartnershipsCursorSurvivesChanges: a cursor from before a write still
// pages on from the same place in the order.
func TestPartnershipsCursorSurvivesChanges(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			st := b.open(t, fixtureFacts())
			svc := New(st, kgtest.Logger(t))
			p1, err := svc.Partnerships(ctx, nil, 2, "", graph.Span{})
			if err != nil {
				t.Fatal(err)
			}
			// A new pair of strength 1: it sorts after the cursor, so the next page
			// shows it.
			_, err = st.PutFacts(ctx, graph.DocumentFacts{
				Document: graph.Document{ID: fixtureDoc},
				Entities: []graph.Entity{{ID: "co/aaa", Kind: graph.KindCompany, Name: "甲公司", Evidence: evOther}},
				Relations: []graph.Relation{
					{Subject: "co/aaa", Predicate: "partners_with", Object: "co/comac", Evidence: evOther},
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			p2, err := svc.Partnerships(ctx, nil, 100, p1.EndCursor, graph.Span{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range p2.Items {
				got = append(got, p.A+"–"+p.B)
			}
			want := []string{"co/aaa–co/comac", "co/comac–org/mh-stc", "org/ecnu–org/mh-stc", "org/mh-stc–org/sh-plan", "org/mh-stc–org/sh-stc", "org/sh-plan–org/sh-stc"}
			if !slices.Equal(got, want) {
				t.Errorf("second page after a write = %v, want %v", got, want)
			}
			if p2.TotalCount != 8 {
				t.Errorf("TotalCount = %d, want 8", p2.TotalCount)
			}
		})
	}
}

// A derived partnership holds while both parties act on the context: the
// overlap of each party's relations to it, kept at the source's precision.
func TestDerivedValidity(t *testing.T) {
	rel := func(s, o, from, to string) *graph.Relation {
		return &graph.Relation{Subject: s, Predicate: "co_builds", Object: o, ValidFrom: from, ValidTo: to}
	}
	tests := []struct {
		name     string
		from     []*graph.Relation
		wantFrom string
		wantTo   string
	}{
		{"both open", []*graph.Relation{rel("a", "c", "", ""), rel("b", "c", "", "")}, "", ""},
		{"the later start", []*graph.Relation{rel("a", "c", "2024", ""), rel("b", "c", "2025-06", "")}, "2025-06", ""},
		{"the later start, either order", []*graph.Relation{rel("b", "c", "2025-06", ""), rel("a", "c", "", "")}, "2025-06", ""},
		{"the earlier end", []*graph.Relation{rel("a", "c", "2023", "2026"), rel("b", "c", "2024-03", "2025-06-30")}, "2024-03", "2025-06-30"},
		{"one-off acts together", []*graph.Relation{rel("a", "c", "2025-03", "2025-03"), rel("b", "c", "2025-03", "2025-03")}, "2025-03", "2025-03"},
		{"a party's relations make one part", []*graph.Relation{rel("a", "c", "2024", "2024"), rel("c", "a", "2025-06", ""), rel("b", "c", "2025", "")}, "2025", ""},
		{"an open end of a party wins over its dated one", []*graph.Relation{rel("a", "c", "2020", "2021"), rel("a", "c", "2022", ""), rel("b", "c", "2030", "")}, "2030", ""},
		{"no overlap: the later part", []*graph.Relation{rel("a", "c", "2020", "2020"), rel("b", "c", "2024", "2025")}, "2024", "2025"},
		{"touching is no overlap", []*graph.Relation{rel("a", "c", "", "2023"), rel("b", "c", "2024", "")}, "2024", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to := derivedValidity("a", tt.from)
			if from != tt.wantFrom || to != tt.wantTo {
				t.Errorf("derivedValidity = %q, %q; want %q, %q", from, to, tt.wantFrom, tt.wantTo)
			}
			if _, err := graph.ValidSpan(from, to); err != nil {
				t.Errorf("not a valid span: %v", err)
			}
		})
	}
}

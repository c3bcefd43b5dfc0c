package query

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/kgtest"
)

// timedFacts is a graph whose facts carry time: org/sjtu co-builds a zone
// from 2024 on with org/mh-stc (there 2024-05 to 2024-12), a second zone
// from 2025-03 with org/new, and was an explicit partner of org/old in
// 2022–2023; an alliance founded in 2023 has no relations; indicators of
// 2023, 2024 and as of 2024-11.
func timedFacts() graph.DocumentFacts {
	ent := func(id string, kind graph.Kind, name string, attrs ...graph.Attribute) graph.Entity {
		return graph.Entity{ID: id, Kind: kind, Name: name, NameEn: name, Attributes: attrs, Evidence: evOther}
	}
	rel := func(s, p, o, from, to string) graph.Relation {
		return graph.Relation{Subject: s, Predicate: p, Object: o, Evidence: evOther, ValidFrom: from, ValidTo: to}
	}
	date := func(k, v string) graph.Attribute { return graph.Attribute{Key: k, Value: v, Type: graph.AttrDate} }
	return graph.DocumentFacts{
		Document: graph.Document{ID: fixtureDoc, Title: "测试文档", Date: "2025-01-10", Period: "2024"},
		Entities: []graph.Entity{
			ent("org/sjtu", graph.KindInstitution, "上海交通大学"),
			ent("org/mh-stc", graph.KindInstitution, "闵行区科委"),
			ent("org/new", graph.KindInstitution, "新伙伴"),
			ent("org/old", graph.KindInstitution, "老伙伴"),
			ent("place/zone", graph.KindPlace, "甲园区"),
			ent("place/zone2", graph.KindPlace, "乙园区"),
			ent("place/minhang", graph.KindPlace, "闵行区"),
			ent("alliance/a", graph.KindAlliance, "甲联盟", date("founded", "2023")),
			ent("co/undated", graph.KindCompany, "无时公司"),
			ent("ind/2023", graph.KindIndicator, "指标2023", date("year", "2023")),
			ent("ind/2024", graph.KindIndicator, "指标2024", date("year", "2024")),
			ent("ind/asof", graph.KindIndicator, "指标截至", date("asOf", "2024-11")),
		},
		Relations: []graph.Relation{
			rel("org/sjtu", "co_builds", "place/zone", "2024", ""),
			rel("org/mh-stc", "co_builds", "place/zone", "2024-05", "2024-12"),
			rel("org/sjtu", "co_builds", "place/zone2", "2025-03", ""),
			rel("org/new", "co_builds", "place/zone2", "2025-03", ""),
			rel("org/sjtu", "partners_with", "org/old", "2022", "2023"),
			rel("place/zone", "located_in", "place/minhang", "", ""),
			rel("ind/2023", "measures", "place/minhang", "", ""),
			rel("ind/2024", "measures", "place/minhang", "", ""),
			rel("ind/asof", "measures", "org/sjtu", "", ""),
		},
	}
}

// eachTimed runs fn as a subtest on every backend, with a Service over
// timedFacts.
func eachTimed(t *testing.T, fn func(t *testing.T, svc *Service)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			fn(t, New(b.open(t, timedFacts()), kgtest.Logger(t)))
		})
	}
}

func at(t *testing.T, s string) graph.Span {
	t.Helper()
	sp, err := ParseTime("asOf", s)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func partnerIDs(ps []Partnership) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.B+"("+strings.Join(p.Via, ",")+")")
	}
	return strings.Join(out, " ")
}

func TestPartnersAsOf(t *testing.T) {
	eachTimed(t, func(t *testing.T, svc *Service) {
		ctx := context.Background()
		tests := []struct {
			asOf string
			want string
		}{
			{"", "org/mh-stc(place/zone) org/new(place/zone2) org/old()"},
			{"2023", "org/old()"},
			{"2024", "org/mh-stc(place/zone)"},
			{"2024-03", ""}, // org/mh-stc joins in 2024-05
			{"2024-05-31", "org/mh-stc(place/zone)"},
			{"2025", "org/new(place/zone2)"},
			{"2025-06", "org/new(place/zone2)"},
			{"2025-02", ""},
		}
		for _, tc := range tests {
			t.Run(tc.asOf, func(t *testing.T) {
				ps, err := svc.Partners(ctx, "org/sjtu", 10, at(t, tc.asOf))
				if err != nil {
					t.Fatal(err)
				}
				if got := partnerIDs(ps); got != tc.want {
					t.Errorf("Partners(asOf %q) = %q, want %q", tc.asOf, got, tc.want)
				}
				for _, p := range ps {
					for _, r := range p.Relations {
						if !r.Inferred && !r.HoldsAt(at(t, tc.asOf)) {
							t.Errorf("partner %s rests on %s, which does not hold as of %q", p.B, r.ID, tc.asOf)
						}
					}
				}
				of, err := svc.PartnersOf(ctx, []string{"org/sjtu", "org/new"}, 10, at(t, tc.asOf))
				if err != nil {
					t.Fatal(err)
				}
				if got := partnerIDs(of["org/sjtu"]); got != tc.want {
					t.Errorf("PartnersOf(asOf %q) = %q, want %q", tc.asOf, got, tc.want)
				}
			})
		}
	})
}

func TestPartnershipsAsOf(t *testing.T) {
	eachTimed(t, func(t *testing.T, svc *Service) {
		ctx := context.Background()
		tests := []struct {
			asOf  string
			want  []string
			total int
		}{
			{"", []string{"org/mh-stc–org/sjtu", "org/new–org/sjtu", "org/old–org/sjtu"}, 3},
			{"2022", []string{"org/old–org/sjtu"}, 1},
			{"2024-06", []string{"org/mh-stc–org/sjtu"}, 1},
			{"2025", []string{"org/new–org/sjtu"}, 1},
			{"2021", nil, 0},
		}
		for _, tc := range tests {
			t.Run(tc.asOf, func(t *testing.T) {
				// Twice: the second answer comes from the kept list.
				for range 2 {
					page, err := svc.Partnerships(ctx, nil, 10, "", at(t, tc.asOf))
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, p := range page.Items {
						got = append(got, p.A+"–"+p.B)
					}
					if !slices.Equal(got, tc.want) || page.TotalCount != tc.total {
						t.Errorf("Partnerships(asOf %q) = %q (total %d), want %q (%d)", tc.asOf, got, page.TotalCount, tc.want, tc.total)
					}
				}
			})
		}
	})
}

// TestTimedPairsBounded: the partnerships kept per time stay within
// maxTimedPairs however many times are asked for.
func TestTimedPairsBounded(t *testing.T) {
	eachTimed(t, func(t *testing.T, svc *Service) {
		ctx := context.Background()
		for m := 1; m <= 12; m++ {
			day := "2024-" + []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"}[m-1]
			if _, err := svc.Partnerships(ctx, nil, 10, "", at(t, day)); err != nil {
				t.Fatal(err)
			}
		}
		snap, err := svc.current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		snap.timedMu.Lock()
		defer snap.timedMu.Unlock()
		if len(snap.timed) != maxTimedPairs || len(snap.timedOrder) != maxTimedPairs {
			t.Errorf("kept %d lists (order %d), want %d", len(snap.timed), len(snap.timedOrder), maxTimedPairs)
		}
	})
}

// TestAsOfWithoutTimedFactsIsUntimed: on a graph whose facts carry no
// time, every asOf answers as without one.
func TestAsOfWithoutTimedFactsIsUntimed(t *testing.T) {
	eachBackend(t, func(t *testing.T, st graph.Store, svc *Service) {
		ctx := context.Background()
		all, err := svc.Partners(ctx, "org/sjtu", 10, graph.Span{})
		if err != nil {
			t.Fatal(err)
		}
		then, err := svc.Partners(ctx, "org/sjtu", 10, at(t, "1999"))
		if err != nil {
			t.Fatal(err)
		}
		if len(all) == 0 || partnerIDs(all) != partnerIDs(then) {
			t.Errorf("Partners as of 1999 = %q, want %q", partnerIDs(then), partnerIDs(all))
		}
	})
}

func TestPathsAndSubgraphAsOf(t *testing.T) {
	eachTimed(t, func(t *testing.T, svc *Service) {
		ctx := context.Background()
		paths := []struct {
			asOf, from, to string
			want           string // node IDs of the first path, "" for none
		}{
			{"", "org/sjtu", "place/minhang", "org/sjtu place/zone place/minhang"},
			{"2024", "org/sjtu", "place/minhang", "org/sjtu place/zone place/minhang"},
			{"2023", "org/sjtu", "place/minhang", ""},
			{"2023", "org/sjtu", "org/old", "org/sjtu org/old"},
			{"2024", "org/sjtu", "org/old", ""},
		}
		for _, tc := range paths {
			ps, err := svc.Paths(ctx, tc.from, tc.to, 4, 3, at(t, tc.asOf))
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if len(ps) > 0 {
				got = strings.Join(ps[0].Nodes, " ")
				for _, r := range ps[0].Relations {
					if !r.HoldsAt(at(t, tc.asOf)) {
						t.Errorf("path as of %q uses %s, which does not hold then", tc.asOf, r.ID)
					}
				}
			}
			if got != tc.want {
				t.Errorf("Paths(%s, %s, asOf %q) = %q, want %q", tc.from, tc.to, tc.asOf, got, tc.want)
			}
		}
		subgraphs := []struct {
			asOf         string
			nodes, edges int
		}{
			{"", 5, 4}, // sjtu, zone, zone2, old, and the asof indicator measuring sjtu
			{"2023", 3, 2},
			{"2025", 4, 3},
		}
		for _, tc := range subgraphs {
			sg, err := svc.Subgraph(ctx, []string{"org/sjtu"}, 1, nil, 100, at(t, tc.asOf))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, n := range sg.Nodes {
				ids = append(ids, n.Entity.ID)
			}
			if len(sg.Nodes) != tc.nodes || len(sg.Edges) != tc.edges {
				t.Errorf("Subgraph(asOf %q) = %d nodes %v, %d edges; want %d, %d", tc.asOf, len(sg.Nodes), ids, len(sg.Edges), tc.nodes, tc.edges)
			}
		}
	})
}

func TestRelationsOfAsOf(t *testing.T) {
	eachTimed(t, func(t *testing.T, svc *Service) {
		ctx := context.Background()
		tests := []struct {
			asOf string
			want string
		}{
			{"", "co_builds place/zone, co_builds place/zone2, measures ind/asof, partners_with org/old"},
			{"2023-06", "measures ind/asof, partners_with org/old"},
			{"2025-06", "co_builds place/zone, co_builds place/zone2, measures ind/asof"},
		}
		for _, tc := range tests {
			m, err := svc.RelationsOf(ctx, []string{"org/sjtu"}, graph.RelationFilter{}, at(t, tc.asOf))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range m["org/sjtu"] {
				other := r.Object
				if other == "org/sjtu" {
					other = r.Subject
				}
				got = append(got, r.Predicate+" "+other)
			}
			slices.Sort(got)
			if s := strings.Join(got, ", "); s != tc.want {
				t.Errorf("RelationsOf(asOf %q) = %q, want %q", tc.asOf, s, tc.want)
			}
		}
	})
}

func TestEntitiesAsOf(t *testing.T) {
	eachTimed(t, func(t *testing.T, svc *Service) {
		ctx := context.Background()
		tests := []struct {
			asOf  string
			kinds []graph.Kind
			want  string
		}{
			{"", []graph.Kind{graph.KindAlliance, graph.KindInstitution}, "alliance/a org/mh-stc org/new org/old org/sjtu"},
			// org/sjtu through its relation with org/old; the alliance was
			// founded in 2023; place/zone and place/minhang are related
			// without time; ind/2023 is of 2023; co/undated, with neither
			// relations nor dates, exists in its document's period (2024).
			{"2023", nil, "alliance/a ind/2023 org/old org/sjtu place/minhang place/zone"},
			{"2022", nil, "org/old org/sjtu place/minhang place/zone"},
			{"2024", []graph.Kind{graph.KindCompany}, "co/undated"},
			{"2025-06", []graph.Kind{graph.KindInstitution, graph.KindAlliance, graph.KindIndicator}, "alliance/a org/new org/sjtu"},
			{"2024-11", []graph.Kind{graph.KindIndicator}, "ind/2024 ind/asof"},
		}
		for _, tc := range tests {
			t.Run(tc.asOf, func(t *testing.T) {
				f := EntityFilter{Kinds: tc.kinds, At: at(t, tc.asOf)}
				var got []string
				after := ""
				for { // pages of 2, to exercise paging
					page, err := svc.Entities(ctx, f, after, 2)
					if err != nil {
						t.Fatal(err)
					}
					for _, e := range page.Items {
						got = append(got, e.ID)
					}
					if !page.HasNextPage {
						break
					}
					after = page.Items[len(page.Items)-1].ID
				}
				if s := strings.Join(got, " "); s != tc.want {
					t.Errorf("Entities(asOf %q) = %q, want %q", tc.asOf, s, tc.want)
				}
				n, err := svc.CountEntities(ctx, f)
				if err != nil || n != len(got) {
					t.Errorf("CountEntities = %d, %v; want %d", n, err, len(got))
				}
			})
		}
		_, err := svc.Entities(ctx, EntityFilter{Attribute: &AttributeMatch{Key: " "}}, "", 10)
		assertArgError(t, err, "attribute.key")
	})
}

func TestIndicatorsFilters(t *testing.T) {
	eachTimed(t, func(t *testing.T, svc *Service) {
		ctx := context.Background()
		tests := []struct {
			name string
			f    IndicatorFilter
			want string
		}{
			{"all", IndicatorFilter{}, "ind/2023 ind/2024 ind/asof"},
			{"year 2024", IndicatorFilter{Year: "2024"}, "ind/2024 ind/asof"},
			{"year 2023", IndicatorFilter{Year: "2023"}, "ind/2023"},
			{"subject", IndicatorFilter{Subject: "org/sjtu"}, "ind/asof"},
			{"subject and year", IndicatorFilter{Subject: "place/minhang", Year: "2024"}, "ind/2024"},
			{"unknown subject", IndicatorFilter{Subject: "org/none"}, ""},
			{"asOf 2023-06", IndicatorFilter{At: at(t, "2023-06")}, "ind/2023"},
			{"asOf 2024-11-05", IndicatorFilter{At: at(t, "2024-11-05")}, "ind/2024 ind/asof"},
			{"asOf 2024-10", IndicatorFilter{At: at(t, "2024-10")}, "ind/2024"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				inds, err := svc.Indicators(ctx, tc.f, 10)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, in := range inds {
					got = append(got, in.Entity.ID)
				}
				slices.Sort(got) // all cite the same offset: order by ID
				if s := strings.Join(got, " "); s != tc.want {
					t.Errorf("Indicators(%+v) = %q, want %q", tc.f, s, tc.want)
				}
			})
		}
		for _, y := range []string{"2024-05", "24", "二〇二四"} {
			_, err := svc.Indicators(ctx, IndicatorFilter{Year: y}, 10)
			assertArgError(t, err, "year")
		}
	})
}

func TestParseTime(t *testing.T) {
	for _, s := range []string{"2024-13", "24", "2024-5", "2024-02-30", "2024/05", " 2024"} {
		_, err := ParseTime("asOf", s)
		assertArgError(t, err, "asOf")
		if !strings.Contains(err.Error(), `"`+s+`" is not an ISO date`) {
			t.Errorf("ParseTime(%q) = %q, want it to name the value", s, err)
		}
	}
	for _, s := range []string{"", "2024", "2024-05", "2024-02-29"} {
		if _, err := ParseTime("asOf", s); err != nil {
			t.Errorf("ParseTime(%q) = %v", s, err)
		}
	}
}

func TestChanges(t *testing.T) {
	eachTimed(t, func(t *testing.T, svc *Service) {
		ctx := context.Background()
		rel := func(c ChangedRelation) string {
			s, o := c.Relation.Subject, c.Relation.Object
			if p, _ := graph.LookupPredicate(c.Relation.Predicate); p != nil && p.Symmetric && o < s {
				s, o = o, s // stores may keep either end first
			}
			return s + " " + c.Relation.Predicate + " " + o + " @" + c.At.Format("2006-01-02")
		}
		tests := []struct {
			from, to             string
			began, ended         string
			partBegan, partEnded string
		}{
			{"2024", "2025",
				"org/new co_builds place/zone2 @2025-03-01, org/sjtu co_builds place/zone2 @2025-03-01",
				"org/mh-stc co_builds place/zone @2025-01-01",
				"org/new–org/sjtu @2025-03-01", "org/mh-stc–org/sjtu @2025-01-01"},
			{"2023", "2024",
				"org/sjtu co_builds place/zone @2024-01-01, org/mh-stc co_builds place/zone @2024-05-01",
				"org/old partners_with org/sjtu @2024-01-01",
				"org/mh-stc–org/sjtu @2024-05-01", "org/old–org/sjtu @2024-01-01"},
			{"2024-06", "2024-06", "", "", "", ""},
			{"2021", "2030",
				"org/old partners_with org/sjtu @2022-01-01, org/sjtu co_builds place/zone @2024-01-01, org/mh-stc co_builds place/zone @2024-05-01, org/new co_builds place/zone2 @2025-03-01, org/sjtu co_builds place/zone2 @2025-03-01",
				"org/old partners_with org/sjtu @2024-01-01, org/mh-stc co_builds place/zone @2025-01-01",
				"org/old–org/sjtu @2022-01-01, org/mh-stc–org/sjtu @2024-05-01, org/new–org/sjtu @2025-03-01",
				"org/old–org/sjtu @2024-01-01, org/mh-stc–org/sjtu @2025-01-01"},
		}
		for _, tc := range tests {
			t.Run(tc.from+"→"+tc.to, func(t *testing.T) {
				w, err := ParseWindow(tc.from, tc.to)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range []struct {
					kind Change
					want string
					part string
				}{{Began, tc.began, tc.partBegan}, {Ended, tc.ended, tc.partEnded}} {
					// Pages of one, to exercise the cursors.
					var got []string
					after := ""
					for {
						page, err := svc.ChangedRelations(ctx, w, c.kind, 1, after)
						if err != nil {
							t.Fatal(err)
						}
						for _, it := range page.Items {
							got = append(got, rel(it))
						}
						if page.TotalCount != strings.Count(c.want, "@") {
							t.Errorf("TotalCount = %d, want %d", page.TotalCount, strings.Count(c.want, "@"))
						}
						if !page.HasNextPage {
							break
						}
						after = page.EndCursor
					}
					// Relations changing at the same instant come by ID, which
					// is a hash: compare as sets within an instant.
					if !sameChanges(got, c.want) {
						t.Errorf("relations (%d) = %q, want %q", c.kind, strings.Join(got, ", "), c.want)
					}
					got = nil
					after = ""
					for {
						page, err := svc.ChangedPartnerships(ctx, w, c.kind, 1, after)
						if err != nil {
							t.Fatal(err)
						}
						for _, it := range page.Items {
							got = append(got, it.Partnership.A+"–"+it.Partnership.B+" @"+it.At.Format("2006-01-02"))
						}
						if !page.HasNextPage {
							break
						}
						after = page.EndCursor
					}
					if s := strings.Join(got, ", "); s != c.part {
						t.Errorf("partnerships (%d) = %q, want %q", c.kind, s, c.part)
					}
				}
			})
		}
		for _, bad := range []struct{ from, to, arg string }{
			{"2025", "2024", "from"},
			{"2024", "2024-06", "from"}, // 2024 ends after 2024-06
			{"2024-13", "2025", "from"},
			{"2024", "25", "to"},
			{"", "2025", "from"},
		} {
			_, err := ParseWindow(bad.from, bad.to)
			assertArgError(t, err, bad.arg)
		}
		w, _ := ParseWindow("2024", "2025")
		_, err := svc.ChangedRelations(ctx, w, Began, 10, "bogus")
		assertArgError(t, err, "after")
	})
}

// sameChanges compares two lists of "… @date" ignoring the order of items
// with the same date.
func sameChanges(got []string, want string) bool {
	var w []string
	if want != "" {
		w = strings.Split(want, ", ")
	}
	if len(got) != len(w) {
		return false
	}
	key := func(s string) string { _, d, _ := strings.Cut(s, " @"); return d }
	for i := range got {
		if key(got[i]) != key(w[i]) {
			return false
		}
	}
	g := slices.Clone(got)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}

func TestMergeSpans(t *testing.T) {
	sp := func(from, to string) graph.Span {
		s, err := graph.ValidSpan(from, to)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		in   []graph.Span
		want []graph.Span
	}{
		{[]graph.Span{sp("2024", "2024"), sp("2024", "2024"), sp("2024-05", "2024-06")}, []graph.Span{sp("2024", "2024")}},
		{[]graph.Span{sp("2025", "2025"), sp("2024", "2024")}, []graph.Span{sp("2024", "2025")}}, // touching
		{[]graph.Span{sp("2026", "2026"), sp("2024", "2024")}, []graph.Span{sp("2024", "2024"), sp("2026", "2026")}},
		{[]graph.Span{sp("2026", ""), sp("2024", "2024"), sp("2027", "2030")}, []graph.Span{sp("2024", "2024"), sp("2026", "")}},
		{[]graph.Span{sp("2026", "2026"), sp("", "2024")}, []graph.Span{sp("", "2024"), sp("2026", "2026")}},
	}
	for i, tc := range tests {
		en := &entry{spans: tc.in}
		en.mergeSpans()
		if !slices.Equal(en.spans, tc.want) {
			t.Errorf("%d: merged = %v, want %v", i, en.spans, tc.want)
		}
	}
}

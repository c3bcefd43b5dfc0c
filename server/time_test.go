package server_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/server"
)

// The second, dated test document: a 2025 report in which 上海交通大学
// co-builds a new platform with a new partner.
const (
	laterDoc  = "doc/test-2025"
	laterText = `2025年工作简报
2025年3月，上海交通大学与新伙伴科技公司共建智能制造平台，首期投入研发经费5000万元。
`
	qNewPlatform = "2025年3月，上海交通大学与新伙伴科技公司共建智能制造平台"
)

// laterEv cites quote in laterText.
func laterEv(t testing.TB, quote string) []graph.Evidence {
	t.Helper()
	i := strings.Index(laterText, quote)
	if i < 0 {
		t.Fatalf("quote %q is not in the later document", quote)
	}
	start := utf8.RuneCountInString(laterText[:i])
	return []graph.Evidence{{Document: laterDoc, Quote: quote, Start: start, End: start + utf8.RuneCountInString(quote)}}
}

// timedStore holds the fixture document dated (period 2024, its relations
// valid for 2024) and the later document (period 2025).
func timedStore(t testing.TB) graph.Store {
	t.Helper()
	st := newStore(t)
	first := fixtureFacts(t)
	first.Document.Date, first.Document.Period = "2025-01-10", "2024"
	for i := range first.Relations {
		first.Relations[i].ValidFrom, first.Relations[i].ValidTo = "2024", "2024"
	}
	ev := laterEv(t, qNewPlatform)
	later := graph.DocumentFacts{
		Document: graph.Document{ID: laterDoc, Title: "2025年工作简报", Text: laterText, Date: "2025-04-01", Period: "2025"},
		Entities: []graph.Entity{
			{ID: "co/new-partner", Kind: graph.KindCompany, Name: "新伙伴科技公司", NameEn: "New Partner Tech", Evidence: ev},
			{ID: "lab/smart-mfg", Kind: graph.KindLab, Name: "智能制造平台", NameEn: "Smart Manufacturing Platform", Evidence: ev},
		},
		Relations: []graph.Relation{
			{Subject: "org/sjtu", Predicate: "co_builds", Object: "lab/smart-mfg", Evidence: ev, ValidFrom: "2025-03",
				Attributes: []graph.Attribute{{Key: "amount", Value: "5000", Unit: "万元", Type: graph.AttrNumber}}},
			{Subject: "co/new-partner", Predicate: "co_builds", Object: "lab/smart-mfg", Evidence: ev, ValidFrom: "2025-03"},
		},
	}
	for _, f := range []graph.DocumentFacts{first, later} {
		if _, err := st.ReplaceDocument(t.Context(), f); err != nil {
			t.Fatalf("load %s: %v", f.Document.ID, err)
		}
	}
	return st
}

// TestAsOf asks for partners, relations, entities and indicators at
// several times, through the HTTP handler.
func TestAsOf(t *testing.T) {
	h := newHandler(t, timedStore(t), server.Config{})

	partners := []struct {
		asOf any // nil: no asOf
		want []string
	}{
		{nil, []string{"co/new-partner", "org/ecnu", "org/mh-stc"}},
		{"2024", []string{"org/ecnu", "org/mh-stc"}},
		{"2024-07-01", []string{"org/ecnu", "org/mh-stc"}},
		{"2025-06", []string{"co/new-partner"}},
		{"2025", []string{"co/new-partner"}},
		{"2025-02", nil},
		{"2023", nil},
	}
	for _, tc := range partners {
		name, _ := tc.asOf.(string)
		t.Run("partners as of "+name, func(t *testing.T) {
			r := post(t, h, `query($asOf: String) {
  partners(id: "org/sjtu", asOf: $asOf) { partner { id } relations { validFrom inferred } }
  entity(id: "org/sjtu") { partners(asOf: $asOf) { partner { id } } }
}`, map[string]any{"asOf": tc.asOf})
			var d struct {
				Partners []struct {
					Partner   struct{ ID string }
					Relations []struct {
						ValidFrom *string
						Inferred  bool
					}
				}
				Entity struct {
					Partners []struct{ Partner struct{ ID string } }
				}
			}
			r.decode(t, &d)
			var got, viaEntity []string
			for _, p := range d.Partners {
				got = append(got, p.Partner.ID)
				for _, rel := range p.Relations {
					if !rel.Inferred && rel.ValidFrom == nil {
						t.Errorf("stored relation of partner %s without validFrom", p.Partner.ID)
					}
				}
			}
			for _, p := range d.Entity.Partners {
				viaEntity = append(viaEntity, p.Partner.ID)
			}
			slices.Sort(got)
			slices.Sort(viaEntity)
			if !slices.Equal(got, tc.want) || !slices.Equal(viaEntity, tc.want) {
				t.Errorf("partners = %v, Entity.partners = %v, want %v", got, viaEntity, tc.want)
			}
		})
	}

	t.Run("relations carry validFrom, validTo and attributes", func(t *testing.T) {
		r := post(t, h, `{
  entity(id: "co/new-partner") { relations { nodes { to { id } validFrom validTo } } }
  lab: entity(id: "lab/smart-mfg") { relations(asOf: "2025-06") { totalCount nodes { from { id } validFrom validTo attributes { key value unit type } } } }
  old: entity(id: "org/sjtu") { relations(asOf: "2024") { totalCount nodes { validFrom validTo document } } }
}`, nil)
		var d struct {
			Entity struct {
				Relations struct {
					Nodes []struct {
						To                 struct{ ID string }
						ValidFrom, ValidTo *string
					}
				}
			}
			Lab, Old struct {
				Relations struct {
					TotalCount int
					Nodes      []json.RawMessage
				}
			}
		}
		r.decode(t, &d)
		n := d.Entity.Relations.Nodes
		if len(n) != 1 || n[0].To.ID != "lab/smart-mfg" || n[0].ValidFrom == nil || *n[0].ValidFrom != "2025-03" || n[0].ValidTo != nil {
			t.Errorf("relations of co/new-partner = %s", r.Data)
		}
		if d.Lab.Relations.TotalCount != 2 || !strings.Contains(string(r.Data), `"attributes":[{"key":"amount","value":"5000","unit":"万元","type":"NUMBER"}]`) {
			t.Errorf("relations of the platform as of 2025-06 = %s", r.Data)
		}
		// As of 2024, 上海交通大学's relations are the fixture's two.
		if d.Old.Relations.TotalCount != 2 || strings.Contains(string(d.Old.Relations.Nodes[0]), laterDoc) {
			t.Errorf("relations of org/sjtu as of 2024 = %s", r.Data)
		}
	})

	t.Run("documents date and period", func(t *testing.T) {
		r := post(t, h, `{ documents { id date period } }`, nil)
		var d struct {
			Documents []struct {
				ID           string
				Date, Period *string
			}
		}
		r.decode(t, &d)
		got := map[string]string{}
		for _, doc := range d.Documents {
			if doc.Date != nil && doc.Period != nil {
				got[doc.ID] = *doc.Date + " " + *doc.Period
			}
		}
		want := map[string]string{testDoc: "2025-01-10 2024", laterDoc: "2025-04-01 2025"}
		if len(got) != 2 || got[testDoc] != want[testDoc] || got[laterDoc] != want[laterDoc] {
			t.Errorf("documents = %s, want %v", r.Data, want)
		}
	})

	entities := []struct {
		asOf string
		want string
	}{
		{"2024", "ind/rd-intensity org/ecnu org/mh-stc org/sjtu place/dalinghaowan place/minhang"},
		{"2025-06", "co/new-partner lab/smart-mfg org/sjtu"},
		{"2023", ""},
	}
	for _, tc := range entities {
		t.Run("entities as of "+tc.asOf, func(t *testing.T) {
			r := post(t, h, `query($asOf: String) { entities(asOf: $asOf, first: 100) { totalCount nodes { id } } }`, map[string]any{"asOf": tc.asOf})
			var d struct {
				Entities struct {
					TotalCount int
					Nodes      []struct{ ID string }
				}
			}
			r.decode(t, &d)
			var got []string
			for _, n := range d.Entities.Nodes {
				got = append(got, n.ID)
			}
			if s := strings.Join(got, " "); s != tc.want || d.Entities.TotalCount != len(got) {
				t.Errorf("entities = %q (total %d), want %q", s, d.Entities.TotalCount, tc.want)
			}
		})
	}

	indicators := []struct {
		name, args string
		want       int
	}{
		{"all", ``, 1},
		{"year 2024", `(year: "2024")`, 1},
		{"year 2025", `(year: "2025")`, 0},
		{"subject", `(subject: "place/minhang")`, 1},
		{"other subject", `(subject: "org/sjtu")`, 0},
		{"asOf 2024-06", `(asOf: "2024-06")`, 1},
		{"asOf 2025", `(asOf: "2025")`, 0},
	}
	for _, tc := range indicators {
		t.Run("indicators "+tc.name, func(t *testing.T) {
			r := post(t, h, `{ indicators`+tc.args+` { id year subject { id } } }`, nil)
			var d struct{ Indicators []struct{ ID string } }
			r.decode(t, &d)
			if len(d.Indicators) != tc.want {
				t.Errorf("indicators%s = %s, want %d", tc.args, r.Data, tc.want)
			}
		})
	}
}

// TestChangesBetween asks what changed between 2024 and 2025.
func TestChangesBetween(t *testing.T) {
	h := newHandler(t, timedStore(t), server.Config{})
	r := post(t, h, `{
  changes(from: "2024", to: "2025") {
    from to
    began { totalCount nodes { from { id } to { id } validFrom } }
    ended { totalCount nodes { predicate validTo } }
    partnershipsBegan { totalCount nodes { a { id } b { id } via { id } } }
    partnershipsEnded { totalCount nodes { a { id } b { id } } }
  }
}`, nil)
	type party struct{ ID string }
	var d struct {
		Changes struct {
			From, To string
			Began    struct {
				TotalCount int
				Nodes      []struct {
					From, To  party
					ValidFrom string
				}
			}
			Ended struct {
				TotalCount int
				Nodes      []struct{ Predicate, ValidTo string }
			}
			PartnershipsBegan struct {
				TotalCount int
				Nodes      []struct {
					A, B party
					Via  []party
				}
			}
			PartnershipsEnded struct {
				TotalCount int
				Nodes      []struct{ A, B party }
			}
		}
	}
	r.decode(t, &d)
	c := d.Changes
	if c.From != "2024" || c.To != "2025" {
		t.Errorf("from, to = %q, %q", c.From, c.To)
	}
	var began []string
	for _, n := range c.Began.Nodes {
		began = append(began, n.From.ID+" "+n.ValidFrom)
	}
	slices.Sort(began)
	if c.Began.TotalCount != 2 || strings.Join(began, ", ") != "co/new-partner 2025-03, org/sjtu 2025-03" {
		t.Errorf("began = %v (total %d)", began, c.Began.TotalCount)
	}
	// Every relation of the 2024 document ended at the start of 2025.
	if c.Ended.TotalCount != 6 || len(c.Ended.Nodes) != 6 || c.Ended.Nodes[0].ValidTo != "2024" {
		t.Errorf("ended = %+v", c.Ended)
	}
	pb := c.PartnershipsBegan.Nodes
	if c.PartnershipsBegan.TotalCount != 1 || len(pb) != 1 || pb[0].A.ID != "co/new-partner" || pb[0].B.ID != "org/sjtu" ||
		len(pb[0].Via) != 1 || pb[0].Via[0].ID != "lab/smart-mfg" {
		t.Errorf("partnershipsBegan = %+v", c.PartnershipsBegan)
	}
	var ended []string
	for _, n := range c.PartnershipsEnded.Nodes {
		ended = append(ended, n.A.ID+"–"+n.B.ID)
	}
	if got := strings.Join(ended, " "); got != "org/ecnu–org/mh-stc org/ecnu–org/sjtu org/mh-stc–org/sjtu" {
		t.Errorf("partnershipsEnded = %q", got)
	}
}

// TestTimeArgumentErrors: a malformed time is BAD_USER_INPUT naming the
// argument, wherever it is given.
func TestTimeArgumentErrors(t *testing.T) {
	h := newHandler(t, timedStore(t), server.Config{})
	type tcase struct {
		query, arg, msg string
	}
	var tests []tcase
	for _, bad := range []string{"2024-13", "24", "2024-5"} {
		msg := `"` + bad + `" is not an ISO date`
		for _, q := range []string{
			`{ partners(id: "org/sjtu", asOf: "%s") { strength } }`,
			`{ partnerships(asOf: "%s") { totalCount } }`,
			`{ paths(from: "org/sjtu", to: "org/ecnu", asOf: "%s") { length } }`,
			`{ subgraph(ids: ["org/sjtu"], asOf: "%s") { truncated } }`,
			`{ entities(asOf: "%s") { totalCount } }`,
			`{ indicators(asOf: "%s") { id } }`,
			`{ entity(id: "org/sjtu") { relations(asOf: "%s") { totalCount } } }`,
			`{ entity(id: "org/sjtu") { partners(asOf: "%s") { strength } } }`,
		} {
			tests = append(tests, tcase{strings.Replace(q, "%s", bad, 1), "asOf", msg})
		}
		tests = append(tests,
			tcase{`{ changes(from: "` + bad + `", to: "2025") { from } }`, "from", msg},
			tcase{`{ changes(from: "2024", to: "` + bad + `") { from } }`, "to", msg},
		)
	}
	tests = append(tests,
		tcase{`{ changes(from: "2025", to: "2024") { from } }`, "from", `"2025" is after to "2024"`},
		tcase{`{ indicators(year: "2024-05") { id } }`, "year", `"2024-05" is not a year`},
		tcase{`{ changes(from: "2024", to: "2025") { began(after: "bogus") { totalCount } } }`, "after", "malformed cursor"},
	)
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			r := post(t, h, tc.query, nil)
			wantCode(server.CodeBadUserInput, tc.arg)(t, r)
			if !strings.Contains(r.Errors[0].Message, tc.msg) {
				t.Errorf("message %q does not say %q", r.Errors[0].Message, tc.msg)
			}
		})
	}
}

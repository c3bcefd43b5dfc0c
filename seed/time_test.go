package seed

import (
	"reflect"
	"testing"

	"github.com/minhang-kg/kg/graph"
)

// TestFactsResolveTime: DocumentSpec.Facts carries the document's date and
// period and gives every relation its validity: as written, else the time
// of the indicator it is about, else the predicate's default over the
// document's period.
func TestFactsResolveTime(t *testing.T) {
	const ev = "    evidence:\n      - {quote: 上海交大牵头建设测试实验室, start: 177, end: 190, section: 二、（一）}\n"
	const ents = "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n" + ev +
		"  - id: ind/a\n    kind: INDICATOR\n    name: 乙\n    attributes:\n      - {key: year, value: \"2023\", type: date}\n" + ev +
		"  - id: ind/b\n    kind: INDICATOR\n    name: 丙\n    attributes:\n      - {key: year, value: \"2024\", type: date}\n      - {key: asOf, value: 2024-11, type: date}\n" + ev
	rel := func(s, p, o, extra string) string {
		return "  - subject: " + s + "\n    predicate: " + p + "\n    object: " + o + "\n" + extra + ev
	}
	type want struct{ from, to string }
	tests := []struct {
		name   string
		period string
		rel    string
		want   want
		attrs  []graph.Attribute
	}{
		{"event: the period", "2024", rel("org/a", "hosts", "doc/small", ""), want{"2024", "2024"}, nil},
		{"event: a period of months", "2024-01/2024-11", rel("org/a", "launches", "doc/small", ""), want{"2024-01", "2024-11"}, nil},
		{"event on a stated day", "2024", rel("org/a", "issues", "doc/small", "    validFrom: 2024-09-13\n"), want{"2024-09-13", "2024-09-13"}, nil},
		{"lasting: from the period's start", "2024", rel("org/a", "part_of", "doc/small", ""), want{"2024", ""}, nil},
		{"lasting, begun earlier", "2024", rel("org/a", "supports", "doc/small", "    validFrom: \"2021\"\n"), want{"2021", ""}, nil},
		{"lasting, ended", "2024", rel("org/a", "operates", "doc/small", "    validFrom: 2023-05\n    validTo: 2024-06\n"), want{"2023-05", "2024-06"}, nil},
		{"about an indicator: its year", "2024", rel("ind/a", "measures", "org/a", ""), want{"2023", "2023"}, nil},
		{"about an indicator: its asOf", "2024", rel("ind/b", "part_of", "ind/a", ""), want{"2024-11", "2024-11"}, nil},
		{"no period: only what is written", "", rel("org/a", "part_of", "doc/small", ""), want{"", ""}, nil},
		{"qualifiers", "2024", rel("org/a", "funds", "doc/small", "    attributes:\n      - {key: amount, value: \"5000\", unit: 万元, type: number}\n      - {key: role, value: 牵头单位}\n"),
			want{"2024", "2024"}, []graph.Attribute{{Key: "amount", Value: "5000", Unit: "万元", Type: graph.AttrNumber}, {Key: "role", Value: "牵头单位"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := "id: doc/small\ntitle: 测试委员会工作总结\nsource: ../../source/small.txt\ndate: 2025-01-10\n"
			if tt.period != "" {
				doc += "period: " + tt.period + "\n"
			}
			dir := smallDataset(t, map[string]string{"document.yaml": doc, "x.yaml": ents + "relations:\n" + tt.rel})
			ds, err := Parse(dir)
			if err != nil {
				t.Fatal(err)
			}
			// Facts without validating: the indicators here need no
			// measures relation.
			f := ds.Documents[0].Facts()
			if f.Document.Date != "2025-01-10" || f.Document.Period != tt.period {
				t.Errorf("document date, period = %q, %q; want 2025-01-10, %q", f.Document.Date, f.Document.Period, tt.period)
			}
			if len(f.Relations) != 1 {
				t.Fatalf("relations: %+v", f.Relations)
			}
			r := f.Relations[0]
			if got := (want{r.ValidFrom, r.ValidTo}); got != tt.want {
				t.Errorf("validity = %+v, want %+v", got, tt.want)
			}
			if !reflect.DeepEqual(r.Attributes, tt.attrs) {
				t.Errorf("attributes = %+v, want %+v", r.Attributes, tt.attrs)
			}
		})
	}
}

// TestEmbeddedDatasetHasTime: every document of the product's dataset says
// when it was issued and what it reports on, every relation resolves to a
// time it begins (validFrom), and every indicator says when its value
// holds, with its relations holding then.
func TestEmbeddedDatasetHasTime(t *testing.T) {
	ds, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	facts, err := ds.Facts()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range facts {
		d := f.Document
		if _, err := graph.ParseDate(d.Date); err != nil || len(d.Date) != 10 {
			t.Errorf("%s: date %q is not an issue date", d.ID, d.Date)
		}
		if _, err := graph.ParsePeriod(d.Period); err != nil {
			t.Errorf("%s: period: %v", d.ID, err)
		}
		indicatorTime := map[string]graph.Span{}
		for _, e := range f.Entities {
			if e.Kind != graph.KindIndicator {
				continue
			}
			a, ok := e.Attr("asOf")
			if !ok {
				a, ok = e.Attr("year")
			}
			sp, err := graph.ParseDate(a.Value)
			if !ok || err != nil {
				t.Errorf("%s: indicator %s has no time (year or asOf): %v", d.ID, e.ID, err)
				continue
			}
			indicatorTime[e.ID] = sp
		}
		measured := map[string]bool{}
		for _, r := range f.Relations {
			if r.ValidFrom == "" {
				t.Errorf("%s: relation %s has no validFrom", d.ID, r.ID)
				continue
			}
			if _, err := graph.ValidSpan(r.ValidFrom, r.ValidTo); err != nil {
				t.Errorf("%s: relation %s: %v", d.ID, r.ID, err)
			}
			if sp, ok := indicatorTime[r.Subject]; ok {
				measured[r.Subject] = true
				if !r.HoldsAt(sp) {
					t.Errorf("%s: relation %s (%s..%s) does not hold at the time of its indicator", d.ID, r.ID, r.ValidFrom, r.ValidTo)
				}
			}
		}
		for id := range indicatorTime {
			if !measured[id] {
				t.Errorf("%s: indicator %s has no relation", d.ID, id)
			}
		}
	}
}

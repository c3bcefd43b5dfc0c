package graph

import "testing"

func TestDefaultValidity(t *testing.T) {
	hosts, _ := LookupPredicate("hosts")
	partOf, _ := LookupPredicate("part_of")
	tests := []struct {
		name             string
		p                *Predicate
		from, to, period string
		wantFrom, wantTo string
	}{
		{"event, no time: the period", hosts, "", "", "2024", "2024", "2024"},
		{"event, no time, period of months", hosts, "", "", "2024-01/2024-11", "2024-01", "2024-11"},
		{"event, a date", hosts, "2024-05", "", "2024", "2024-05", "2024-05"},
		{"event, only an end", hosts, "", "2024-12-31", "2024", "2024-12-31", "2024-12-31"},
		{"event, both ends stand", hosts, "2022", "2024", "2024", "2022", "2024"},
		{"lasting, no time: from the period's start, open", partOf, "", "", "2024", "2024", ""},
		{"lasting, period of months", partOf, "", "", "2024-01/2024-11", "2024-01", ""},
		{"lasting, a start stays open", partOf, "2023", "", "2024", "2023", ""},
		{"lasting, only an end", partOf, "", "2024-06", "2024", "2024", "2024-06"},
		{"lasting, only an end before the period", partOf, "", "2023", "2024", "2023", "2023"},
		{"no period: unchanged", partOf, "", "", "", "", ""},
		{"no period, event with a date", hosts, "2024-05", "", "", "2024-05", "2024-05"},
		{"malformed period: unchanged", hosts, "", "", "2024/20", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to := tt.p.DefaultValidity(tt.from, tt.to, tt.period)
			if from != tt.wantFrom || to != tt.wantTo {
				t.Errorf("%s.DefaultValidity(%q, %q, %q) = %q, %q; want %q, %q", tt.p.ID, tt.from, tt.to, tt.period, from, to, tt.wantFrom, tt.wantTo)
			}
		})
	}
}

func TestEveryPredicateHasATemporalKind(t *testing.T) {
	for _, p := range Vocabulary {
		if s := p.Temporal.String(); s != "event" && s != "lasting" {
			t.Errorf("%s: Temporal %s", p.ID, s)
		}
	}
}

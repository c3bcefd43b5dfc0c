package graph

import "testing"

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in         string
		start, end string
		bad        bool
	}{
		{in: "2024", start: "2024-01-01", end: "2025-01-01"},
		{in: "2024-05", start: "2024-05-01", end: "2024-06-01"},
		{in: "2024-12", start: "2024-12-01", end: "2025-01-01"},
		{in: "2024-02-29", start: "2024-02-29", end: "2024-03-01"},
		{in: "2023-02-29", bad: true},
		{in: "2024-13", bad: true},
		{in: "2024-13-45", bad: true},
		{in: "24", bad: true},
		{in: "2024-5", bad: true},
		{in: "", bad: true},
		{in: "二〇二四", bad: true},
	} {
		sp, err := ParseDate(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("ParseDate(%q) = %v, want an error", tc.in, sp)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDate(%q): %v", tc.in, err)
			continue
		}
		if got := sp.Start.Format("2006-01-02"); got != tc.start {
			t.Errorf("ParseDate(%q).Start = %s, want %s", tc.in, got, tc.start)
		}
		if got := sp.End.Format("2006-01-02"); got != tc.end {
			t.Errorf("ParseDate(%q).End = %s, want %s", tc.in, got, tc.end)
		}
	}
}

func TestParsePeriod(t *testing.T) {
	for _, tc := range []struct {
		in         string
		start, end string
		bad        bool
	}{
		{in: "2024", start: "2024-01-01", end: "2025-01-01"},
		{in: "2024-01/2024-11", start: "2024-01-01", end: "2024-12-01"},
		{in: "2023/2024-06-30", start: "2023-01-01", end: "2024-07-01"},
		{in: "2024-11/2024-01", bad: true},
		{in: "2024/", bad: true},
		{in: "/2024", bad: true},
	} {
		sp, err := ParsePeriod(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("ParsePeriod(%q) = %v, want an error", tc.in, sp)
			}
			continue
		}
		if err != nil {
			t.Fatalf("ParsePeriod(%q): %v", tc.in, err)
		}
		if sp.Start.Format("2006-01-02") != tc.start || sp.End.Format("2006-01-02") != tc.end {
			t.Errorf("ParsePeriod(%q) = [%s, %s), want [%s, %s)", tc.in,
				sp.Start.Format("2006-01-02"), sp.End.Format("2006-01-02"), tc.start, tc.end)
		}
	}
}

func TestHoldsAt(t *testing.T) {
	at := func(s string) Span {
		sp, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return sp
	}
	for _, tc := range []struct {
		from, to, asOf string
		want           bool
	}{
		{"2025", "2025", "2025-06", true}, // a fact valid for 2025 holds as of 2025-06
		{"2025", "", "2024", false},       // not yet
		{"2025", "", "2030-01-01", true},  // open end
		{"", "2023", "2024", false},       // ended
		{"", "2023", "2023-12-31", true},  // last day
		{"", "", "1999", true},            // no time: always
		{"2024-05", "", "2024", true},     // began during the year asked about
		{"2024-05", "2024-05", "2024-06", false},
		{"2024-05-13", "2024-05-13", "2024-05", true},
	} {
		r := Relation{ValidFrom: tc.from, ValidTo: tc.to}
		if got := r.HoldsAt(at(tc.asOf)); got != tc.want {
			t.Errorf("[%q, %q] holds as of %q = %v, want %v", tc.from, tc.to, tc.asOf, got, tc.want)
		}
	}
	if _, err := ValidSpan("2025", "2024"); err == nil {
		t.Error("ValidSpan(2025, 2024) should fail")
	}
	if _, err := ValidSpan("2024-13", ""); err == nil {
		t.Error("ValidSpan(2024-13) should fail")
	}
}

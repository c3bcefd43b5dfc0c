package graph

import (
	"fmt"
	"strings"
	"time"
)

// Time in the graph. Facts carry ISO dates at the precision the text gives
// them: a year ("2024"), a month ("2024-05") or a day ("2024-05-13"). A
// date stands for the whole span it names: "2024" is every day of 2024, so
// a fact valid for 2025 holds as of 2025-06, and asking as of "2024" finds
// every fact that held at some time in 2024.
//
// A relation is valid on the interval [Start(ValidFrom), End(ValidTo)): an
// empty ValidFrom is open towards the past, an empty ValidTo open towards
// the future. A document's Period is one date or two joined by "/"
// ("2024-01/2024-11"); its Date is the day it was issued.

// Span is a half-open interval of time [Start, End). A zero Start is open
// towards the past, a zero End open towards the future; the zero Span is
// all of time.
type Span struct {
	Start time.Time
	End   time.Time
}

// ParseDate reads an ISO date of year, month or day precision and returns
// the span it names. The error says what is wrong with s.
func ParseDate(s string) (Span, error) {
	var layout string
	switch len(s) {
	case 4:
		layout = "2006"
	case 7:
		layout = "2006-01"
	case 10:
		layout = "2006-01-02"
	default:
		return Span{}, fmt.Errorf("%q is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)", s)
	}
	t, err := time.Parse(layout, s)
	if err != nil || t.Format(layout) != s {
		return Span{}, fmt.Errorf("%q is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)", s)
	}
	var end time.Time
	switch len(s) {
	case 4:
		end = t.AddDate(1, 0, 0)
	case 7:
		end = t.AddDate(0, 1, 0)
	default:
		end = t.AddDate(0, 0, 1)
	}
	return Span{Start: t, End: end}, nil
}

// ParsePeriod reads a document period: one ISO date ("2024") or two joined
// by "/" ("2024-01/2024-11", the first not after the second). The span runs
// from the start of the first to the end of the last.
func ParsePeriod(s string) (Span, error) {
	from, to, found := strings.Cut(s, "/")
	a, err := ParseDate(from)
	if err != nil {
		return Span{}, fmt.Errorf("period %q: %w", s, err)
	}
	if !found {
		return a, nil
	}
	b, err := ParseDate(to)
	if err != nil {
		return Span{}, fmt.Errorf("period %q: %w", s, err)
	}
	if b.End.Before(a.End) || b.Start.Before(a.Start) {
		return Span{}, fmt.Errorf("period %q: %s is before %s", s, to, from)
	}
	return Span{Start: a.Start, End: b.End}, nil
}

// ValidSpan returns the interval [Start(validFrom), End(validTo)) of a fact
// (either end may be empty: open). It fails when a date is malformed or
// validTo ends before validFrom starts.
func ValidSpan(validFrom, validTo string) (Span, error) {
	var sp Span
	if validFrom != "" {
		f, err := ParseDate(validFrom)
		if err != nil {
			return Span{}, fmt.Errorf("validFrom: %w", err)
		}
		sp.Start = f.Start
	}
	if validTo != "" {
		t, err := ParseDate(validTo)
		if err != nil {
			return Span{}, fmt.Errorf("validTo: %w", err)
		}
		sp.End = t.End
	}
	if !sp.Start.IsZero() && !sp.End.IsZero() && !sp.Start.Before(sp.End) {
		return Span{}, fmt.Errorf("validTo %q ends before validFrom %q", validTo, validFrom)
	}
	return sp, nil
}

// Overlaps reports whether the two spans share at least one instant.
func (s Span) Overlaps(o Span) bool {
	return (s.Start.IsZero() || o.End.IsZero() || s.Start.Before(o.End)) &&
		(s.End.IsZero() || o.Start.IsZero() || o.Start.Before(s.End))
}

// Span returns the relation's validity interval; a relation with malformed
// dates (which stores refuse) is treated as valid at all times.
func (r *Relation) Span() Span {
	sp, err := ValidSpan(r.ValidFrom, r.ValidTo)
	if err != nil {
		return Span{}
	}
	return sp
}

// HoldsAt reports whether the relation is valid at some instant of at (see
// ParseDate): a relation valid for 2025 holds as of 2025-06, and one valid
// from 2024-05 holds as of 2024.
func (r *Relation) HoldsAt(at Span) bool { return r.Span().Overlaps(at) }

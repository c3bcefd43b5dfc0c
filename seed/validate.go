package seed

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/minhang-kg/kg/graph"
)

// vocabularyFile names where the predicate vocabulary lives, for messages.
const vocabularyFile = "graph/predicates.go"

// Check parses and validates the data directory dataDir.
func Check(dataDir string) (*Report, error) {
	ds, err := Parse(dataDir)
	if err != nil {
		return nil, err
	}
	return ds.Validate(), nil
}

// Validate checks the whole dataset and reports every problem found.
func (ds *Dataset) Validate() *Report {
	v := &validator{ds: ds, rep: &Report{Documents: []DocumentSummary{}, Problems: []Problem{}}}
	v.rep.Problems = append(v.rep.Problems, ds.problems...)
	v.run()
	v.rep.sort()
	return v.rep
}

type validator struct {
	ds  *Dataset
	rep *Report
}

func (v *validator) add(file string, line int, field, code, format string, args ...any) {
	v.rep.Problems = append(v.rep.Problems, Problem{File: file, Line: line, Field: field, Code: code, Msg: fmt.Sprintf(format, args...)})
}

// place is where something is written, for "also defined at" messages.
func place(file string, line int) string { return fmt.Sprintf("%s:%d", file, line) }

func (v *validator) run() {
	// Every entity ID of every document, for dangling-reference checks.
	known := map[string]bool{}
	docIDs := map[string]string{}
	for _, d := range v.ds.Documents {
		if d.ID != "" {
			known[d.ID] = true
		}
		for _, f := range d.Files {
			for _, e := range f.Entities {
				if e.ID != "" {
					known[e.ID] = true
				}
			}
		}
	}
	for _, d := range v.ds.Documents {
		v.document(d, docIDs)
		v.facts(d, known)
	}
	v.kindsAgree()
	v.identities()
	v.drafts()
}

// kindsAgree reports entities that documents give different kinds (the
// store would silently keep the first).
func (v *validator) kindsAgree() {
	type first struct{ kind, doc, place string }
	seen := map[string]first{}
	for _, d := range v.ds.Documents {
		for _, f := range d.Files {
			for _, e := range f.Entities {
				if e.ID == "" || !graph.Kind(e.Kind).Valid() {
					continue
				}
				p := place(f.Name, lineOr(e.lines, "kind", e.Line))
				prev, ok := seen[e.ID]
				switch {
				case !ok:
					seen[e.ID] = first{e.Kind, d.ID, p}
				case prev.doc != d.ID && prev.kind != e.Kind:
					v.add(f.Name, lineOr(e.lines, "kind", e.Line), join(e.Path, "kind"), CodeUnknownKind,
						"entity %s is %s here but %s in %s at %s", e.ID, e.Kind, prev.kind, prev.doc, prev.place)
				}
			}
		}
	}
}

func (v *validator) document(d *DocumentSpec, seen map[string]string) {
	idLine := d.lines["id"]
	switch {
	case d.ID == "":
		v.add(d.File, idLine, "id", CodeRequired, "document id is required (e.g. doc/mkw-2025-11)")
	case !strings.HasPrefix(d.ID, "doc/"):
		v.add(d.File, idLine, "id", CodeBadID, "document id %q must start with doc/", d.ID)
	case d.ID == graph.CurationDocument:
		v.add(d.File, idLine, "id", CodeBadID, "%s is reserved for facts added through the curation API", d.ID)
	default:
		if err := graph.CheckID(d.ID); err != nil {
			v.add(d.File, idLine, "id", CodeBadID, "%v", err)
		}
		if prev, dup := seen[d.ID]; dup {
			v.add(d.File, idLine, "id", CodeDuplicate, "document %s is also defined at %s", d.ID, prev)
		} else {
			seen[d.ID] = place(d.File, idLine)
		}
	}
	if strings.TrimSpace(d.Title) == "" {
		v.add(d.File, d.lines["title"], "title", CodeRequired, "title is required")
	}
	if d.Date != "" {
		if _, err := graph.ParseDate(d.Date); err != nil || len(d.Date) != len("2006-01-02") {
			v.add(d.File, d.lines["date"], "date", CodeTime, "date %q is not an issue date (YYYY-MM-DD)", d.Date)
		}
	}
	if d.Period != "" {
		if _, err := graph.ParsePeriod(d.Period); err != nil {
			v.add(d.File, d.lines["period"], "period", CodeTime, "%v", err)
		}
	}
	if d.Source == "" {
		v.add(d.File, d.lines["source"], "source", CodeRequired, "source is required (path of the source text, relative to %s)", DocumentFile)
	} else if d.Text == "" && d.SourceFile != "" {
		// An unreadable source was reported by the parser; an empty one is
		// reported here.
		if !v.hasProblem(d.File, CodeIO) {
			v.add(d.File, d.lines["source"], "source", CodeRequired, "source text %s is empty", d.SourceFile)
		}
	}
}

func (v *validator) hasProblem(file, code string) bool {
	for _, p := range v.rep.Problems {
		if p.File == file && p.Code == code {
			return true
		}
	}
	return false
}

func (v *validator) facts(d *DocumentSpec, known map[string]bool) {
	sum := DocumentSummary{ID: d.ID, Dir: d.Dir}
	entities := map[string]string{} // id -> place
	relations := map[string]string{}
	var outline *graph.Outline
	if d.Text != "" {
		outline = d.Outline()
	}
	measured := map[string]bool{} // subjects of measures relations
	for _, f := range d.Files {
		for _, r := range f.Relations {
			if r.Predicate == "measures" {
				measured[r.Subject] = true
			}
		}
	}
	for _, f := range d.Files {
		for _, e := range f.Entities {
			if graph.Kind(e.Kind) == graph.KindIndicator && e.ID != "" && !measured[e.ID] {
				v.add(f.Name, e.Line, e.Path, CodeConvention,
					"indicator %s has no measures relation to what it is about (ARCHITECTURE.md, Dataset format)", e.ID)
			}
			sum.Entities++
			sum.Evidence += len(e.Evidence)
			v.entity(d, f, e, entities)
			for _, ev := range e.Evidence {
				v.evidence(d, f, ev, outline)
			}
		}
		for _, r := range f.Relations {
			sum.Relations++
			sum.Evidence += len(r.Evidence)
			v.relation(d, f, r, known, relations)
			for _, ev := range r.Evidence {
				v.evidence(d, f, ev, outline)
			}
		}
	}
	v.rep.Documents = append(v.rep.Documents, sum)
}

func (v *validator) entity(d *DocumentSpec, f *FactFile, e *EntitySpec, seen map[string]string) {
	idLine := lineOr(e.lines, "id", e.Line)
	if err := graph.CheckID(e.ID); err != nil {
		v.add(f.Name, idLine, join(e.Path, "id"), pick(e.ID == "", CodeRequired, CodeBadID), "%v", err)
	} else if prev, dup := seen[e.ID]; dup {
		v.add(f.Name, idLine, join(e.Path, "id"), CodeDuplicate, "duplicate entity ID %s: also defined at %s", e.ID, prev)
	} else {
		seen[e.ID] = place(f.Name, idLine)
	}
	kindLine := lineOr(e.lines, "kind", e.Line)
	switch {
	case e.Kind == "":
		v.add(f.Name, kindLine, join(e.Path, "kind"), CodeRequired, "kind is required (one of %s)", kindList())
	case !graph.Kind(e.Kind).Valid():
		v.add(f.Name, kindLine, join(e.Path, "kind"), CodeUnknownKind, "unknown kind %q (one of %s)", e.Kind, kindList())
	case e.ID == d.ID && graph.Kind(e.Kind) != graph.KindDocument:
		v.add(f.Name, kindLine, join(e.Path, "kind"), CodeUnknownKind, "entity %s describes the document and must be of kind %s", e.ID, graph.KindDocument)
	}
	if strings.TrimSpace(e.Name) == "" {
		v.add(f.Name, lineOr(e.lines, "name", e.Line), join(e.Path, "name"), CodeRequired, "the Chinese name is required")
	}
	for i, a := range e.Aliases {
		if strings.TrimSpace(a) == "" {
			v.add(f.Name, lineOr(e.lines, "aliases", e.Line), index(join(e.Path, "aliases"), i), CodeRequired, "empty alias")
		}
	}
	for _, a := range e.Attributes {
		if err := a.Validate(); err != nil {
			v.add(f.Name, a.Line, a.Path, CodeAttribute, "%v", err)
		}
	}
	if graph.Kind(e.Kind) == graph.KindIndicator {
		v.indicatorTime(f, e)
	}
	if len(e.Evidence) == 0 {
		v.add(f.Name, e.Line, join(e.Path, "evidence"), CodeNoEvidence, "entity %s has no evidence (quote the sentence that names it)", e.ID)
	}
}

func (v *validator) relation(d *DocumentSpec, f *FactFile, r *RelationSpec, known map[string]bool, seen map[string]string) {
	ok := true
	for _, end := range []struct{ key, id string }{{"subject", r.Subject}, {"object", r.Object}} {
		ln := lineOr(r.lines, end.key, r.Line)
		switch {
		case end.id == "":
			v.add(f.Name, ln, join(r.Path, end.key), CodeRequired, "%s is required", end.key)
			ok = false
		case !known[end.id]:
			v.add(f.Name, ln, join(r.Path, end.key), CodeDangling, "dangling reference: %s %q is not an entity of any loaded document", end.key, end.id)
			ok = false
		}
	}
	pl := lineOr(r.lines, "predicate", r.Line)
	if r.Predicate == "" {
		v.add(f.Name, pl, join(r.Path, "predicate"), CodeRequired, "predicate is required (see the vocabulary in %s)", vocabularyFile)
		ok = false
	} else if _, found := graph.LookupPredicate(r.Predicate); !found {
		v.add(f.Name, pl, join(r.Path, "predicate"), CodeUnknownPred, "unknown predicate %q: not in the vocabulary (%s)%s", r.Predicate, vocabularyFile, suggestPredicate(r.Predicate))
		ok = false
	}
	if r.Subject != "" && r.Subject == r.Object {
		v.add(f.Name, r.Line, r.Path, CodeSelfRelation, "relation of %s to itself", r.Subject)
	}
	v.validity(f, r)
	for _, a := range r.Attributes {
		if err := a.Validate(); err != nil {
			v.add(f.Name, a.Line, a.Path, CodeAttribute, "%v", err)
		}
	}
	if ok {
		same := d.sameAs()
		id := graph.RelationID(d.ID, canon(same, r.Subject), r.Predicate, canon(same, r.Object))
		if prev, dup := seen[id]; dup {
			v.add(f.Name, r.Line, r.Path, CodeDuplicate, "duplicate relation %s %s %s: also stated at %s (merge the evidence)", r.Subject, r.Predicate, r.Object, prev)
		} else {
			seen[id] = place(f.Name, r.Line)
		}
	}
	if len(r.Evidence) == 0 {
		v.add(f.Name, r.Line, join(r.Path, "evidence"), CodeNoEvidence, "relation %s %s %s has no evidence", r.Subject, r.Predicate, r.Object)
	}
}

// indicatorTime checks that an indicator says when its value holds: a
// year attribute, or asOf (the date a stock is counted at), typed date.
func (v *validator) indicatorTime(f *FactFile, e *EntitySpec) {
	found := false
	for _, a := range e.Attributes {
		if a.Key != "year" && a.Key != "asOf" {
			continue
		}
		found = true
		if a.Type != graph.AttrDate {
			v.add(f.Name, a.Line, a.Path, CodeConvention,
				"indicator %s: %s is the time its value holds and must be an ISO date (type: date); keep the words as written in %sText", e.ID, a.Key, a.Key)
		}
	}
	if !found {
		v.add(f.Name, e.Line, join(e.Path, "attributes"), CodeConvention,
			"indicator %s has no year or asOf attribute (type: date): say when its value holds (ARCHITECTURE.md, Dataset format)", e.ID)
	}
}

// validity checks a relation's validFrom and validTo, naming the field at
// fault.
func (v *validator) validity(f *FactFile, r *RelationSpec) {
	bad := false
	for _, end := range []struct{ key, val string }{{"validFrom", r.ValidFrom}, {"validTo", r.ValidTo}} {
		if end.val == "" {
			continue
		}
		if _, err := graph.ParseDate(end.val); err != nil {
			v.add(f.Name, lineOr(r.lines, end.key, r.Line), join(r.Path, end.key), CodeTime, "%s: %v", end.key, err)
			bad = true
		}
	}
	if bad {
		return
	}
	if _, err := graph.ValidSpan(r.ValidFrom, r.ValidTo); err != nil {
		v.add(f.Name, lineOr(r.lines, "validTo", r.Line), join(r.Path, "validTo"), CodeTime, "%v", err)
	}
}

func (v *validator) evidence(d *DocumentSpec, f *FactFile, ev *EvidenceSpec, o *graph.Outline) {
	ql := lineOr(fieldLines(ev.fields), "quote", ev.Line)
	if ev.Quote == "" {
		if ev.URL == "" {
			v.add(f.Name, ql, join(ev.Path, "quote"), CodeRequired, "quote is required (a verbatim sentence of the source)")
		}
		if ev.Start != nil || ev.End != nil || ev.Section != nil {
			v.add(f.Name, ev.Line, ev.Path, CodeOffsets, "start, end and section locate a quote; there is none")
		}
		return
	}
	if o == nil {
		return // the source text could not be read; reported on document.yaml
	}
	if ev.Start != nil && ev.End != nil && ev.Section != nil && *ev.Section != "" {
		// The common case, checked without searching the text.
		if got, _ := o.Slice(*ev.Start, *ev.End); got == ev.Quote {
			if want := o.SectionAt(*ev.Start); want != *ev.Section {
				v.add(f.Name, lineOr(fieldLines(ev.fields), "section", ql), join(ev.Path, "section"), CodeSection,
					"section is %q but the quote is under %q", *ev.Section, want)
			}
			return
		}
	}
	occ := o.Find(ev.Quote)
	if len(occ) == 0 {
		v.add(f.Name, ql, join(ev.Path, "quote"), CodeQuoteNotFound, "quote not found verbatim in %s%s", d.SourceFile, nearMiss(o, ev.Quote))
		return
	}
	qlen := utf8.RuneCountInString(ev.Quote)
	lines := fieldLines(ev.fields)
	sectionMissing := ev.Section == nil || *ev.Section == ""
	start := -1
	if ev.Start == nil || ev.End == nil {
		var missing []string
		if ev.Start == nil {
			missing = append(missing, "start")
		}
		if ev.End == nil {
			missing = append(missing, "end")
		}
		if sectionMissing {
			missing = append(missing, "section")
		}
		v.add(f.Name, ql, ev.Path, pick(len(occ) > 1, CodeAmbiguousQuote, CodeOffsets), "%s missing%s",
			listAnd(missing), fixHint(o, occ, qlen))
		return
	}
	got, inRange := o.Slice(*ev.Start, *ev.End)
	switch {
	case got == ev.Quote:
		start = *ev.Start
	case !inRange:
		v.add(f.Name, lineOr(lines, "start", ql), join(ev.Path, "start"), CodeOffsets,
			"start/end %d..%d out of range (the text has %d characters)%s", *ev.Start, *ev.End, o.Len(), fixHint(o, occ, qlen))
	default:
		v.add(f.Name, lineOr(lines, "start", ql), join(ev.Path, "start"), CodeOffsets,
			"start/end %d..%d give %q, not the quote%s", *ev.Start, *ev.End, abbrev(got, 30), fixHint(o, occ, qlen))
	}
	if start < 0 && len(occ) == 1 {
		start = occ[0]
	}
	sl := lineOr(lines, "section", ql)
	switch {
	case sectionMissing:
		v.add(f.Name, sl, join(ev.Path, "section"), CodeSection, "section missing (run kg check --fix)")
	case start >= 0:
		if want := o.SectionAt(start); want != *ev.Section {
			v.add(f.Name, sl, join(ev.Path, "section"), CodeSection, "section is %q but the quote is under %q", *ev.Section, want)
		}
	case !o.HasSection(*ev.Section):
		v.add(f.Name, sl, join(ev.Path, "section"), CodeSection, "no section %q in %s", *ev.Section, d.SourceFile)
	}
}

func listAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// fixHint tells where the quote is, and whether --fix can fill in offsets.
func fixHint(o *graph.Outline, occ []int, qlen int) string {
	if len(occ) == 1 {
		return fmt.Sprintf("; the quote is at %d..%d (source line %d); run kg check --fix", occ[0], occ[0]+qlen, o.LineAt(occ[0]))
	}
	return "; " + occurrences(o, occ, qlen)
}

// occurrences describes where an ambiguous quote occurs.
func occurrences(o *graph.Outline, occ []int, qlen int) string {
	parts := make([]string, 0, len(occ))
	for i, s := range occ {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("and %d more", len(occ)-10))
			break
		}
		parts = append(parts, fmt.Sprintf("%d..%d (line %d)", s, s+qlen, o.LineAt(s)))
	}
	return fmt.Sprintf("the quote occurs %d times, at %s: give start/end or a longer quote", len(occ), strings.Join(parts, ", "))
}

// nearMiss finds the longest prefix of quote that occurs in the text and
// shows where the text departs from the quote.
func nearMiss(o *graph.Outline, quote string) string {
	q := []rune(quote)
	lo, hi := 0, len(q) // longest matching prefix length is in [lo, hi)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if len(o.Find(string(q[:mid]))) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	if lo < 4 {
		return ""
	}
	at := o.Find(string(q[:lo]))[0]
	cont, _ := o.Slice(at+lo, min(at+lo+12, o.Len()))
	return fmt.Sprintf("; the first %d characters match at line %d, then the text reads %q where the quote has %q",
		lo, o.LineAt(at), cont, abbrev(string(q[lo:]), 12))
}

func abbrev(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func fieldLines(fields map[string]field) map[string]int { return lines(fields) }

func lineOr(lines map[string]int, key string, def int) int {
	if l, ok := lines[key]; ok && l > 0 {
		return l
	}
	return def
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

func kindList() string {
	s := make([]string, len(graph.Kinds))
	for i, k := range graph.Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// suggestPredicate proposes vocabulary entries close to an unknown one.
func suggestPredicate(p string) string {
	type cand struct {
		id string
		d  int
	}
	var cs []cand
	for _, v := range graph.Vocabulary {
		if d := editDistance(p, v.ID); d <= 3 || strings.Contains(v.ID, p) || strings.Contains(p, v.ID) {
			cs = append(cs, cand{v.ID, d})
		}
	}
	if len(cs) == 0 {
		return ""
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].d < cs[j].d || cs[i].d == cs[j].d && cs[i].id < cs[j].id })
	names := make([]string, 0, 3)
	for i := 0; i < len(cs) && i < 3; i++ {
		names = append(names, cs[i].id)
	}
	return "; did you mean " + strings.Join(names, " or ") + "?"
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

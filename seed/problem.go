package seed

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/minhang-kg/kg/graph"
)

// Problem codes: a stable name for each kind of problem the validator finds,
// so that tools and tests can tell them apart without parsing messages.
const (
	CodeSyntax         = "syntax"        // the file is not valid YAML
	CodeIO             = "io"            // a file cannot be read
	CodeUnknownField   = "unknown-field" // a YAML key the format does not define
	CodeType           = "type"          // a value of the wrong YAML type (list for a string, ...)
	CodeRequired       = "required"      // a required field is missing or empty
	CodeBadID          = "bad-id"        // an ID that breaks the ID syntax
	CodeUnknownKind    = "unknown-kind"  // kind not in graph.Kinds
	CodeUnknownPred    = "unknown-predicate"
	CodeDangling       = "dangling"        // relation end that is no entity of any document
	CodeDuplicate      = "duplicate"       // duplicate entity ID, relation or document
	CodeAttribute      = "attribute"       // graph.Attribute.Validate failed
	CodeNoEvidence     = "no-evidence"     // entity or relation without evidence
	CodeQuoteNotFound  = "quote-not-found" // evidence quote is not a verbatim substring of the source
	CodeOffsets        = "offsets"         // start/end missing or not matching the quote
	CodeSection        = "section"         // section missing or wrong
	CodeAmbiguousQuote = "ambiguous-quote" // --fix: the quote occurs more than once
	CodeSelfRelation   = "self-relation"   // subject == object
	CodeConvention     = "convention"      // a dataset convention of ARCHITECTURE.md is broken
	CodeSameName       = "same-name"       // a name shared with another entity, neither sameAs nor distinctFrom
	CodeRenamed        = "renamed"         // an existing entity named otherwise without its name as an alias
	CodeSameAs         = "same-as"         // a sameAs or distinctFrom that cannot hold
	CodeTime           = "time"            // a malformed date, period or validity (graph.ParseDate, ParsePeriod, ValidSpan)
)

// Problem is one thing wrong with the dataset, located in a file.
type Problem struct {
	File  string `json:"file"`            // path of the file as given (relative to the working directory when possible)
	Line  int    `json:"line,omitempty"`  // 1-based; 0 when the problem concerns the whole file
	Field string `json:"field,omitempty"` // YAML path of the field, e.g. entities[3].evidence[0].quote
	Code  string `json:"code"`            // one of the Code* constants
	Msg   string `json:"message"`
}

// String formats the problem as "file:line: field: message".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Correction is one value `kg check --fix` wrote into a dataset file.
type Correction struct {
	File  string `json:"file"`
	Line  int    `json:"line"` // line of the evidence item's quote
	Field string `json:"field"`
	Old   string `json:"old,omitempty"` // empty when the field was missing
	New   string `json:"new"`
}

// String formats the fix as "file:line: field: old -> new".
func (f Correction) String() string {
	old := f.Old
	if old == "" {
		old = "(missing)"
	}
	return fmt.Sprintf("%s:%d: %s: %s -> %s", f.File, f.Line, f.Field, old, f.New)
}

// DocumentSummary counts what one document of the dataset states.
type DocumentSummary struct {
	ID        string `json:"id"`
	Dir       string `json:"dir"`
	Entities  int    `json:"entities"`
	Relations int    `json:"relations"`
	Evidence  int    `json:"evidence"`
}

// Report is the outcome of checking (and possibly fixing) a dataset.
type Report struct {
	Documents []DocumentSummary `json:"documents"`
	Problems  []Problem         `json:"problems"`
	Fixes     []Correction      `json:"fixes,omitempty"`
}

// OK reports whether the dataset has no problems.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Err returns nil when the dataset is clean, else a *ValidationError that
// wraps graph.ErrInvalid.
func (r *Report) Err() error {
	if r.OK() {
		return nil
	}
	return &ValidationError{Problems: r.Problems}
}

// WriteText writes the report for people: fixes, problems, then a summary line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	writeFixes(&b, r.Fixes)
	for _, p := range r.Problems {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	for _, d := range r.Documents {
		fmt.Fprintf(&b, "document %s (%s): %d entities, %d relations, %d evidence items\n",
			d.ID, d.Dir, d.Entities, d.Relations, d.Evidence)
	}
	switch {
	case r.OK():
		b.WriteString("ok: no problems\n")
	case len(r.Problems) == 1:
		b.WriteString("1 problem\n")
	default:
		fmt.Fprintf(&b, "%d problems\n", len(r.Problems))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) sort() {
	sort.SliceStable(r.Problems, func(i, j int) bool {
		a, b := r.Problems[i], r.Problems[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
}

// ValidationError is returned by Load when the dataset has problems. It
// wraps graph.ErrInvalid.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	const max = 20
	var b strings.Builder
	fmt.Fprintf(&b, "dataset has %d problem(s)", len(e.Problems))
	for i, p := range e.Problems {
		if i == max {
			fmt.Fprintf(&b, "\n... and %d more (run kg check)", len(e.Problems)-max)
			break
		}
		b.WriteString("\n")
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap makes errors.Is(err, graph.ErrInvalid) true.
func (e *ValidationError) Unwrap() error { return graph.ErrInvalid }

// writeFixes writes one line per evidence item: the fixes of its fields
// (consecutive in Fixes) are joined.
func writeFixes(b *strings.Builder, fixes []Correction) {
	for i := 0; i < len(fixes); {
		item, _, _ := cutLast(fixes[i].Field)
		j := i
		var parts []string
		for ; j < len(fixes) && fixes[j].File == fixes[i].File && fixes[j].Line == fixes[i].Line; j++ {
			it, key, _ := cutLast(fixes[j].Field)
			if it != item {
				break
			}
			if fixes[j].Old == "" {
				parts = append(parts, fmt.Sprintf("%s %s", key, fixes[j].New))
			} else {
				parts = append(parts, fmt.Sprintf("%s %s (was %s)", key, fixes[j].New, fixes[j].Old))
			}
		}
		fmt.Fprintf(b, "fixed %s:%d: %s: %s\n", fixes[i].File, fixes[i].Line, item, strings.Join(parts, ", "))
		i = j
	}
}

// cutLast splits a YAML path at its last dot.
func cutLast(path string) (before, after string, found bool) {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i], path[i+1:], true
	}
	return "", path, false
}

package cayleystore

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/minhang-kg/kg/graph"
)

// iriSafe reports whether id can be part of an IRI: a safe ASCII subset.
// Domain IDs (entities, documents, relations) follow graph.CheckID; this is
// for the store's own IDs (audit entries).
func iriSafe(id string) bool {
	if id == "" || len(id) > 512 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-', c == '_', c == '.', c == '/', c == ':', c == '~':
		default:
			return false
		}
	}
	return true
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{graph.ErrInvalid}, args...)...)
}

// normalize checks facts against the model and returns a copy ready to be
// encoded: relation IDs filled, symmetric ends ordered, duplicate
// relations merged. It reads nothing from the store.
func normalize(f graph.DocumentFacts) (graph.DocumentFacts, error) {
	doc := f.Document.ID
	if err := graph.CheckIDSyntax(doc); err != nil {
		return f, invalidf("document ID: %v", err)
	}
	if !utf8.ValidString(f.Document.Text) || !utf8.ValidString(f.Document.Title) || !utf8.ValidString(f.Document.TitleEn) {
		return f, invalidf("document %s: text or title is not valid UTF-8", doc)
	}
	if d := f.Document.Date; d != "" {
		if _, err := graph.ParseDate(d); err != nil || len(d) != len("2006-01-02") {
			return f, invalidf("document %s: date %q: want the day of issue, YYYY-MM-DD", doc, d)
		}
	}
	if p := f.Document.Period; p != "" {
		if _, err := graph.ParsePeriod(p); err != nil {
			return f, invalidf("document %s: %v", doc, err)
		}
	}
	out := graph.DocumentFacts{Document: f.Document}
	seen := make(map[string]bool, len(f.Entities))
	for i := range f.Entities {
		e := f.Entities[i] // copy
		where := fmt.Sprintf("document %s: entity %d (%q)", doc, i, e.ID)
		if err := graph.CheckIDSyntax(e.ID); err != nil {
			return f, invalidf("%s: %v", where, err)
		}
		if seen[e.ID] {
			return f, invalidf("%s: duplicate entity ID", where)
		}
		seen[e.ID] = true
		if !e.Kind.Valid() {
			return f, invalidf("%s: unknown kind %q", where, e.Kind)
		}
		if strings.TrimSpace(e.Name) == "" {
			return f, invalidf("%s: empty name", where)
		}
		if err := validAttributes(e.Attributes); err != nil {
			return f, invalidf("%s: %v", where, err)
		}
		for j, ev := range e.Evidence {
			if err := validEvidence(ev); err != nil {
				return f, invalidf("%s: evidence %d: %v", where, j, err)
			}
		}
		e.Aliases = dropEmpty(e.Aliases)
		e.Documents = nil
		out.Entities = append(out.Entities, e)
	}
	byID := make(map[string]int, len(f.Relations))
	for i := range f.Relations {
		r := f.Relations[i] // copy
		where := fmt.Sprintf("document %s: relation %d (%s %s %s)", doc, i, r.Subject, r.Predicate, r.Object)
		p, ok := graph.LookupPredicate(r.Predicate)
		if !ok {
			return f, invalidf("%s: predicate %q is not in the vocabulary", where, r.Predicate)
		}
		if err := errors.Join(graph.CheckIDSyntax(r.Subject), graph.CheckIDSyntax(r.Object)); err != nil {
			return f, invalidf("%s: subject or object: %v", where, err)
		}
		if r.Document != "" && r.Document != doc {
			return f, invalidf("%s: belongs to document %q", where, r.Document)
		}
		if r.Inferred {
			return f, invalidf("%s: inferred relations are not stored", where)
		}
		for j, ev := range r.Evidence {
			if err := validEvidence(ev); err != nil {
				return f, invalidf("%s: evidence %d: %v", where, j, err)
			}
		}
		if p.Symmetric && r.Object < r.Subject {
			r.Subject, r.Object = r.Object, r.Subject
		}
		if r.ID == "" {
			r.ID = graph.RelationID(doc, r.Subject, r.Predicate, r.Object)
		} else if err := graph.CheckIDSyntax(r.ID); err != nil {
			return f, invalidf("%s: %v", where, err)
		}
		where = fmt.Sprintf("document %s: relation %s (%s %s %s)", doc, r.ID, r.Subject, r.Predicate, r.Object)
		if _, err := graph.ValidSpan(r.ValidFrom, r.ValidTo); err != nil {
			return f, invalidf("%s: %v", where, err)
		}
		if err := validAttributes(r.Attributes); err != nil {
			return f, invalidf("%s: %v", where, err)
		}
		r.Document = doc
		if k, dup := byID[r.ID]; dup {
			prev := &out.Relations[k]
			if prev.Subject != r.Subject || prev.Predicate != r.Predicate || prev.Object != r.Object {
				return f, invalidf("%s: ID %s already used for %s %s %s", where, r.ID, prev.Subject, prev.Predicate, prev.Object)
			}
			if prev.ValidFrom != r.ValidFrom || prev.ValidTo != r.ValidTo {
				return f, invalidf("%s: stated twice with different validity ([%s, %s] and [%s, %s]); give one of them another ID",
					where, prev.ValidFrom, prev.ValidTo, r.ValidFrom, r.ValidTo)
			}
			prev.Evidence = append(append([]graph.Evidence(nil), prev.Evidence...), r.Evidence...)
			prev.Attributes = append(append([]graph.Attribute(nil), prev.Attributes...), r.Attributes...)
			if err := validAttributes(prev.Attributes); err != nil {
				return f, invalidf("%s: %v", where, err)
			}
			continue
		}
		byID[r.ID] = len(out.Relations)
		out.Relations = append(out.Relations, r)
	}
	return out, nil
}

// validAttributes checks each attribute's value against its type and that
// all values of one key share a unit (the store keeps one unit per key).
func validAttributes(as []graph.Attribute) error {
	units := map[string]string{}
	for _, a := range as {
		if err := a.Validate(); err != nil {
			return err
		}
		if u, ok := units[a.Key]; ok && u != a.Unit {
			return fmt.Errorf("attribute %q has two units (%q, %q)", a.Key, u, a.Unit)
		}
		units[a.Key] = a.Unit
	}
	return nil
}

func validEvidence(ev graph.Evidence) error {
	if ev.Start < 0 || ev.End < ev.Start {
		return fmt.Errorf("bad offsets [%d,%d)", ev.Start, ev.End)
	}
	if strings.TrimSpace(ev.Quote) == "" && strings.TrimSpace(ev.URL) == "" {
		return fmt.Errorf("neither quote nor URL")
	}
	if ev.Document != "" {
		if err := graph.CheckIDSyntax(ev.Document); err != nil {
			return fmt.Errorf("document: %w", err)
		}
	}
	return nil
}

func dropEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

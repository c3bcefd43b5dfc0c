package seed

import (
	"sort"
	"strings"
	"unicode"

	"github.com/minhang-kg/kg/graph"
)

// One entity across documents.
//
// Documents are read in order of their date (undated first), then folder
// name; an entity is "existing" when an earlier document (or an earlier
// place in the same document) defines it. The validator reports:
//
//   - a name, English name or alias equal (after normalisation: case,
//     white space, quotation marks and book-title brackets ignored) to a
//     name, English name or alias of a different entity, naming that
//     entity's ID and file:line, unless one of the two declares the other
//     in distinctFrom, or the later one is declared sameAs the other;
//   - an existing ID that a later document names otherwise without listing
//     the existing name among its aliases (so the name stays findable);
//   - a sameAs whose target is not an entity of another document, is
//     itself a sameAs, or has another kind; a distinctFrom naming no entity.
//
// Mentions (EntitySpec.Mentions) are not names and take no part.
//
// sameAs merges: an entity X of document B with sameAs: Y is the entity Y,
// and every fact of the dataset about X is stored about Y
// (Dataset.Facts rewrites the references).

// docsInTimeOrder returns the documents ordered by date, then folder.
func (ds *Dataset) docsInTimeOrder() []*DocumentSpec {
	docs := append([]*DocumentSpec(nil), ds.Documents...)
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].Date < docs[j].Date })
	return docs
}

// sameAs maps every entity ID declared sameAs another to that ID.
func (ds *Dataset) sameAs() map[string]string {
	m := map[string]string{}
	for _, d := range ds.Documents {
		for id, to := range d.sameAs() {
			m[id] = to
		}
	}
	return m
}

// sameAs maps the document's entities declared sameAs to their targets.
func (d *DocumentSpec) sameAs() map[string]string {
	m := map[string]string{}
	for _, f := range d.Files {
		for _, e := range f.Entities {
			if e.SameAs != "" && e.ID != "" && e.SameAs != e.ID {
				m[e.ID] = e.SameAs
			}
		}
	}
	return m
}

// canon returns the ID an entity's facts are stored under.
// A chain of sameAs (which the validator refuses) is followed to its end.
func canon(sameAs map[string]string, id string) string {
	for range len(sameAs) {
		to, ok := sameAs[id]
		if !ok {
			break
		}
		id = to
	}
	return id
}

// normName is the form names are compared in.
func normName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsSpace(r) || strings.ContainsRune(`"'“”‘’「」『』《》〈〉<>`, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

type nameSite struct {
	id    string // canonical ID
	raw   string // the entity's own ID as written
	doc   *DocumentSpec
	place string
}

// identities runs the checks above.
func (v *validator) identities() {
	docs := v.ds.docsInTimeOrder()
	same := v.ds.sameAs()
	type def struct {
		e   *EntitySpec
		doc *DocumentSpec
		f   *FactFile
	}
	defs := map[string][]def{} // entity ID as written -> definitions in order
	for _, d := range docs {
		for _, f := range d.Files {
			for _, e := range f.Entities {
				if e.ID != "" {
					defs[e.ID] = append(defs[e.ID], def{e, d, f})
				}
			}
		}
	}

	// sameAs and distinctFrom must name entities that can be the same or
	// other.
	for _, d := range docs {
		for _, f := range d.Files {
			for _, e := range f.Entities {
				if e.SameAs != "" {
					v.checkSameAs(d, f, e, defs[e.SameAs] != nil, same)
					for _, t := range defs[e.SameAs] {
						if t.doc == d {
							v.add(f.Name, lineOr(e.lines, "sameAs", e.Line), join(e.Path, "sameAs"), CodeSameAs,
								"%s is defined in this document too (%s): use the ID %s here, not sameAs",
								e.SameAs, place(t.f.Name, lineOr(t.e.lines, "id", t.e.Line)), e.SameAs)
							break
						}
						if t.e.Kind != e.Kind && graph.Kind(e.Kind).Valid() {
							v.add(f.Name, lineOr(e.lines, "kind", e.Line), join(e.Path, "kind"), CodeSameAs,
								"%s is sameAs %s, which is %s at %s, but %s here", e.ID, e.SameAs, t.e.Kind,
								place(t.f.Name, lineOr(t.e.lines, "kind", t.e.Line)), e.Kind)
							break
						}
					}
				}
				for i, id := range e.DistinctFrom {
					if defs[id] == nil {
						v.add(f.Name, lineOr(e.lines, "distinctFrom", e.Line), index(join(e.Path, "distinctFrom"), i), CodeDangling,
							"distinctFrom %q is not an entity of any loaded document", id)
					}
				}
			}
		}
	}

	distinct := map[[2]string]bool{}
	for _, ds := range defs {
		for _, x := range ds {
			for _, id := range x.e.DistinctFrom {
				a, b := canon(same, x.e.ID), canon(same, id)
				distinct[[2]string{a, b}] = true
				distinct[[2]string{b, a}] = true
			}
		}
	}

	// Names shared by different entities.
	seen := map[string][]nameSite{}
	first := map[string]def{} // canonical ID -> first definition
	for _, d := range docs {
		for _, f := range d.Files {
			for _, e := range f.Entities {
				if e.ID == "" {
					continue
				}
				id := canon(same, e.ID)
				here := place(f.Name, lineOr(e.lines, "name", e.Line))
				reported := map[string]bool{}
				for _, n := range entityNames(e) {
					key := normName(n.text)
					if key == "" {
						continue
					}
					for _, s := range seen[key] {
						if s.id == id || reported[s.id] || distinct[[2]string{id, s.id}] {
							continue
						}
						reported[s.id] = true
						v.add(f.Name, lineOr(e.lines, n.field, e.Line), join(e.Path, n.field), CodeSameName,
							"%s %q of %s is also a name of %s (%s, %s): if they are one entity use the ID %s or declare sameAs: %s; if not, declare distinctFrom: [%s]",
							n.field, n.text, e.ID, s.id, s.doc.ID, s.place, s.id, s.id, s.id)
					}
					if !containsSite(seen[key], id) {
						seen[key] = append(seen[key], nameSite{id: id, raw: e.ID, doc: d, place: here})
					}
				}
				// An existing entity named otherwise must keep its name.
				prev, ok := first[id]
				if !ok {
					first[id] = def{e, d, f}
					continue
				}
				if prev.doc == d || e.Name == "" || normName(e.Name) == normName(prev.e.Name) {
					continue
				}
				keeps := false
				for _, a := range e.Aliases {
					if normName(a) == normName(prev.e.Name) {
						keeps = true
					}
				}
				if !keeps {
					v.add(f.Name, lineOr(e.lines, "name", e.Line), join(e.Path, "name"), CodeRenamed,
						"%s is named %q in %s (%s) and %q here: list %q among the aliases", id, prev.e.Name, prev.doc.ID,
						place(prev.f.Name, lineOr(prev.e.lines, "name", prev.e.Line)), e.Name, prev.e.Name)
				}
			}
		}
	}
}

func (v *validator) checkSameAs(d *DocumentSpec, f *FactFile, e *EntitySpec, targetKnown bool, same map[string]string) {
	ln := lineOr(e.lines, "sameAs", e.Line)
	switch {
	case e.SameAs == e.ID:
		v.add(f.Name, ln, join(e.Path, "sameAs"), CodeSameAs, "%s is sameAs itself", e.ID)
	case graph.CheckID(e.SameAs) != nil:
		v.add(f.Name, ln, join(e.Path, "sameAs"), CodeBadID, "sameAs: %v", graph.CheckID(e.SameAs))
	case !targetKnown:
		v.add(f.Name, ln, join(e.Path, "sameAs"), CodeDangling, "sameAs %q is not an entity of any loaded document", e.SameAs)
	case same[e.SameAs] != "":
		v.add(f.Name, ln, join(e.Path, "sameAs"), CodeSameAs, "sameAs %s, which is itself sameAs %s: name %s", e.SameAs, same[e.SameAs], same[e.SameAs])
	}
}

type entityName struct{ field, text string }

func entityNames(e *EntitySpec) []entityName {
	var out []entityName
	if e.Name != "" {
		out = append(out, entityName{"name", e.Name})
	}
	if e.NameEn != "" {
		out = append(out, entityName{"nameEn", e.NameEn})
	}
	for _, a := range e.Aliases {
		out = append(out, entityName{"aliases", a})
	}
	return out
}

func containsSite(sites []nameSite, id string) bool {
	for _, s := range sites {
		if s.id == id {
			return true
		}
	}
	return false
}

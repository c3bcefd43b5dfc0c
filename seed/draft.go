package seed

import (
	"strings"
)

// DraftField is the key that marks an entity or relation as an unreviewed
// proposal (`draft: true`), as `kg draft` writes them. Reviewing an item is
// accepting it (deleting the key), fixing it, or deleting it. While any item
// of a dataset is marked, the validator reports it, so that `kg check` lists
// what is left to review and `kg seed` refuses to load the dataset.
const DraftField = "draft"

// CodeDraft is the problem code of an item still marked as a draft.
const CodeDraft = "draft"

// draftMark reads the draft field: true marks the item as unreviewed,
// false (or no field) as reviewed.
func (y *yfile) draftMark(fields map[string]field, path string) bool {
	f, ok := fields[DraftField]
	if !ok || isNull(f.value) {
		return false
	}
	s, isScalar := scalar(f.value)
	switch strings.ToLower(s) {
	case "true":
		return true
	case "false":
		return false
	}
	if !isScalar {
		s = describe(f.value)
	}
	y.add(f.line, join(path, DraftField), CodeType, "draft must be true (unreviewed) or false, found %q; delete the field once the item is reviewed", s)
	return false
}

// drafts reports every item still marked as a draft.
func (v *validator) drafts() {
	for _, d := range v.ds.Documents {
		for _, f := range d.Files {
			for _, e := range f.Entities {
				if e.Draft {
					v.add(f.Name, lineOr(e.lines, DraftField, e.Line), join(e.Path, DraftField), CodeDraft,
						"unreviewed draft: entity %s %s (%s); check it against its evidence, then delete `draft: true` (or the entity)",
						e.ID, e.Name, e.Kind)
				}
			}
			for _, r := range f.Relations {
				if r.Draft {
					v.add(f.Name, lineOr(r.lines, DraftField, r.Line), join(r.Path, DraftField), CodeDraft,
						"unreviewed draft: relation %s %s %s; check it against its evidence, then delete `draft: true` (or the relation)",
						r.Subject, r.Predicate, r.Object)
				}
			}
		}
	}
}

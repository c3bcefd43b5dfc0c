package seed

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/minhang-kg/kg/graph"
)

// Problem codes of CurationConflicts.
const (
	CodeCuratedDangling = "curated-dangling" // a curated relation would lose an entity it refers to
)

// CurationConflicts reports what seeding the dataset into st would break in
// the store's curated facts (graph.CurationDocument), before anything is
// written:
//
// a curated relation whose subject or object no document of the dataset
// and no curated fact states (the store's SyncDocuments refuses such a
// seed). The problem names the relation, the entity and the stored
// documents that state it now, located at the document.yaml of such a
// document when its folder is still there, else at the data directory.
// Entities declared sameAs count by the ID they are stored under.
func (ds *Dataset) CurationConflicts(ctx context.Context, st graph.Store) ([]Problem, error) {
	var curated []*graph.Relation
	if err := st.ScanRelations(ctx, func(r *graph.Relation) bool {
		if r.Document == graph.CurationDocument && !r.Inferred {
			curated = append(curated, r)
		}
		return true
	}); err != nil {
		return nil, fmt.Errorf("curation conflicts: read relations: %w", err)
	}
	curatedIDs := map[string]bool{} // entities curation states facts about
	if err := st.ScanEntities(ctx, nil, "", func(e *graph.Entity) bool {
		if slices.Contains(e.Documents, graph.CurationDocument) {
			curatedIDs[e.ID] = true
		}
		return true
	}); err != nil {
		return nil, fmt.Errorf("curation conflicts: read entities: %w", err)
	}

	same := ds.sameAs()
	stated := map[string]bool{}
	byDoc := map[string]*DocumentSpec{}
	for _, d := range ds.Documents {
		byDoc[d.ID] = d
		for _, f := range d.Files {
			for _, e := range f.Entities {
				stated[canon(same, e.ID)] = true
			}
		}
		stated[d.ID] = true // every document is an entity too
	}

	var out []Problem
	// Curated relations that would lose an end.
	var lostIDs []string
	for _, r := range curated {
		for _, id := range []string{r.Subject, r.Object} {
			if !stated[id] && !curatedIDs[id] {
				lostIDs = append(lostIDs, id)
			}
		}
	}
	slices.Sort(lostIDs)
	lostIDs = slices.Compact(lostIDs)
	owners := map[string][]string{}
	if len(lostIDs) > 0 {
		es, err := st.Entities(ctx, lostIDs)
		if err != nil {
			return nil, fmt.Errorf("curation conflicts: read entities: %w", err)
		}
		for i, e := range es {
			if e != nil {
				owners[lostIDs[i]] = e.Documents
			}
		}
	}
	for _, r := range curated {
		for _, id := range []string{r.Subject, r.Object} {
			if stated[id] || curatedIDs[id] {
				continue
			}
			file, how := ds.Dir, "no document states it"
			if docs := owners[id]; len(docs) > 0 {
				how = "stated now by " + strings.Join(docs, ", ")
				for _, doc := range docs {
					if d := byDoc[doc]; d != nil {
						file, how = d.File, how+"; "+doc+" no longer states it"
						break
					}
				}
				if file == ds.Dir {
					how += ", whose folder is removed"
				}
			}
			out = append(out, Problem{File: file, Code: CodeCuratedDangling, Msg: fmt.Sprintf(
				"curated relation %s (%s %s %s) of %s refers to entity %q, which no document states after seeding (%s): keep the entity in the dataset, or remove the curated relation first",
				r.ID, r.Subject, r.Predicate, r.Object, graph.CurationDocument, id, how)})
			if r.Subject == r.Object {
				break
			}
		}
	}

	slices.SortFunc(out, func(a, b Problem) int { return strings.Compare(a.String(), b.String()) })
	return out, nil
}

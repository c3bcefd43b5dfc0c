package seed

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/minhang-kg/kg/graph"
)

// Load validates the data directory dataDir and, if it has no problem at
// all, makes the store's source documents exactly those of the directory,
// in one atomic write (graph.Store.SyncDocuments): new documents are
// added, changed ones replaced, stored documents no longer in the
// directory removed; curated facts stay. With any problem nothing is
// written: the error is a *ValidationError (errors.Is graph.ErrInvalid)
// for the dataset, or the store's error (naming the document) for a
// conflict with stored facts. Loading the same dataset twice leaves the
// graph unchanged.
func Load(ctx context.Context, st graph.Store, dataDir string, log *slog.Logger) ([]graph.Change, error) {
	ds, err := Parse(dataDir)
	if err != nil {
		return nil, err
	}
	return ds.Load(ctx, st, log)
}

// Load validates the dataset and syncs the store's documents with it; see
// Load.
func (ds *Dataset) Load(ctx context.Context, st graph.Store, log *slog.Logger) ([]graph.Change, error) {
	facts, err := ds.Facts()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	log.DebugContext(ctx, "syncing documents", "documents", len(facts))
	changes, err := st.SyncDocuments(ctx, facts)
	if err != nil {
		if errors.Is(err, graph.ErrInvalid) {
			// Say where, in the data directory's terms, when the store
			// refused because of its curated facts (as kg check --path does).
			if ps, cerr := ds.CurationConflicts(ctx, st); cerr == nil && len(ps) > 0 {
				var b strings.Builder
				for _, p := range ps {
					b.WriteString("\n")
					b.WriteString(p.String())
				}
				return nil, fmt.Errorf("seed: %w%s", err, b.String())
			}
		}
		return nil, fmt.Errorf("seed: %w", err)
	}
	for _, ch := range changes {
		log.InfoContext(ctx, "document seeded",
			"document", ch.Document,
			"removed", ch.DocumentRemoved,
			"unchanged", ch.Unchanged(),
			"entitiesAdded", ch.EntitiesAdded, "entitiesChanged", ch.EntitiesChanged, "entitiesRemoved", ch.EntitiesRemoved,
			"relationsAdded", ch.RelationsAdded, "relationsRemoved", ch.RelationsRemoved,
			"quadsAdded", ch.QuadsAdded, "quadsRemoved", ch.QuadsRemoved)
	}
	return changes, nil
}

// Facts validates the dataset and converts it to one graph.DocumentFacts
// per document, in an order where documents come after those whose
// entities they reference (else by ID). It fails with a *ValidationError if
// the dataset has any problem.
//
// Each document is also an entity (kind DOCUMENT) with the document's ID:
// when the dataset does not define it, it is made from document.yaml (name
// = title, nameEn = titleEn), citing the first occurrence of the title in
// the source text.
func (ds *Dataset) Facts() ([]graph.DocumentFacts, error) {
	if rep := ds.Validate(); !rep.OK() {
		return nil, rep.Err()
	}
	out := make([]graph.DocumentFacts, 0, len(ds.Documents))
	same := ds.sameAs()
	for _, d := range ds.Documents {
		out = append(out, d.facts(same))
	}
	return orderByDependency(out), nil
}

// Facts converts the document to graph facts as written, without
// validating it (see Dataset.Facts). Entities declared sameAs another
// become that entity (references within the document are rewritten;
// Dataset.Facts rewrites references across documents too).
func (d *DocumentSpec) Facts() graph.DocumentFacts { return d.facts(d.sameAs()) }

func (d *DocumentSpec) facts(same map[string]string) graph.DocumentFacts {
	f := graph.DocumentFacts{Document: graph.Document{ID: d.ID, Title: d.Title, TitleEn: d.TitleEn, Text: d.Text,
		Date: d.Date, Period: d.Period}}
	hasDocEntity := false
	times := d.indicatorTimes()
	for _, file := range d.Files {
		for _, e := range file.Entities {
			if e.ID == d.ID {
				hasDocEntity = true
			}
			ent := graph.Entity{
				ID:            canon(same, e.ID),
				Kind:          graph.Kind(e.Kind),
				Name:          e.Name,
				NameEn:        e.NameEn,
				Aliases:       append([]string(nil), e.Aliases...),
				Description:   e.Description,
				DescriptionEn: e.DescriptionEn,
				Evidence:      d.evidence(e.Evidence),
			}
			for _, a := range e.Attributes {
				ent.Attributes = append(ent.Attributes, a.Attribute)
			}
			f.Entities = append(f.Entities, ent)
		}
		for _, r := range file.Relations {
			subj, obj := canon(same, r.Subject), canon(same, r.Object)
			rel := graph.Relation{
				ID:        graph.RelationID(d.ID, subj, r.Predicate, obj),
				Subject:   subj,
				Predicate: r.Predicate,
				Object:    obj,
				Evidence:  d.evidence(r.Evidence),
				Document:  d.ID,
			}
			rel.ValidFrom, rel.ValidTo = d.validity(r, times)
			for _, a := range r.Attributes {
				rel.Attributes = append(rel.Attributes, a.Attribute)
			}
			f.Relations = append(f.Relations, rel)
		}
	}
	if !hasDocEntity {
		ent := graph.Entity{ID: d.ID, Kind: graph.KindDocument, Name: d.Title, NameEn: d.TitleEn}
		o := d.Outline()
		if occ := o.Find(d.Title); len(occ) > 0 {
			ent.Evidence = []graph.Evidence{{
				Document: d.ID, Quote: d.Title, Start: occ[0], End: occ[0] + utf8.RuneCountInString(d.Title),
				Section: o.SectionAt(occ[0]),
			}}
		}
		f.Entities = append(f.Entities, ent)
	}
	sort.SliceStable(f.Entities, func(i, j int) bool { return f.Entities[i].ID < f.Entities[j].ID })
	sort.SliceStable(f.Relations, func(i, j int) bool { return f.Relations[i].ID < f.Relations[j].ID })
	f.Document.Digest = digest(f)
	return f
}

// indicatorTimes maps each indicator of the document to the time its value
// holds: its asOf date, else its year.
func (d *DocumentSpec) indicatorTimes() map[string]string {
	out := map[string]string{}
	for _, file := range d.Files {
		for _, e := range file.Entities {
			if graph.Kind(e.Kind) != graph.KindIndicator {
				continue
			}
			var year, asOf string
			for _, a := range e.Attributes {
				if a.Type != graph.AttrDate {
					continue
				}
				switch a.Key {
				case "year":
					year = a.Value
				case "asOf":
					asOf = a.Value
				}
			}
			if t := cmp.Or(asOf, year); t != "" {
				out[e.ID] = t
			}
		}
	}
	return out
}

// validity resolves when a relation holds. What the relation states
// stands; a relation about an indicator (its subject) holds at the time of
// the indicator's value; anything else missing follows from the
// predicate's temporal kind and the document's period
// (graph.Predicate.DefaultValidity).
func (d *DocumentSpec) validity(r *RelationSpec, indicatorTimes map[string]string) (from, to string) {
	p, ok := graph.LookupPredicate(r.Predicate)
	if !ok {
		return r.ValidFrom, r.ValidTo
	}
	if t, isInd := indicatorTimes[r.Subject]; isInd && r.ValidFrom == "" && r.ValidTo == "" {
		return t, t
	}
	return p.DefaultValidity(r.ValidFrom, r.ValidTo, d.Period)
}

func (d *DocumentSpec) evidence(evs []*EvidenceSpec) []graph.Evidence {
	out := make([]graph.Evidence, 0, len(evs))
	for _, ev := range evs {
		g := graph.Evidence{Document: d.ID, Quote: ev.Quote, URL: ev.URL, Note: ev.Note}
		if ev.Start != nil {
			g.Start = *ev.Start
		}
		if ev.End != nil {
			g.End = *ev.End
		}
		if ev.Section != nil {
			g.Section = *ev.Section
		}
		out = append(out, g)
	}
	return out
}

// digest hashes the source text and every fact of the document.
func digest(f graph.DocumentFacts) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%d\x00", f.Document.ID, f.Document.Title, f.Document.TitleEn,
		f.Document.Date, f.Document.Period, len(f.Document.Text))
	h.Write([]byte(f.Document.Text))
	enc := json.NewEncoder(h)
	// Encoding plain structs of strings and ints cannot fail.
	_ = enc.Encode(f.Entities)
	_ = enc.Encode(f.Relations)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// orderByDependency orders documents so that a document comes after the
// documents defining entities its relations reference; ties (and cycles,
// which the store will reject) keep ID order.
func orderByDependency(docs []graph.DocumentFacts) []graph.DocumentFacts {
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].Document.ID < docs[j].Document.ID })
	definedBy := map[string][]int{}
	for i, d := range docs {
		for _, e := range d.Entities {
			definedBy[e.ID] = append(definedBy[e.ID], i)
		}
	}
	deps := make([]map[int]bool, len(docs))
	for i, d := range docs {
		deps[i] = map[int]bool{}
		own := map[string]bool{}
		for _, e := range d.Entities {
			own[e.ID] = true
		}
		for _, r := range d.Relations {
			for _, id := range []string{r.Subject, r.Object} {
				if own[id] {
					continue
				}
				for _, j := range definedBy[id] {
					deps[i][j] = true
				}
			}
		}
	}
	done := make([]bool, len(docs))
	out := make([]graph.DocumentFacts, 0, len(docs))
	for len(out) < len(docs) {
		progressed := false
		for i := range docs {
			if done[i] {
				continue
			}
			ready := true
			for j := range deps[i] {
				if !done[j] {
					ready = false
					break
				}
			}
			if ready {
				done[i] = true
				out = append(out, docs[i])
				progressed = true
			}
		}
		if !progressed { // a cycle: keep ID order for the rest
			for i := range docs {
				if !done[i] {
					done[i] = true
					out = append(out, docs[i])
				}
			}
		}
	}
	return out
}

// Summary formats a change for people.
func Summary(ch graph.Change) string {
	if ch.Unchanged() {
		return fmt.Sprintf("%s: unchanged", ch.Document)
	}
	var parts []string
	add := func(n int, what string) {
		if n != 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(ch.EntitiesAdded, "entities added")
	add(ch.EntitiesChanged, "entities changed")
	add(ch.EntitiesRemoved, "entities removed")
	add(ch.RelationsAdded, "relations added")
	add(ch.RelationsRemoved, "relations removed")
	if ch.DocumentRemoved {
		parts = append([]string{"document removed"}, parts...)
	}
	return fmt.Sprintf("%s: %s (%d quads added, %d removed)", ch.Document, strings.Join(parts, ", "), ch.QuadsAdded, ch.QuadsRemoved)
}

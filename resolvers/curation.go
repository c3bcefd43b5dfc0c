package resolvers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/resolvers/model"
)

// curationDocument describes graph.CurationDocument; written with every
// curated fact so the document exists from the first one on.
var curationDocument = graph.Document{
	ID:      graph.CurationDocument,
	Title:   "人工整理的事实",
	TitleEn: "Curated facts",
}

// curate writes facts to the curation document and records the change in
// the audit trail.
func (r *Resolver) curate(ctx context.Context, action, target string, input any, facts graph.DocumentFacts) error {
	facts.Document = curationDocument
	if _, err := r.store.PutFacts(ctx, facts); err != nil {
		return fmt.Errorf("%s %s: %w", action, target, err)
	}
	return r.audit(ctx, action, target, input)
}

// audit appends one entry (who, what, the input as JSON) to the audit trail.
func (r *Resolver) audit(ctx context.Context, action, target string, detail any) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit %s %s: encode detail: %w", action, target, err)
	}
	e := graph.AuditEntry{Actor: authFrom(ctx).Actor, Action: action, Target: target, Detail: string(b)}
	if err := r.store.AppendAudit(ctx, e); err != nil {
		// The change is written; losing its audit entry must be loud.
		r.log.ErrorContext(ctx, "curation change applied but not audited", "action", action, "target", target, "err", err)
		return fmt.Errorf("audit %s %s: %w", action, target, err)
	}
	r.log.InfoContext(ctx, "curation change", "actor", e.Actor, "action", action, "target", target)
	return nil
}

func (r *Resolver) readEntity(ctx context.Context, id string) (*graph.Entity, error) {
	es, err := r.store.Entities(ctx, []string{id})
	if err != nil {
		return nil, fmt.Errorf("read entity %s: %w", id, err)
	}
	if es[0] == nil {
		return nil, fmt.Errorf("entity %s: %w", id, graph.ErrNotFound)
	}
	return es[0], nil
}

func (r *Resolver) readRelation(ctx context.Context, id string) (*graph.Relation, error) {
	rels, err := r.store.Relations(ctx, []string{id})
	if err != nil {
		return nil, fmt.Errorf("read relation %s: %w", id, err)
	}
	if rels[0] == nil {
		return nil, fmt.Errorf("relation %s: %w", id, graph.ErrNotFound)
	}
	return rels[0], nil
}

func (r *Resolver) entityFromInput(ctx context.Context, in model.EntityInput) (*graph.Entity, error) {
	if err := graph.CheckID(in.ID); err != nil {
		return nil, argErrorf("input.id", "%v", err)
	}
	if !in.Kind.Valid() {
		return nil, argErrorf("input.kind", "unknown kind %q", in.Kind)
	}
	e := &graph.Entity{
		ID:            in.ID,
		Kind:          in.Kind,
		Name:          strings.TrimSpace(in.Name),
		NameEn:        strings.TrimSpace(deref(in.NameEn)),
		Description:   strings.TrimSpace(deref(in.Description)),
		DescriptionEn: strings.TrimSpace(deref(in.DescriptionEn)),
	}
	if e.Name == "" {
		return nil, argErrorf("input.name", "must not be empty")
	}
	for i, a := range in.Aliases {
		if a = strings.TrimSpace(a); a == "" {
			return nil, argErrorf(fmt.Sprintf("input.aliases[%d]", i), "must not be empty")
		}
		e.Aliases = append(e.Aliases, strings.TrimSpace(a))
	}
	for i, a := range in.Attributes {
		attr := graph.Attribute{Key: strings.TrimSpace(a.Key), Value: strings.TrimSpace(a.Value), Unit: strings.TrimSpace(deref(a.Unit))}
		if a.Type != nil {
			attr.Type = *a.Type
		}
		if err := attr.Validate(); err != nil {
			return nil, argErrorf(fmt.Sprintf("input.attributes[%d]", i), "%v", err)
		}
		e.Attributes = append(e.Attributes, attr)
	}
	for i, ev := range in.Evidence {
		x, err := r.evidenceFromInput(ctx, fmt.Sprintf("input.evidence[%d]", i), ev)
		if err != nil {
			return nil, err
		}
		e.Evidence = append(e.Evidence, x)
	}
	return e, nil
}

func (r *Resolver) relationFromInput(ctx context.Context, in model.RelationInput) (*graph.Relation, error) {
	if _, ok := graph.LookupPredicate(in.Predicate); !ok {
		return nil, argErrorf("input.predicate", "unknown predicate %q (see Query.predicates)", in.Predicate)
	}
	if in.Subject == in.Object {
		return nil, argErrorf("input.object", "a relation needs two different entities, got %s twice", in.Subject)
	}
	es, err := r.store.Entities(ctx, []string{in.Subject, in.Object})
	if err != nil {
		return nil, fmt.Errorf("addRelation: read entities: %w", err)
	}
	for i, arg := range []string{"input.subject", "input.object"} {
		if es[i] == nil {
			return nil, argErrorf(arg, "no entity %q", []string{in.Subject, in.Object}[i])
		}
	}
	if len(in.Evidence) == 0 {
		return nil, argErrorf("input.evidence", "at least one piece of evidence is required")
	}
	rel := &graph.Relation{
		ID:        graph.RelationID(graph.CurationDocument, in.Subject, in.Predicate, in.Object),
		Subject:   in.Subject,
		Predicate: in.Predicate,
		Object:    in.Object,
		Document:  graph.CurationDocument,
	}
	for i, ev := range in.Evidence {
		x, err := r.evidenceFromInput(ctx, fmt.Sprintf("input.evidence[%d]", i), ev)
		if err != nil {
			return nil, err
		}
		rel.Evidence = append(rel.Evidence, x)
	}
	return rel, nil
}

// evidenceFromInput checks evidence: a quote that occurs exactly once in a
// loaded document (offsets and section computed), or a URL with a note.
func (r *Resolver) evidenceFromInput(ctx context.Context, arg string, in *model.EvidenceInput) (graph.Evidence, error) {
	quote := strings.TrimSpace(deref(in.Quote))
	u, note := strings.TrimSpace(deref(in.URL)), strings.TrimSpace(deref(in.Note))
	switch {
	case quote != "":
		ev, err := r.locateQuote(ctx, arg, quote, deref(in.Document))
		if err != nil {
			return graph.Evidence{}, err
		}
		if s := strings.TrimSpace(deref(in.Section)); s != "" {
			ev.Section = s
		}
		ev.URL, ev.Note = u, note
		return ev, nil
	case u != "":
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return graph.Evidence{}, argErrorf(arg+".url", "must be an absolute http(s) URL")
		}
		if note == "" {
			return graph.Evidence{}, argErrorf(arg+".note", "a URL needs a note saying what it states")
		}
		return graph.Evidence{Document: graph.CurationDocument, URL: u, Note: note, Section: strings.TrimSpace(deref(in.Section))}, nil
	default:
		return graph.Evidence{}, argErrorf(arg, "give a quote from a loaded document or a url with a note")
	}
}

// locateQuote finds the quote in the given document, or in whichever loaded
// document holds it when doc is "".
func (r *Resolver) locateQuote(ctx context.Context, arg, quote, doc string) (graph.Evidence, error) {
	all, err := r.store.Documents(ctx)
	if err != nil {
		return graph.Evidence{}, fmt.Errorf("list documents: %w", err)
	}
	var docs []graph.Document
	for _, d := range all {
		if d.ID != graph.CurationDocument && (doc == "" || d.ID == doc) {
			docs = append(docs, d)
		}
	}
	if doc != "" && len(docs) == 0 {
		return graph.Evidence{}, argErrorf(arg+".document", "no loaded source document %q", doc)
	}
	var found []graph.Evidence
	for _, d := range docs {
		text, err := r.store.DocumentText(ctx, d.ID)
		if err != nil {
			return graph.Evidence{}, fmt.Errorf("text of %s: %w", d.ID, err)
		}
		o := graph.NewOutline(text, d.Title)
		for _, off := range o.Find(quote) {
			found = append(found, graph.Evidence{
				Document: d.ID, Quote: quote, Start: off, End: off + utf8.RuneCountInString(quote), Section: o.SectionAt(off),
			})
		}
	}
	switch {
	case len(found) == 0 && doc != "":
		return graph.Evidence{}, argErrorf(arg+".quote", "does not occur verbatim in %s", doc)
	case len(found) == 0:
		return graph.Evidence{}, argErrorf(arg+".quote", "does not occur verbatim in any loaded document")
	case len(found) > 1:
		return graph.Evidence{}, argErrorf(arg+".quote", "occurs %d times (first in %s at %d); give a longer quote or the document", len(found), found[0].Document, found[0].Start)
	}
	return found[0], nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

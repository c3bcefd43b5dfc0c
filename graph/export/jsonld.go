package export

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/minhang-kg/kg/graph"
)

// JSON-LD output uses the graph's namespace (graph.NS), so it describes the
// same resources as the N-Quads export.
const (
	nsID     = graph.NSID
	nsSchema = graph.NSSchema
)

// jsonldContext is the inline @context. Never a remote context URL: a
// JSON-LD processor must not need the network to read the export.
func jsonldContext() map[string]any {
	return map[string]any{
		"@base":   nsID,
		"@vocab":  nsSchema,
		"rdf":     "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
		"rdfs":    "http://www.w3.org/2000/01/rdf-schema#",
		"skos":    "http://www.w3.org/2004/02/skos/core#",
		"xsd":     "http://www.w3.org/2001/XMLSchema#",
		"kind":    graph.NSKind,
		"rel":     graph.NSRel,
		"attr":    graph.NSAttr,
		"unit":    graph.NSUnit,
		"name":    map[string]any{"@id": "rdfs:label", "@container": "@language"},
		"aliases": map[string]any{"@id": "skos:altLabel", "@container": "@set"},
		"description": map[string]any{
			"@id": "rdfs:comment", "@container": "@language",
		},
		"subject":   map[string]any{"@id": "rdf:subject", "@type": "@id"},
		"predicate": map[string]any{"@id": "rdf:predicate", "@type": "@id"},
		"object":    map[string]any{"@id": "rdf:object", "@type": "@id"},
		"label":     map[string]any{"@id": "rdfs:label", "@container": "@language"},
		"statedIn":  map[string]any{"@type": "@id"},
		"document":  map[string]any{"@type": "@id"},
		"evidence":  map[string]any{"@container": "@set"},
		"start":     map[string]any{"@type": "xsd:integer"},
		"end":       map[string]any{"@type": "xsd:integer"},
		"url":       map[string]any{"@type": "@id"},
	}
}

func jsonldEvidence(ev []graph.Evidence) []map[string]any {
	out := make([]map[string]any, 0, len(ev))
	for _, e := range ev {
		m := map[string]any{}
		if e.Quote != "" {
			m["quote"] = e.Quote
			m["start"] = e.Start
			m["end"] = e.End
		}
		if e.Section != "" {
			m["section"] = e.Section
		}
		if e.Document != "" {
			m["document"] = e.Document
		}
		if e.URL != "" {
			m["url"] = e.URL
		}
		if e.Note != "" {
			m["note"] = e.Note
		}
		out = append(out, m)
	}
	return out
}

// jsonldAttrValue types an attribute value like the store does.
func jsonldAttrValue(a graph.Attribute) any {
	switch a.Type {
	case graph.AttrInteger:
		return map[string]any{"@value": a.Value, "@type": "xsd:integer"}
	case graph.AttrNumber:
		return map[string]any{"@value": a.Value, "@type": "xsd:decimal"}
	case graph.AttrDate:
		t := "xsd:date"
		switch len(a.Value) {
		case 4:
			t = "xsd:gYear"
		case 7:
			t = "xsd:gYearMonth"
		}
		return map[string]any{"@value": a.Value, "@type": t}
	case graph.AttrDocNo:
		return map[string]any{"@value": a.Value, "@type": "DocNo"}
	}
	return a.Value
}

func langMap(zh, en string) map[string]string {
	m := map[string]string{}
	if zh != "" {
		m["zh"] = zh
	}
	if en != "" {
		m["en"] = en
	}
	return m
}

// appendValue adds v to the multi-valued property key of node.
func appendValue(node map[string]any, key string, v any) {
	if cur, ok := node[key].([]any); ok {
		node[key] = append(cur, v)
		return
	}
	node[key] = []any{v}
}

func writeJSONLD(g *Graph, w io.Writer) error {
	nodes := make([]any, 0, len(g.Entities)+len(g.Relations))
	byID := make(map[string]map[string]any, len(g.Entities))
	for _, e := range g.Entities {
		n := map[string]any{
			"@id":   e.ID,
			"@type": "kind:" + string(e.Kind),
			"name":  langMap(e.Name, e.NameEn),
		}
		if len(e.Aliases) > 0 {
			n["aliases"] = e.Aliases
		}
		if d := langMap(e.Description, e.DescriptionEn); len(d) > 0 {
			n["description"] = d
		}
		for _, a := range e.Attributes {
			appendValue(n, "attr:"+a.Key, jsonldAttrValue(a))
			if a.Unit != "" {
				n["unit:"+a.Key] = a.Unit
			}
		}
		if len(e.Evidence) > 0 {
			n["evidence"] = jsonldEvidence(e.Evidence)
		}
		if len(e.Documents) > 0 {
			docs := make([]any, len(e.Documents))
			for i, d := range e.Documents {
				docs[i] = d
			}
			n["statedIn"] = docs
		}
		byID[e.ID] = n
		nodes = append(nodes, n)
	}
	for _, r := range g.Relations {
		p := predicateInfo(r.Predicate)
		// The direct link, so that plain JSON-LD/RDF consumers see the
		// graph as subject --predicate--> object.
		appendValue(byID[r.Subject], "rel:"+r.Predicate, map[string]any{"@id": r.Object})
		st := map[string]any{
			"@id":       r.ID,
			"@type":     "rdf:Statement",
			"subject":   r.Subject,
			"predicate": "rel:" + r.Predicate,
			"object":    r.Object,
			"label":     langMap(p.Label, p.LabelEn),
		}
		if p.Symmetric {
			st["symmetric"] = true
		}
		if r.Document != "" {
			st["statedIn"] = r.Document
		}
		if len(r.Evidence) > 0 {
			st["evidence"] = jsonldEvidence(r.Evidence)
		}
		nodes = append(nodes, st)
	}
	doc := struct {
		Context map[string]any `json:"@context"`
		Graph   []any          `json:"@graph"`
	}{jsonldContext(), nodes}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("export jsonld: %w", err)
	}
	return nil
}

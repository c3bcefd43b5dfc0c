// Package export writes the knowledge graph (or a neighbourhood of it) in
// formats other tools read: N-Quads, JSON-LD, GraphML, GEXF 1.3 (Gephi),
// Graphviz DOT and CSV.
//
// Every format except nquads is written from a Graph snapshot: one node per
// entity (names, kind, attributes as node data) and one edge per relation
// (predicate, labels and evidence as edge data). Cayley's own per-quad
// GraphML/DOT writers are deliberately not used: they turn every literal
// into a node.
//
// Output is deterministic: the same graph gives byte-identical output.
package export

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/minhang-kg/kg/graph"
)

// Format describes one export format.
type Format struct {
	Name        string // value of --format and of /export/{format}
	MediaType   string // Content-Type of the output
	Ext         string // file name extension, without the dot
	Description string
	write       func(ctx context.Context, st graph.Store, sel Selection, w io.Writer) error
}

// Formats lists the supported formats in display order.
var Formats = []Format{
	{Name: "nquads", MediaType: "application/n-quads; charset=utf-8", Ext: "nq",
		Description: "RDF N-Quads as stored (the store's own quad mapping, see graph/doc.go); a selection keeps the quads about the selected entities and relations",
		write:       writeNQuads},
	{Name: "jsonld", MediaType: "application/ld+json; charset=utf-8", Ext: "jsonld",
		Description: "JSON-LD with an inline @context: entities as nodes (names as language maps), relations as statement nodes with evidence plus direct links",
		write:       snapshotWriter(writeJSONLD)},
	{Name: "graphml", MediaType: "application/graphml+xml; charset=utf-8", Ext: "graphml",
		Description: "GraphML: one node per entity, one edge per relation, names, kind, predicate and evidence as data keys",
		write:       snapshotWriter(writeGraphML)},
	{Name: "gexf", MediaType: "application/gexf+xml; charset=utf-8", Ext: "gexf",
		Description: "GEXF 1.3 for Gephi: one node per entity, one edge per relation, with attributes and colours by kind",
		write:       snapshotWriter(writeGEXF)},
	{Name: "dot", MediaType: "text/vnd.graphviz; charset=utf-8", Ext: "dot",
		Description: "Graphviz DOT digraph with quoted Chinese labels (render with `dot -Tsvg`)",
		write:       snapshotWriter(writeDOT)},
	{Name: "csv", MediaType: "application/zip", Ext: "zip",
		Description: "ZIP with nodes.csv and edges.csv (Gephi spreadsheet import headers: Id, Label, Source, Target, Type)",
		write:       snapshotWriter(writeCSVZip)},
	{Name: "csv-nodes", MediaType: "text/csv; charset=utf-8", Ext: "csv",
		Description: "nodes.csv alone",
		write:       snapshotWriter(writeNodesCSV)},
	{Name: "csv-edges", MediaType: "text/csv; charset=utf-8", Ext: "csv",
		Description: "edges.csv alone",
		write:       snapshotWriter(writeEdgesCSV)},
}

// Lookup returns the format with the name (case-insensitive).
func Lookup(name string) (Format, bool) {
	for _, f := range Formats {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Format{}, false
}

// Names returns the format names in display order.
func Names() []string {
	out := make([]string, len(Formats))
	for i, f := range Formats {
		out[i] = f.Name
	}
	return out
}

// MaxHops bounds Selection.Hops.
const MaxHops = 5

// Selection chooses what to export. The zero value selects the whole graph.
type Selection struct {
	// IDs are the entities at the centre of the selection. Empty means the
	// whole graph.
	IDs []string
	// Hops is how many relations away from IDs to go (0 = just the IDs and
	// the relations among them). Ignored when IDs is empty.
	Hops int
}

// Whole reports whether the selection is the whole graph.
func (s Selection) Whole() bool { return len(s.IDs) == 0 }

// Validate checks the selection.
func (s Selection) Validate() error {
	if s.Hops < 0 || s.Hops > MaxHops {
		return fmt.Errorf("export: hops %d out of range 0..%d: %w", s.Hops, MaxHops, graph.ErrInvalid)
	}
	for _, id := range s.IDs {
		if strings.TrimSpace(id) == "" {
			return fmt.Errorf("export: empty entity ID in selection: %w", graph.ErrInvalid)
		}
	}
	return nil
}

// Write exports the selection of the store's graph in the named format to w.
// Unknown formats and bad selections are graph.ErrInvalid; unknown entity IDs
// are graph.ErrNotFound.
func Write(ctx context.Context, st graph.Store, format string, sel Selection, w io.Writer) error {
	f, ok := Lookup(format)
	if !ok {
		return fmt.Errorf("export: unknown format %q (want one of %s): %w", format, strings.Join(Names(), ", "), graph.ErrInvalid)
	}
	if err := sel.Validate(); err != nil {
		return err
	}
	return f.write(ctx, st, sel, w)
}

func snapshotWriter(fn func(g *Graph, w io.Writer) error) func(context.Context, graph.Store, Selection, io.Writer) error {
	return func(ctx context.Context, st graph.Store, sel Selection, w io.Writer) error {
		g, err := Collect(ctx, st, sel)
		if err != nil {
			return err
		}
		return fn(g, w)
	}
}

// Graph is a snapshot of (part of) the graph: entities ordered by ID and
// the relations among them ordered by ID. Every relation's ends are in
// Entities.
type Graph struct {
	Entities  []*graph.Entity
	Relations []*graph.Relation
}

// Collect reads the selected part of the graph from the store.
func Collect(ctx context.Context, st graph.Store, sel Selection) (*Graph, error) {
	if err := sel.Validate(); err != nil {
		return nil, err
	}
	g := &Graph{}
	if sel.Whole() {
		if err := st.ScanEntities(ctx, nil, "", func(e *graph.Entity) bool {
			g.Entities = append(g.Entities, e)
			return true
		}); err != nil {
			return nil, fmt.Errorf("export: scan entities: %w", err)
		}
		if err := st.ScanRelations(ctx, func(r *graph.Relation) bool {
			g.Relations = append(g.Relations, r)
			return true
		}); err != nil {
			return nil, fmt.Errorf("export: scan relations: %w", err)
		}
		g.normalize()
		return g, nil
	}

	seeds := dedupe(sel.IDs)
	ents, err := st.Entities(ctx, seeds)
	if err != nil {
		return nil, fmt.Errorf("export: read entities: %w", err)
	}
	for i, e := range ents {
		if e == nil {
			return nil, fmt.Errorf("export: entity %q: %w", seeds[i], graph.ErrNotFound)
		}
	}
	seen := make(map[string]bool, len(seeds))
	for _, id := range seeds {
		seen[id] = true
	}
	frontier := seeds
	for hop := 0; hop < sel.Hops && len(frontier) > 0; hop++ {
		nb, err := st.Neighbors(ctx, frontier, graph.RelationFilter{})
		if err != nil {
			return nil, fmt.Errorf("export: neighbours (hop %d): %w", hop+1, err)
		}
		var next []string
		for _, id := range frontier {
			for _, n := range nb[id] {
				if !seen[n] {
					seen[n] = true
					next = append(next, n)
				}
			}
		}
		sort.Strings(next)
		if len(next) > 0 {
			more, err := st.Entities(ctx, next)
			if err != nil {
				return nil, fmt.Errorf("export: read entities: %w", err)
			}
			ents = append(ents, more...)
		}
		frontier = next
	}
	for _, e := range ents {
		if e != nil {
			g.Entities = append(g.Entities, e)
		}
	}
	ids := make([]string, len(g.Entities))
	for i, e := range g.Entities {
		ids[i] = e.ID
	}
	rels, err := st.RelationsOf(ctx, ids, graph.RelationFilter{})
	if err != nil {
		return nil, fmt.Errorf("export: read relations: %w", err)
	}
	byID := map[string]*graph.Relation{}
	for _, rs := range rels {
		for _, r := range rs {
			byID[r.ID] = r
		}
	}
	for _, r := range byID {
		g.Relations = append(g.Relations, r)
	}
	g.normalize()
	return g, nil
}

// normalize sorts, drops duplicate entities and relations whose ends are not
// both in the snapshot, and leaves inferred relations out (they are derived,
// not stated).
func (g *Graph) normalize() {
	sort.Slice(g.Entities, func(i, j int) bool { return g.Entities[i].ID < g.Entities[j].ID })
	g.Entities = slices.CompactFunc(g.Entities, func(a, b *graph.Entity) bool { return a.ID == b.ID })
	have := make(map[string]bool, len(g.Entities))
	for _, e := range g.Entities {
		have[e.ID] = true
	}
	rels := g.Relations[:0]
	for _, r := range g.Relations {
		if r != nil && !r.Inferred && have[r.Subject] && have[r.Object] {
			rels = append(rels, r)
		}
	}
	sort.Slice(rels, func(i, j int) bool { return rels[i].ID < rels[j].ID })
	g.Relations = slices.CompactFunc(rels, func(a, b *graph.Relation) bool { return a.ID == b.ID })
}

func dedupe(ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// predicateInfo returns the vocabulary entry of a predicate, or a stand-in
// for predicates unknown to this build (never an error: exports must not
// fail on data written by a newer vocabulary).
func predicateInfo(id string) graph.Predicate {
	if p, ok := graph.LookupPredicate(id); ok {
		return *p
	}
	return graph.Predicate{ID: id, Label: id, LabelEn: id}
}

// displayName returns the Chinese name, falling back to English, then ID.
func displayName(e *graph.Entity) string {
	switch {
	case e.Name != "":
		return e.Name
	case e.NameEn != "":
		return e.NameEn
	}
	return e.ID
}

// formatAttr renders an attribute as "key=value unit".
func formatAttr(a graph.Attribute) string {
	s := a.Key + "=" + a.Value
	if a.Unit != "" {
		s += " " + a.Unit
	}
	return s
}

func joinAttrs(as []graph.Attribute) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = formatAttr(a)
	}
	return strings.Join(parts, "; ")
}

func joinQuotes(ev []graph.Evidence) string {
	parts := make([]string, 0, len(ev))
	for _, e := range ev {
		if e.Quote != "" {
			parts = append(parts, e.Quote)
		} else if e.URL != "" {
			parts = append(parts, e.URL)
		}
	}
	return strings.Join(parts, " | ")
}

// joinSpans renders evidence locations as "doc#start-end" separated by "; ".
func joinSpans(ev []graph.Evidence, doc string) string {
	parts := make([]string, 0, len(ev))
	for _, e := range ev {
		d := e.Document
		if d == "" {
			d = doc
		}
		if e.URL != "" && e.Quote == "" {
			parts = append(parts, e.URL)
			continue
		}
		parts = append(parts, fmt.Sprintf("%s#%d-%d", d, e.Start, e.End))
	}
	return strings.Join(parts, "; ")
}

// kindColors are the node colours by kind (shared with the explorer legend).
var kindColors = map[graph.Kind]string{
	graph.KindInstitution: "#1f77b4",
	graph.KindLab:         "#2ca02c",
	graph.KindAlliance:    "#d62728",
	graph.KindPolicy:      "#9467bd",
	graph.KindEvent:       "#ff7f0e",
	graph.KindCompany:     "#8c564b",
	graph.KindPerson:      "#e377c2",
	graph.KindPlace:       "#7f7f7f",
	graph.KindAward:       "#bcbd22",
	graph.KindFund:        "#17becf",
	graph.KindProject:     "#aec7e8",
	graph.KindProgram:     "#ffbb78",
	graph.KindIndicator:   "#98df8a",
	graph.KindDocument:    "#c5b0d5",
}

func kindColor(k graph.Kind) string {
	if c, ok := kindColors[k]; ok {
		return c
	}
	return "#999999"
}

// errWriter remembers the first write error so writers can check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

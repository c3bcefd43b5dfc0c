package export

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/minhang-kg/kg/graph"
)

// Namespaces of the XML formats.
const (
	GraphMLNamespace = "http://graphml.graphdrawing.org/xmlns"
	GEXFNamespace    = "http://gexf.net/1.3"
	GEXFVizNamespace = "http://gexf.net/1.3/viz"
	GEXFVersion      = "1.3"
)

// attrDef declares one node or edge attribute of the XML formats.
type attrDef struct {
	id    string
	title string
	value func(any) string
}

var nodeAttrs = []attrDef{
	{"kind", "kind", func(x any) string { return string(x.(*graph.Entity).Kind) }},
	{"name", "name", func(x any) string { return x.(*graph.Entity).Name }},
	{"nameEn", "nameEn", func(x any) string { return x.(*graph.Entity).NameEn }},
	{"aliases", "aliases", func(x any) string { return strings.Join(x.(*graph.Entity).Aliases, " | ") }},
	{"description", "description", func(x any) string { return x.(*graph.Entity).Description }},
	{"descriptionEn", "descriptionEn", func(x any) string { return x.(*graph.Entity).DescriptionEn }},
	{"attributes", "attributes", func(x any) string { return joinAttrs(x.(*graph.Entity).Attributes) }},
	{"evidence", "evidence", func(x any) string { return joinQuotes(x.(*graph.Entity).Evidence) }},
	{"documents", "documents", func(x any) string { return strings.Join(x.(*graph.Entity).Documents, " ") }},
}

var edgeAttrs = []attrDef{
	{"predicate", "predicate", func(x any) string { return x.(*graph.Relation).Predicate }},
	{"label", "label", func(x any) string { return predicateInfo(x.(*graph.Relation).Predicate).Label }},
	{"labelEn", "labelEn", func(x any) string { return predicateInfo(x.(*graph.Relation).Predicate).LabelEn }},
	{"evidence", "evidence", func(x any) string { return joinQuotes(x.(*graph.Relation).Evidence) }},
	{"evidenceSpans", "evidenceSpans", func(x any) string {
		r := x.(*graph.Relation)
		return joinSpans(r.Evidence, r.Document)
	}},
	{"document", "document", func(x any) string { return x.(*graph.Relation).Document }},
}

// ---- GraphML ----

type graphMLDoc struct {
	XMLName xml.Name     `xml:"graphml"`
	Xmlns   string       `xml:"xmlns,attr"`
	Keys    []graphMLKey `xml:"key"`
	Graph   graphMLGraph `xml:"graph"`
}

type graphMLKey struct {
	ID   string `xml:"id,attr"`
	For  string `xml:"for,attr"`
	Name string `xml:"attr.name,attr"`
	Type string `xml:"attr.type,attr"`
}

type graphMLGraph struct {
	ID          string        `xml:"id,attr"`
	EdgeDefault string        `xml:"edgedefault,attr"`
	Nodes       []graphMLNode `xml:"node"`
	Edges       []graphMLEdge `xml:"edge"`
}

type graphMLData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

type graphMLNode struct {
	ID   string        `xml:"id,attr"`
	Data []graphMLData `xml:"data"`
}

type graphMLEdge struct {
	ID       string        `xml:"id,attr"`
	Source   string        `xml:"source,attr"`
	Target   string        `xml:"target,attr"`
	Directed string        `xml:"directed,attr,omitempty"`
	Data     []graphMLData `xml:"data"`
}

func graphMLValues(prefix string, defs []attrDef, x any) []graphMLData {
	var out []graphMLData
	for _, d := range defs {
		if v := d.value(x); v != "" {
			out = append(out, graphMLData{Key: prefix + d.id, Value: v})
		}
	}
	return out
}

func writeGraphML(g *Graph, w io.Writer) error {
	doc := graphMLDoc{Xmlns: GraphMLNamespace}
	for _, d := range nodeAttrs {
		doc.Keys = append(doc.Keys, graphMLKey{ID: "n_" + d.id, For: "node", Name: d.title, Type: "string"})
	}
	doc.Keys = append(doc.Keys, graphMLKey{ID: "n_color", For: "node", Name: "color", Type: "string"})
	for _, d := range edgeAttrs {
		doc.Keys = append(doc.Keys, graphMLKey{ID: "e_" + d.id, For: "edge", Name: d.title, Type: "string"})
	}
	doc.Graph = graphMLGraph{ID: "minhang-kg", EdgeDefault: "directed"}
	for _, e := range g.Entities {
		n := graphMLNode{ID: e.ID, Data: graphMLValues("n_", nodeAttrs, e)}
		n.Data = append(n.Data, graphMLData{Key: "n_color", Value: kindColor(e.Kind)})
		doc.Graph.Nodes = append(doc.Graph.Nodes, n)
	}
	for _, r := range g.Relations {
		ed := graphMLEdge{ID: r.ID, Source: r.Subject, Target: r.Object, Data: graphMLValues("e_", edgeAttrs, r)}
		if predicateInfo(r.Predicate).Symmetric {
			ed.Directed = "false"
		}
		doc.Graph.Edges = append(doc.Graph.Edges, ed)
	}
	return writeXML(w, "graphml", doc)
}

// ---- GEXF 1.3 ----

type gexfDoc struct {
	XMLName xml.Name  `xml:"gexf"`
	Xmlns   string    `xml:"xmlns,attr"`
	Viz     string    `xml:"xmlns:viz,attr"`
	Version string    `xml:"version,attr"`
	Meta    gexfMeta  `xml:"meta"`
	Graph   gexfGraph `xml:"graph"`
}

type gexfMeta struct {
	Creator     string `xml:"creator"`
	Description string `xml:"description"`
}

type gexfGraph struct {
	DefaultEdgeType string           `xml:"defaultedgetype,attr"`
	Mode            string           `xml:"mode,attr"`
	Attributes      []gexfAttributes `xml:"attributes"`
	Nodes           []gexfNode       `xml:"nodes>node"`
	Edges           []gexfEdge       `xml:"edges>edge"`
}

type gexfAttributes struct {
	Class     string          `xml:"class,attr"`
	Attribute []gexfAttribute `xml:"attribute"`
}

type gexfAttribute struct {
	ID    string `xml:"id,attr"`
	Title string `xml:"title,attr"`
	Type  string `xml:"type,attr"`
}

type gexfAttValue struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
}

type gexfColor struct {
	XMLName xml.Name `xml:"viz:color"`
	R       int      `xml:"r,attr"`
	G       int      `xml:"g,attr"`
	B       int      `xml:"b,attr"`
}

type gexfNode struct {
	ID        string         `xml:"id,attr"`
	Label     string         `xml:"label,attr"`
	AttValues []gexfAttValue `xml:"attvalues>attvalue"`
	Color     *gexfColor
}

type gexfEdge struct {
	ID        string         `xml:"id,attr"`
	Source    string         `xml:"source,attr"`
	Target    string         `xml:"target,attr"`
	Type      string         `xml:"type,attr,omitempty"`
	Label     string         `xml:"label,attr"`
	AttValues []gexfAttValue `xml:"attvalues>attvalue"`
}

func gexfValues(defs []attrDef, x any) []gexfAttValue {
	var out []gexfAttValue
	for _, d := range defs {
		if v := d.value(x); v != "" {
			out = append(out, gexfAttValue{For: d.id, Value: v})
		}
	}
	return out
}

func gexfDecls(class string, defs []attrDef) gexfAttributes {
	a := gexfAttributes{Class: class}
	for _, d := range defs {
		a.Attribute = append(a.Attribute, gexfAttribute{ID: d.id, Title: d.title, Type: "string"})
	}
	return a
}

func parseHexColor(s string) *gexfColor {
	if len(s) != 7 || s[0] != '#' {
		return nil
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return nil
	}
	return &gexfColor{R: int(v >> 16 & 0xff), G: int(v >> 8 & 0xff), B: int(v & 0xff)}
}

func writeGEXF(g *Graph, w io.Writer) error {
	doc := gexfDoc{
		Xmlns:   GEXFNamespace,
		Viz:     GEXFVizNamespace,
		Version: GEXFVersion,
		Meta: gexfMeta{
			Creator:     "Minhang KG",
			Description: "闵行区科技创新知识图谱 Minhang S&T knowledge graph: entities and cited relations",
		},
		Graph: gexfGraph{
			DefaultEdgeType: "directed",
			Mode:            "static",
			Attributes:      []gexfAttributes{gexfDecls("node", nodeAttrs), gexfDecls("edge", edgeAttrs)},
		},
	}
	for _, e := range g.Entities {
		doc.Graph.Nodes = append(doc.Graph.Nodes, gexfNode{
			ID: e.ID, Label: displayName(e), AttValues: gexfValues(nodeAttrs, e), Color: parseHexColor(kindColor(e.Kind)),
		})
	}
	for _, r := range g.Relations {
		p := predicateInfo(r.Predicate)
		ed := gexfEdge{ID: r.ID, Source: r.Subject, Target: r.Object, Label: p.Label, AttValues: gexfValues(edgeAttrs, r)}
		if p.Symmetric {
			ed.Type = "undirected"
		}
		doc.Graph.Edges = append(doc.Graph.Edges, ed)
	}
	return writeXML(w, "gexf", doc)
}

func writeXML(w io.Writer, what string, doc any) error {
	ew := &errWriter{w: w}
	ew.printf("%s", xml.Header)
	enc := xml.NewEncoder(ew)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("export %s: %w", what, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("export %s: %w", what, err)
	}
	ew.printf("\n")
	if ew.err != nil {
		return fmt.Errorf("export %s: %w", what, ew.err)
	}
	return nil
}

package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/graph/formats/dot"
	"gonum.org/v1/gonum/graph/formats/dot/ast"

	"github.com/minhang-kg/kg/graph"
)

// parsed is what a real parser found in an export.
type parsed struct {
	nodes map[string]string // node ID -> Chinese name/label as read back
	edges map[string]string // edge ID (or source|target|predicate) -> evidence as read back
}

// parsers reads each format back with a real parser for that format.
var parsers = map[string]func(t *testing.T, data []byte) parsed{
	"gexf":      parseGEXF,
	"graphml":   parseGraphML,
	"jsonld":    parseJSONLD,
	"dot":       parseDOT,
	"csv":       parseCSVZip,
	"csv-nodes": func(t *testing.T, b []byte) parsed { return parsed{nodes: parseNodesCSV(t, b)} },
	"csv-edges": func(t *testing.T, b []byte) parsed { return parsed{edges: parseEdgesCSV(t, b)} },
	"nquads":    parseNQuadsExport,
}

func TestEveryFormatHasAParser(t *testing.T) {
	for _, f := range Formats {
		if parsers[f.Name] == nil {
			t.Errorf("format %s has no round-trip test parser", f.Name)
		}
		if f.MediaType == "" || f.Ext == "" || f.Description == "" || f.write == nil {
			t.Errorf("format %s is incompletely described: %+v", f.Name, f)
		}
	}
}

func TestFormatsRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := newTestStore(t)
	sels := []struct {
		name        string
		sel         Selection
		wantNodes   []string
		wantEdgeCnt int
	}{
		{"whole", Selection{}, []string{"ind/rd", "org/ecnu", "org/mh-stc", "org/sjtu", "person/lonely", "place/dalinghaowan", "policy/33"}, 5},
		{"sjtu-0", Selection{IDs: []string{"org/sjtu"}}, []string{"org/sjtu"}, 0},
		{"sjtu-1", Selection{IDs: []string{"org/sjtu"}, Hops: 1}, []string{"org/mh-stc", "org/sjtu", "place/dalinghaowan"}, 2},
		{"sjtu-2", Selection{IDs: []string{"org/sjtu"}, Hops: 2}, []string{"ind/rd", "org/ecnu", "org/mh-stc", "org/sjtu", "place/dalinghaowan", "policy/33"}, 5},
		{"two-seeds", Selection{IDs: []string{"person/lonely", "org/ecnu", "org/ecnu"}, Hops: 1}, []string{"org/ecnu", "person/lonely", "place/dalinghaowan"}, 1},
	}
	for _, f := range Formats {
		for _, s := range sels {
			t.Run(f.Name+"/"+s.name, func(t *testing.T) {
				g, err := Collect(ctx, st, s.sel)
				if err != nil {
					t.Fatal(err)
				}
				if got := entityIDs(g); strings.Join(got, " ") != strings.Join(s.wantNodes, " ") || len(g.Relations) != s.wantEdgeCnt {
					t.Fatalf("Collect = %v with %d relations, want %v with %d", got, len(g.Relations), s.wantNodes, s.wantEdgeCnt)
				}
				var buf bytes.Buffer
				if err := Write(ctx, st, f.Name, s.sel, &buf); err != nil {
					t.Fatal(err)
				}
				var again bytes.Buffer
				if err := Write(ctx, st, f.Name, s.sel, &again); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(buf.Bytes(), again.Bytes()) {
					t.Errorf("output is not deterministic")
				}
				p := parsers[f.Name](t, buf.Bytes())
				if f.Name != "csv-edges" {
					checkNodes(t, p.nodes, g)
				}
				if f.Name != "csv-nodes" {
					checkEdges(t, f.Name, p.edges, g)
				}
			})
		}
	}
}

func entityIDs(g *Graph) []string {
	var ids []string
	for _, e := range g.Entities {
		ids = append(ids, e.ID)
	}
	return ids
}

func checkNodes(t *testing.T, got map[string]string, g *Graph) {
	t.Helper()
	if len(got) != len(g.Entities) {
		t.Errorf("parsed %d nodes, graph has %d: %v", len(got), len(g.Entities), keys(got))
	}
	for _, e := range g.Entities {
		name, ok := got[e.ID]
		if !ok {
			t.Errorf("node %s missing", e.ID)
		} else if name != e.Name {
			t.Errorf("node %s name read back as %q, want %q", e.ID, name, e.Name)
		}
	}
}

func checkEdges(t *testing.T, format string, got map[string]string, g *Graph) {
	t.Helper()
	if len(got) != len(g.Relations) {
		t.Errorf("parsed %d edges, graph has %d: %v", len(got), len(g.Relations), keys(got))
	}
	for _, r := range g.Relations {
		ev, ok := got[r.ID]
		if !ok {
			t.Errorf("edge %s (%s %s %s) missing", r.ID, r.Subject, r.Predicate, r.Object)
			continue
		}
		if format == "nquads" {
			ev = strings.TrimSpace(ev) // nquads gives the evidence JSON quote
		}
		if ev != r.Evidence[0].Quote {
			t.Errorf("edge %s evidence read back as %q, want %q", r.ID, ev, r.Evidence[0].Quote)
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ---- GEXF ----

type tGEXF struct {
	XMLName xml.Name `xml:"gexf"`
	Version string   `xml:"version,attr"`
	Graph   struct {
		DefaultEdgeType string `xml:"defaultedgetype,attr"`
		Attributes      []struct {
			Class string `xml:"class,attr"`
			Attr  []struct {
				ID    string `xml:"id,attr"`
				Title string `xml:"title,attr"`
				Type  string `xml:"type,attr"`
			} `xml:"attribute"`
		} `xml:"attributes"`
		Nodes []struct {
			ID     string  `xml:"id,attr"`
			Label  string  `xml:"label,attr"`
			Values []tAttV `xml:"attvalues>attvalue"`
			Color  *tColor `xml:"http://gexf.net/1.3/viz color"`
		} `xml:"nodes>node"`
		Edges []struct {
			ID     string  `xml:"id,attr"`
			Source string  `xml:"source,attr"`
			Target string  `xml:"target,attr"`
			Type   string  `xml:"type,attr"`
			Label  string  `xml:"label,attr"`
			Values []tAttV `xml:"attvalues>attvalue"`
		} `xml:"edges>edge"`
	} `xml:"graph"`
}

type tAttV struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
}

type tColor struct {
	R int `xml:"r,attr"`
}

func attv(vs []tAttV, key string) string {
	for _, v := range vs {
		if v.For == key {
			return v.Value
		}
	}
	return ""
}

func parseGEXF(t *testing.T, data []byte) parsed {
	t.Helper()
	var d tGEXF
	if err := xml.Unmarshal(data, &d); err != nil {
		t.Fatalf("GEXF does not parse: %v", err)
	}
	if d.XMLName.Space != "http://gexf.net/1.3" || d.Version != "1.3" {
		t.Errorf("GEXF namespace %q version %q, want http://gexf.net/1.3 and 1.3", d.XMLName.Space, d.Version)
	}
	declared := map[string]map[string]bool{}
	for _, a := range d.Graph.Attributes {
		declared[a.Class] = map[string]bool{}
		for _, x := range a.Attr {
			declared[a.Class][x.ID] = true
		}
	}
	p := parsed{nodes: map[string]string{}, edges: map[string]string{}}
	for _, n := range d.Graph.Nodes {
		for _, v := range n.Values {
			if !declared["node"][v.For] {
				t.Errorf("node %s: attvalue for undeclared attribute %q", n.ID, v.For)
			}
		}
		if attv(n.Values, "kind") == "" || n.Color == nil {
			t.Errorf("node %s: no kind attribute or colour", n.ID)
		}
		p.nodes[n.ID] = attv(n.Values, "name")
	}
	for _, e := range d.Graph.Edges {
		if _, ok := p.nodes[e.Source]; !ok {
			t.Errorf("edge %s: unknown source %s", e.ID, e.Source)
		}
		if _, ok := p.nodes[e.Target]; !ok {
			t.Errorf("edge %s: unknown target %s", e.ID, e.Target)
		}
		if attv(e.Values, "predicate") == "" || e.Label == "" {
			t.Errorf("edge %s: no predicate or label", e.ID)
		}
		p.edges[e.ID] = attv(e.Values, "evidence")
	}
	return p
}

// ---- GraphML ----

type tGraphML struct {
	XMLName xml.Name `xml:"graphml"`
	Keys    []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
	} `xml:"key"`
	Graph struct {
		EdgeDefault string `xml:"edgedefault,attr"`
		Nodes       []struct {
			ID   string  `xml:"id,attr"`
			Data []tData `xml:"data"`
		} `xml:"node"`
		Edges []struct {
			ID     string  `xml:"id,attr"`
			Source string  `xml:"source,attr"`
			Target string  `xml:"target,attr"`
			Data   []tData `xml:"data"`
		} `xml:"edge"`
	} `xml:"graph"`
}

type tData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

func parseGraphML(t *testing.T, data []byte) parsed {
	t.Helper()
	var d tGraphML
	if err := xml.Unmarshal(data, &d); err != nil {
		t.Fatalf("GraphML does not parse: %v", err)
	}
	if d.XMLName.Space != "http://graphml.graphdrawing.org/xmlns" {
		t.Errorf("GraphML namespace %q", d.XMLName.Space)
	}
	keys := map[string]string{} // id -> attr.name
	for _, k := range d.Keys {
		keys[k.ID] = k.For + ":" + k.Name
	}
	get := func(ds []tData, name string) string {
		for _, x := range ds {
			if keys[x.Key] == name {
				return x.Value
			}
		}
		return ""
	}
	p := parsed{nodes: map[string]string{}, edges: map[string]string{}}
	for _, n := range d.Graph.Nodes {
		for _, x := range n.Data {
			if !strings.HasPrefix(keys[x.Key], "node:") {
				t.Errorf("node %s: data for undeclared or non-node key %q", n.ID, x.Key)
			}
		}
		p.nodes[n.ID] = get(n.Data, "node:name")
	}
	for _, e := range d.Graph.Edges {
		if _, ok := p.nodes[e.Source]; !ok {
			t.Errorf("edge %s: unknown source", e.ID)
		}
		if _, ok := p.nodes[e.Target]; !ok {
			t.Errorf("edge %s: unknown target", e.ID)
		}
		p.edges[e.ID] = get(e.Data, "edge:evidence")
	}
	return p
}

// ---- JSON-LD ----

func parseJSONLD(t *testing.T, data []byte) parsed {
	t.Helper()
	var d struct {
		Context json.RawMessage  `json:"@context"`
		Graph   []map[string]any `json:"@graph"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("JSON-LD does not parse: %v", err)
	}
	var ctx map[string]any
	if err := json.Unmarshal(d.Context, &ctx); err != nil {
		t.Fatalf("@context is not an inline object (remote contexts are not allowed): %s", d.Context)
	}
	if _, ok := ctx["@base"]; !ok {
		t.Errorf("@context has no @base")
	}
	p := parsed{nodes: map[string]string{}, edges: map[string]string{}}
	links := 0
	for _, n := range d.Graph {
		id, _ := n["@id"].(string)
		typ, _ := n["@type"].(string)
		switch {
		case strings.HasPrefix(typ, "kind:"):
			name, _ := n["name"].(map[string]any)
			zh, _ := name["zh"].(string)
			p.nodes[id] = zh
			for k, v := range n {
				if strings.HasPrefix(k, "rel:") {
					links += len(v.([]any))
				}
			}
		case typ == "rdf:Statement":
			ev, _ := n["evidence"].([]any)
			q := ""
			if len(ev) > 0 {
				q, _ = ev[0].(map[string]any)["quote"].(string)
			}
			p.edges[id] = q
		default:
			t.Errorf("node %s has unexpected @type %q", id, typ)
		}
	}
	if links != len(p.edges) {
		t.Errorf("%d direct links, %d statements", links, len(p.edges))
	}
	for _, n := range d.Graph {
		if n["@type"] == "rdf:Statement" {
			for _, end := range []string{"subject", "object"} {
				if _, ok := p.nodes[n[end].(string)]; !ok {
					t.Errorf("statement %v: %s %v is not a node", n["@id"], end, n[end])
				}
			}
		}
	}
	return p
}

// ---- DOT ----

func unquoteDOT(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
		s = strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\n`, "\n").Replace(s)
	}
	return s
}

func parseDOT(t *testing.T, data []byte) parsed {
	t.Helper()
	f, err := dot.ParseBytes(data)
	if err != nil {
		t.Fatalf("DOT does not parse: %v\n%s", err, data)
	}
	if len(f.Graphs) != 1 || !f.Graphs[0].Directed {
		t.Fatalf("want one digraph, got %d graphs", len(f.Graphs))
	}
	p := parsed{nodes: map[string]string{}, edges: map[string]string{}}
	attr := func(as []*ast.Attr, key string) string {
		for _, a := range as {
			if a.Key == key {
				return unquoteDOT(a.Val)
			}
		}
		return ""
	}
	for _, s := range f.Graphs[0].Stmts {
		switch s := s.(type) {
		case *ast.NodeStmt:
			id := unquoteDOT(s.Node.ID)
			if !strings.HasPrefix(attr(s.Attrs, "label"), attr(s.Attrs, "name")) {
				t.Errorf("node %s: label %q does not start with the name", id, attr(s.Attrs, "label"))
			}
			p.nodes[id] = attr(s.Attrs, "name")
		case *ast.EdgeStmt:
			from, ok := s.From.(*ast.Node)
			if !ok || s.To == nil || s.To.To != nil {
				t.Errorf("edge statement is not a simple a -> b: %v", s)
				continue
			}
			to, _ := s.To.Vertex.(*ast.Node)
			for _, end := range []string{unquoteDOT(from.ID), unquoteDOT(to.ID)} {
				if _, ok := p.nodes[end]; !ok {
					t.Errorf("edge end %s was not declared as a node before", end)
				}
			}
			p.edges[attr(s.Attrs, "id")] = attr(s.Attrs, "evidence")
		}
	}
	return p
}

// TestDOTGraphviz renders the DOT export with Graphviz itself when it is
// installed (Debian package graphviz); the gonum parse above always runs.
func TestDOTGraphviz(t *testing.T) {
	bin, err := exec.LookPath("dot")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("graphviz dot not installed: scripts/test.sh installs it (Debian package graphviz)")
		}
		t.Skip("graphviz dot not installed; the DOT output is still checked by the gonum parser")
	}
	st := newTestStore(t)
	var buf bytes.Buffer
	if err := Write(context.Background(), st, "dot", Selection{}, &buf); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-Tjson")
	cmd.Stdin = &buf
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("dot -Tjson: %v: %s", err, stderr.String())
	}
	var r struct {
		Objects []struct {
			Name  string `json:"name"`
			Label string `json:"label"`
		} `json:"objects"`
		Edges []struct {
			Predicate string `json:"predicate"`
		} `json:"edges"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Objects) != len(st.ents) || len(r.Edges) != len(st.rels) {
		t.Errorf("graphviz read %d nodes and %d edges, want %d and %d", len(r.Objects), len(r.Edges), len(st.ents), len(st.rels))
	}
	for _, o := range r.Objects {
		if o.Name == "org/sjtu" && o.Label != "上海交通大学\\nShanghai Jiao Tong University" {
			t.Errorf("graphviz label of org/sjtu = %q", o.Label)
		}
	}
}

// ---- CSV ----

func readCSV(t *testing.T, r io.Reader, header []string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != strings.Join(header, ",") {
		t.Fatalf("CSV header %v, want %v", rows[0], header)
	}
	return rows[1:]
}

func parseNodesCSV(t *testing.T, b []byte) map[string]string {
	out := map[string]string{}
	for _, r := range readCSV(t, bytes.NewReader(b), nodeHeader) {
		out[r[0]] = r[1]
	}
	return out
}

func parseEdgesCSV(t *testing.T, b []byte) map[string]string {
	out := map[string]string{}
	for _, r := range readCSV(t, bytes.NewReader(b), edgeHeader) {
		out[r[0]] = r[7]
	}
	return out
}

func parseCSVZip(t *testing.T, data []byte) parsed {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("zip: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
	}
	if len(files) != 2 || files["nodes.csv"] == nil || files["edges.csv"] == nil {
		t.Fatalf("zip holds %d files, want nodes.csv and edges.csv", len(files))
	}
	return parsed{nodes: parseNodesCSV(t, files["nodes.csv"]), edges: parseEdgesCSV(t, files["edges.csv"])}
}

// ---- N-Quads ----

const (
	rdfType  = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
	rdfsLbl  = "<http://www.w3.org/2000/01/rdf-schema#label>"
	evidPred = "<" + nsSchema + "evidence>"
)

func parseNQuadsExport(t *testing.T, data []byte) parsed {
	t.Helper()
	p := parsed{nodes: map[string]string{}, edges: map[string]string{}}
	typed := map[string]bool{}
	for i, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		q, ok, err := ParseNQuad(line)
		if err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, line)
		}
		if !ok || !strings.HasPrefix(q.Subject, "<"+nsID) {
			continue
		}
		id := strings.TrimSuffix(strings.TrimPrefix(q.Subject, "<"+nsID), ">")
		switch {
		case q.Predicate == rdfType:
			typed[id] = true
		case q.Predicate == rdfsLbl && strings.HasSuffix(q.Object, "@zh"):
			var s string
			if err := json.Unmarshal([]byte(strings.TrimSuffix(q.Object, "@zh")), &s); err != nil {
				t.Fatalf("line %d: literal %s: %v", i+1, q.Object, err)
			}
			p.nodes[id] = s
		case q.Predicate == evidPred && strings.HasPrefix(id, "rel/"):
			var lit string
			raw := q.Object[:strings.LastIndex(q.Object, "^^")]
			if err := json.Unmarshal([]byte(raw), &lit); err != nil {
				t.Fatalf("line %d: %v", i+1, err)
			}
			var ev graph.Evidence
			if err := json.Unmarshal([]byte(lit), &ev); err != nil {
				t.Fatalf("line %d: evidence JSON: %v", i+1, err)
			}
			p.edges[id] = ev.Quote
		case strings.HasPrefix(q.Predicate, "<"+graph.NSRel):
			rid := strings.TrimSuffix(strings.TrimPrefix(q.Label, "<"+nsID), ">")
			if _, ok := p.edges[rid]; !ok {
				p.edges[rid] = ""
			}
		}
	}
	for id := range p.nodes {
		if !typed[id] {
			t.Errorf("entity %s has a label but no rdf:type quad", id)
		}
	}
	return p
}

func TestParseNQuad(t *testing.T) {
	tests := []struct {
		line    string
		want    Quad
		ok      bool
		wantErr string
	}{
		{`<http://a/s> <http://a/p> <http://a/o> .`, Quad{"<http://a/s>", "<http://a/p>", "<http://a/o>", ""}, true, ""},
		{`<http://a/s> <http://a/p> "x \"y\" \u00e9"@zh-Hans <http://a/g> .`, Quad{"<http://a/s>", "<http://a/p>", `"x \"y\" \u00e9"@zh-Hans`, "<http://a/g>"}, true, ""},
		{`_:b1 <http://a/p> "3"^^<http://www.w3.org/2001/XMLSchema#integer> _:g.`, Quad{"_:b1", "<http://a/p>", `"3"^^<http://www.w3.org/2001/XMLSchema#integer>`, "_:g"}, true, ""},
		{`<http://a/s> <http://a/p> "上海交大" . # comment`, Quad{"<http://a/s>", "<http://a/p>", `"上海交大"`, ""}, true, ""},
		{``, Quad{}, false, ""},
		{`# only a comment`, Quad{}, false, ""},
		{`<http://a/s> <http://a/p> <http://a/o>`, Quad{}, false, "missing final"},
		{`<s> <http://a/p> <http://a/o> .`, Quad{}, false, "relative IRI"},
		{`"lit" <http://a/p> <http://a/o> .`, Quad{}, false, "unexpected"},
		{`<http://a/s> _:p <http://a/o> .`, Quad{}, false, "predicate"},
		{`<http://a/s> <http://a/p> "open .`, Quad{}, false, "unterminated literal"},
		{`<http://a/s> <http://a/p> "x"^^"y" .`, Quad{}, false, "datatype"},
		{`<http://a/s> <http://a/p> <http://a/o> "g" .`, Quad{}, false, "graph label"},
		{`<http://a/s> <http://a/p> <http://a/o> . extra`, Quad{}, false, "after '.'"},
		{`<http://a/s x> <http://a/p> <http://a/o> .`, Quad{}, false, "not allowed in IRI"},
		{`<http://a/s> <http://a/p> "bad \q escape" .`, Quad{}, false, "bad escape"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			q, ok, err := ParseNQuad(tt.line)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || ok != tt.ok || q != tt.want {
				t.Fatalf("got %+v %v %v, want %+v %v", q, ok, err, tt.want, tt.ok)
			}
		})
	}
}

func TestNQuadsWholeIsStoreDump(t *testing.T) {
	st := newTestStore(t)
	var want, got bytes.Buffer
	if err := st.ExportNQuads(context.Background(), &want); err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), st, "nquads", Selection{}, &got); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("whole-graph nquads differs from the store's dump")
	}
	if strings.Contains(writeNQ(t, st, Selection{IDs: []string{"org/sjtu"}, Hops: 1}), "graph/meta") {
		t.Errorf("a selection must not include store-internal quads")
	}
}

func writeNQ(t *testing.T, st graph.Store, sel Selection) string {
	var b bytes.Buffer
	if err := Write(context.Background(), st, "nquads", sel, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWriteErrors(t *testing.T) {
	st := newTestStore(t)
	tests := []struct {
		format string
		sel    Selection
		want   error
	}{
		{"pdf", Selection{}, graph.ErrInvalid},
		{"gexf", Selection{IDs: []string{"org/none"}, Hops: 1}, graph.ErrNotFound},
		{"gexf", Selection{IDs: []string{"org/sjtu"}, Hops: -1}, graph.ErrInvalid},
		{"gexf", Selection{IDs: []string{"org/sjtu"}, Hops: MaxHops + 1}, graph.ErrInvalid},
		{"dot", Selection{IDs: []string{" "}}, graph.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%v", tt.format, tt.sel), func(t *testing.T) {
			err := Write(context.Background(), st, tt.format, tt.sel, io.Discard)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestWriteFailingWriter(t *testing.T) {
	st := newTestStore(t)
	for _, f := range Formats {
		err := Write(context.Background(), st, f.Name, Selection{}, failWriter{})
		if err == nil {
			t.Errorf("%s: write error was swallowed", f.Name)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

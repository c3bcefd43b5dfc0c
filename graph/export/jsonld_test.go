package export

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/piprate/json-gold/ld"

	"github.com/minhang-kg/kg/graph"
)

// offlineLoader refuses every remote document: the export's @context must
// be complete in itself.
type offlineLoader struct{}

func (offlineLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	return nil, fmt.Errorf("remote document %s requested: the JSON-LD export must not need the network", u)
}

// TestJSONLDToRDF runs the JSON-LD export through a real JSON-LD processor
// (json-gold, offline) and checks the RDF it denotes: one typed node per
// entity with its Chinese and English names, one direct triple and one
// rdf:Statement per relation, all under the store's IRIs.
func TestJSONLDToRDF(t *testing.T) {
	st := newTestStore(t)
	var buf bytes.Buffer
	if err := Write(context.Background(), st, "jsonld", Selection{}, &buf); err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	proc := ld.NewJsonLdProcessor()
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = offlineLoader{}
	opts.Format = "application/n-quads"
	out, err := proc.ToRDF(doc, opts)
	if err != nil {
		t.Fatalf("JSON-LD processor: %v", err)
	}
	nq, _ := out.(string)
	counts := map[string]int{}
	names := map[string]bool{}
	for i, line := range strings.Split(strings.TrimSpace(nq), "\n") {
		q, ok, err := ParseNQuad(line)
		if err != nil {
			t.Fatalf("line %d of the processor's N-Quads: %v: %s", i+1, err, line)
		}
		if !ok {
			continue
		}
		switch {
		case q.Predicate == rdfType && strings.HasPrefix(q.Object, "<"+graph.NSKind):
			counts["entity"]++
			if !strings.HasPrefix(q.Subject, "<"+nsID) {
				t.Errorf("entity IRI %s is not under %s", q.Subject, nsID)
			}
		case q.Predicate == rdfType && q.Object == "<http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement>":
			counts["statement"]++
		case strings.HasPrefix(q.Predicate, "<"+graph.NSRel):
			counts["link"]++
		case q.Predicate == rdfsLbl && q.Subject == iri("org/sjtu"):
			names[q.Object] = true
		}
	}
	if counts["entity"] != len(st.ents) || counts["statement"] != len(st.rels) || counts["link"] != len(st.rels) {
		t.Errorf("RDF of the JSON-LD: %v; want %d entities, %d statements and links", counts, len(st.ents), len(st.rels))
	}
	for _, want := range []string{`"上海交通大学"@zh`, `"Shanghai Jiao Tong University"@en`} {
		if !names[want] {
			t.Errorf("org/sjtu has no rdfs:label %s; has %v", want, names)
		}
	}
}

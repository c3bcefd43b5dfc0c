package resolvers_test

import (
	"encoding/json"
	"log/slog"
	"reflect"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/query"
	"github.com/minhang-kg/kg/internal/kgtest"
	"github.com/minhang-kg/kg/resolvers"
)

// TestOptionalFields checks the fields bound to graph methods that read ""
// as null (gqlgen.yml fieldName: …OrNil / TypeOrText), through the executor.
func TestOptionalFields(t *testing.T) {
	st := kgtest.MemoryStore(t, nil)
	const text = "甲与乙合作。"
	facts := graph.DocumentFacts{
		Document: graph.Document{ID: "doc/t", Title: "测试", Text: text},
		Entities: []graph.Entity{
			{ID: "org/full", Kind: graph.KindInstitution, Name: "甲", NameEn: "A", Description: "一", DescriptionEn: "one",
				Attributes: []graph.Attribute{{Key: "count", Value: "8", Unit: "个", Type: graph.AttrInteger}},
				Evidence:   []graph.Evidence{{Document: "doc/t", Quote: "甲", Start: 0, End: 1, Section: "一", URL: "https://example.org", Note: "n"}}},
			{ID: "org/bare", Kind: graph.KindInstitution, Name: "乙",
				Attributes: []graph.Attribute{{Key: "motto", Value: "x"}},
				Evidence:   []graph.Evidence{{Document: "doc/t", Quote: "乙", Start: 2, End: 3}}},
		},
	}
	if _, err := st.ReplaceDocument(t.Context(), facts); err != nil {
		t.Fatalf("load: %v", err)
	}
	srv := handler.New(resolvers.New(st, query.New(st, nil), slog.New(slog.DiscardHandler), resolvers.Options{}).Schema())
	srv.AddTransport(transport.POST{})
	c := client.New(srv)

	const q = `query($id: ID!) {
  entity(id: $id) { nameEn description descriptionEn attributes { unit type } evidence { section url note } }
  documents { titleEn }
}`
	tests := []struct {
		id   string
		want string
	}{
		{"org/full", `{"nameEn":"A","description":"一","descriptionEn":"one","attributes":[{"unit":"个","type":"INTEGER"}],"evidence":[{"section":"一","url":"https://example.org","note":"n"}]}`},
		{"org/bare", `{"nameEn":null,"description":null,"descriptionEn":null,"attributes":[{"unit":null,"type":"TEXT"}],"evidence":[{"section":null,"url":null,"note":null}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			resp, err := c.RawPost(q, client.Var("id", tc.id))
			if err != nil || len(resp.Errors) > 0 {
				t.Fatalf("query: %v %s", err, resp.Errors)
			}
			data := resp.Data.(map[string]any)
			var want any
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(data["entity"], want) {
				t.Errorf("entity = %v\nwant     %v", data["entity"], want)
			}
			if docs := data["documents"].([]any); len(docs) != 1 || docs[0].(map[string]any)["titleEn"] != nil {
				t.Errorf("documents = %v, want one with titleEn null", docs)
			}
		})
	}
}

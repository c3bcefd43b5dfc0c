package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/kgtest"
	"github.com/minhang-kg/kg/server"
)

const testDoc = "doc/test"

// testText is the fixture source document. Quotes cited by the fixture
// occur exactly once.
const testText = `闵行区科学技术委员会2024年工作总结
一、主要工作
（一）大零号湾建设
区科委与上海交大、华东师大等高校共同推进“大零号湾”建设。上海交通大学与华东师范大学签订战略合作协议。大零号湾位于闵行区。
二、科技投入
全社会研发经费投入占GDP比重达到4.5%，同比增长9.06%。
`

// ev cites quote in testText, with rune offsets.
func ev(t testing.TB, quote string) graph.Evidence {
	t.Helper()
	i := strings.Index(testText, quote)
	if i < 0 || strings.Count(testText, quote) != 1 {
		t.Fatalf("fixture quote %q must occur exactly once", quote)
	}
	start := utf8.RuneCountInString(testText[:i])
	return graph.Evidence{Document: testDoc, Quote: quote, Start: start, End: start + utf8.RuneCountInString(quote)}
}

const (
	qCoBuild   = "区科委与上海交大、华东师大等高校共同推进“大零号湾”建设"
	qAgreement = "上海交通大学与华东师范大学签订战略合作协议"
	qLocated   = "大零号湾位于闵行区"
	qRD        = "全社会研发经费投入占GDP比重达到4.5%，同比增长9.06%"
)

func fixtureFacts(t testing.TB) graph.DocumentFacts {
	co := []graph.Evidence{ev(t, qCoBuild)}
	ent := func(id string, kind graph.Kind, name, nameEn string, aliases ...string) graph.Entity {
		return graph.Entity{ID: id, Kind: kind, Name: name, NameEn: nameEn, Aliases: aliases, Evidence: co}
	}
	rel := func(s, p, o, quote string) graph.Relation {
		return graph.Relation{Subject: s, Predicate: p, Object: o, Evidence: []graph.Evidence{ev(t, quote)}}
	}
	ind := graph.Entity{
		ID: "ind/rd-intensity", Kind: graph.KindIndicator, Name: "全社会研发经费投入占GDP比重", NameEn: "R&D expenditure as a share of GDP",
		Attributes: []graph.Attribute{
			{Key: "value", Value: "4.5", Unit: "%", Type: graph.AttrNumber},
			{Key: "year", Value: "2024", Type: graph.AttrDate},
			{Key: "change", Value: "同比增长9.06%", Type: graph.AttrText},
		},
		Evidence: []graph.Evidence{ev(t, qRD)},
	}
	return graph.DocumentFacts{
		Document: graph.Document{ID: testDoc, Title: "闵行区科学技术委员会2024年工作总结", TitleEn: "Test summary", Text: testText},
		Entities: []graph.Entity{
			ent("org/mh-stc", graph.KindInstitution, "闵行区科学技术委员会", "Minhang District Science and Technology Commission", "区科委"),
			ent("org/sjtu", graph.KindInstitution, "上海交通大学", "Shanghai Jiao Tong University", "上海交大", "交大"),
			ent("org/ecnu", graph.KindInstitution, "华东师范大学", "East China Normal University", "华东师大"),
			ent("place/dalinghaowan", graph.KindPlace, "大零号湾", "Greater Neo Bay"),
			ent("place/minhang", graph.KindPlace, "闵行区", "Minhang District"),
			ind,
		},
		Relations: []graph.Relation{
			rel("org/mh-stc", "co_builds", "place/dalinghaowan", qCoBuild),
			rel("org/sjtu", "co_builds", "place/dalinghaowan", qCoBuild),
			rel("org/ecnu", "co_builds", "place/dalinghaowan", qCoBuild),
			rel("org/sjtu", "signs_agreement_with", "org/ecnu", qAgreement),
			rel("place/dalinghaowan", "located_in", "place/minhang", qLocated),
			rel("ind/rd-intensity", "measures", "place/minhang", qRD),
		},
	}
}

// newStore opens an empty memory store.
func newStore(t testing.TB) graph.Store {
	t.Helper()
	return kgtest.MemoryStore(t, kgtest.Logger(t))
}

// fixtureStore is a memory store holding the fixture.
func fixtureStore(t testing.TB) graph.Store {
	t.Helper()
	st := newStore(t)
	if _, err := st.ReplaceDocument(t.Context(), fixtureFacts(t)); err != nil {
		t.Fatalf("load fixture: %v", err)
	}
	return st
}

func newHandler(t testing.TB, st graph.Store, cfg server.Config) http.Handler {
	t.Helper()
	h, err := server.New(st, cfg, kgtest.Logger(t))
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	return h
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Status      int             `json:"-"`
	ContentType string          `json:"-"`
	Header      http.Header     `json:"-"`
	Body        string          `json:"-"`
	Data        json.RawMessage `json:"data"`
	Errors      []gqlError      `json:"errors"`
}

// code returns the extensions.code of the first error ("" if none).
func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// decode unmarshals data into v, failing on any GraphQL error.
func (r gqlResponse) decode(t testing.TB, v any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %s", r.Body)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decode data %s: %v", r.Data, err)
	}
}

// do sends a request through the handler and parses a GraphQL-shaped body.
func do(t testing.TB, h http.Handler, req *http.Request) gqlResponse {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	out := gqlResponse{Status: res.StatusCode, ContentType: res.Header.Get("Content-Type"), Header: res.Header, Body: string(body)}
	if strings.Contains(out.ContentType, "json") {
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatalf("response is not JSON (%d): %s", res.StatusCode, body)
		}
	}
	return out
}

// post sends a GraphQL request as POST application/json. Extra headers are
// given as "Name: value".
func post(t testing.TB, h http.Handler, query string, vars map[string]any, headers ...string) gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json;q=0.9")
	for _, hd := range headers {
		k, v, _ := strings.Cut(hd, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return do(t, h, req)
}

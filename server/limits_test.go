package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/introspection"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/server"
)

// slowStore blocks every entity read until the request's deadline.
type slowStore struct{ graph.Store }

func (s slowStore) Entities(ctx context.Context, ids []string) ([]*graph.Entity, error) {
	<-ctx.Done()
	return nil, fmt.Errorf("slow store: %w", ctx.Err())
}

// nested returns a query exactly depth levels deep: entity → relations →
// nodes → from → relations → …, ending in a scalar of the last type.
func nested(depth int) string {
	steps := []string{"relations(first: 1)", "nodes", "from"}
	leaves := []string{"degree", "totalCount", "id"} // of Entity, RelationConnection, Relation
	var b strings.Builder
	b.WriteString(`{ entity(id: "org/sjtu") { `)
	for i := 0; i < depth-2; i++ {
		b.WriteString(steps[i%3] + " { ")
	}
	b.WriteString(leaves[(depth-2)%3])
	b.WriteString(strings.Repeat(" }", depth-1))
	b.WriteString(" }")
	return b.String()
}

func aliases(n int) string {
	var b strings.Builder
	b.WriteString("{ ")
	for i := range n {
		fmt.Fprintf(&b, "a%d: stats { entities } ", i)
	}
	b.WriteString("}")
	return b.String()
}

// TestLimits shows each limit rejecting a request, with its status and code,
// and the same kind of request passing just under the limit.
func TestLimits(t *testing.T) {
	st := fixtureStore(t)
	def := server.DefaultConfig()
	tests := []struct {
		name       string
		cfg        server.Config
		query      string
		store      graph.Store
		wantStatus int
		wantCode   string
	}{
		{
			name:       "parser token limit",
			query:      "{ stats { " + strings.Repeat("entities ", def.ParserTokenLimit) + "} }",
			wantStatus: http.StatusBadRequest, wantCode: server.CodeTokenLimit,
		},
		{
			name:       "field limit: thousands of copies of a field within the token limit",
			query:      "{ stats { " + strings.Repeat("entities ", def.ParserTokenLimit-100) + "} }",
			wantStatus: http.StatusBadRequest, wantCode: server.CodeFieldLimit,
		},
		{
			name:       "field limit counts fragments at every use",
			query:      "{ stats { ...F ...F ...F } } fragment F on Stats { " + strings.Repeat("entities ", def.MaxFields/3+1) + "}",
			wantStatus: http.StatusBadRequest, wantCode: server.CodeFieldLimit,
		},
		{
			name:       "at the field limit",
			query:      "{ stats { " + strings.Repeat("entities ", def.MaxFields-1) + "} }",
			wantStatus: http.StatusOK,
		},
		{
			name:       "depth limit",
			query:      nested(def.MaxDepth + 3),
			wantStatus: http.StatusBadRequest, wantCode: server.CodeDepthLimit,
		},
		{
			name:       "at the depth limit",
			query:      nested(def.MaxDepth),
			wantStatus: http.StatusOK,
		},
		{
			name:       "alias limit",
			query:      aliases(def.MaxAliases + 1),
			wantStatus: http.StatusBadRequest, wantCode: server.CodeAliasLimit,
		},
		{
			name:       "at the alias limit",
			query:      aliases(def.MaxAliases),
			wantStatus: http.StatusOK,
		},
		{
			name:       "complexity limit: lists multiply by first",
			query:      `{ entities(first: 100) { nodes { relations(first: 100) { nodes { from { partners(first: 100) { partner { id } } } } } } } }`,
			wantStatus: http.StatusBadRequest, wantCode: server.CodeComplexityLimit,
		},
		{
			name:       "complexity of a page of entities with relations and partners passes",
			query:      `{ entities(first: 100) { nodes { id relations(first: 10) { nodes { id } } partners(first: 10) { partner { id } } } } }`,
			wantStatus: http.StatusOK,
		},
		{
			name:       "a lower configured complexity limit",
			cfg:        server.Config{MaxComplexity: 50},
			query:      `{ entities(first: 100) { nodes { id } } }`,
			wantStatus: http.StatusBadRequest, wantCode: server.CodeComplexityLimit,
		},
		{
			name:       "execution timeout",
			cfg:        server.Config{QueryTimeout: 50 * time.Millisecond},
			store:      slowStore{st},
			query:      `{ entity(id: "org/sjtu") { name } }`,
			wantStatus: http.StatusOK, wantCode: server.CodeTimeout,
		},
		{
			name:       "introspection on by default",
			query:      `{ __schema { queryType { name } } }`,
			wantStatus: http.StatusOK,
		},
		{
			name:       "the full GraphiQL introspection query passes every default limit",
			query:      introspection.Query,
			wantStatus: http.StatusOK,
		},
		{
			name:       "introspection off",
			cfg:        server.Config{DisableIntrospection: true},
			query:      `{ __schema { queryType { name } } }`,
			wantStatus: http.StatusBadRequest, wantCode: server.CodeIntrospectionDisabled,
		},
		{
			name:       "__typename stays allowed without introspection",
			cfg:        server.Config{DisableIntrospection: true},
			query:      `{ __typename }`,
			wantStatus: http.StatusOK,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.store
			if s == nil {
				s = st
			}
			r := post(t, newHandler(t, s, tc.cfg), tc.query, nil)
			if r.Status != tc.wantStatus || r.code() != tc.wantCode {
				t.Fatalf("status %d code %q, want %d %q: %.300s", r.Status, r.code(), tc.wantStatus, tc.wantCode, r.Body)
			}
		})
	}
}

// TestBodyLimits: a body over the limit is 413; a body that is not JSON is
// 400 and is not echoed back.
func TestBodyLimits(t *testing.T) {
	h := newHandler(t, fixtureStore(t), server.Config{})
	big := `{"query": "{ stats { entities } }` + strings.Repeat(" ", server.DefaultMaxBodyBytes) + `"}`
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantCode   string
	}{
		{"over 1 MiB", big, http.StatusRequestEntityTooLarge, server.CodeBodyTooLarge},
		{"not JSON", `{"query": SECRET-TOKEN-123`, http.StatusBadRequest, server.CodeBadRequest},
		{"JSON but not an object", `["SECRET-TOKEN-123"]`, http.StatusBadRequest, server.CodeBadRequest},
		{"trailing garbage", `{"query": "{ stats { entities } }"} SECRET-TOKEN-123`, http.StatusBadRequest, server.CodeBadRequest},
		{"well-formed", `{"query": "{ stats { entities } }"}`, http.StatusOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			r := do(t, h, req)
			if r.Status != tc.wantStatus || r.code() != tc.wantCode {
				t.Fatalf("status %d code %q, want %d %q: %.300s", r.Status, r.code(), tc.wantStatus, tc.wantCode, r.Body)
			}
			if strings.Contains(r.Body, "SECRET-TOKEN-123") {
				t.Errorf("the body was echoed back: %s", r.Body)
			}
		})
	}
}

// TestRateLimit: with a rate limit, a client over its burst gets 429 with
// Retry-After; another client is unaffected.
func TestRateLimit(t *testing.T) {
	h := newHandler(t, fixtureStore(t), server.Config{RateLimit: 0.001, RateBurst: 2})
	send := func(ip string) gqlResponse {
		req := httptest.NewRequest(http.MethodGet, "/graphql?query="+strings.ReplaceAll("{ stats { entities } }", " ", "%20"), nil)
		req.RemoteAddr = ip + ":1234"
		return do(t, h, req)
	}
	for i := range 2 {
		if r := send("192.0.2.1"); r.Status != http.StatusOK {
			t.Fatalf("request %d: status %d: %s", i, r.Status, r.Body)
		}
	}
	r := send("192.0.2.1")
	if r.Status != http.StatusTooManyRequests || r.code() != server.CodeRateLimited || r.Header.Get("Retry-After") == "" {
		t.Fatalf("third request: status %d code %q Retry-After %q", r.Status, r.code(), r.Header.Get("Retry-After"))
	}
	if r := send("192.0.2.2"); r.Status != http.StatusOK {
		t.Fatalf("other client: status %d", r.Status)
	}
}

// TestHTTPServerTimeouts: NewHTTPServer sets every timeout and the header
// limit, defaults or configured.
func TestHTTPServerTimeouts(t *testing.T) {
	s := server.NewHTTPServer(":0", http.NotFoundHandler(), server.Config{WriteTimeout: 42 * time.Second})
	def := server.DefaultConfig()
	if s.ReadHeaderTimeout != def.ReadHeaderTimeout || s.ReadTimeout != def.ReadTimeout || s.IdleTimeout != def.IdleTimeout ||
		s.WriteTimeout != 42*time.Second || s.MaxHeaderBytes != def.MaxHeaderBytes {
		t.Errorf("server = %+v", s)
	}
	if def.WriteTimeout <= def.QueryTimeout {
		t.Errorf("default WriteTimeout %v must exceed QueryTimeout %v", def.WriteTimeout, def.QueryTimeout)
	}
}

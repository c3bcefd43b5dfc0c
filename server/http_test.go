package server_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/server"
)

func get(t testing.TB, h http.Handler, path string, headers ...string) gqlResponse {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for _, hd := range headers {
		k, v, _ := strings.Cut(hd, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return do(t, h, req)
}

func gqlGet(query string) string { return "/graphql?query=" + url.QueryEscape(query) }

// TestGraphQLOverHTTP checks methods, media types and status codes against
// the GraphQL-over-HTTP spec.
func TestGraphQLOverHTTP(t *testing.T) {
	h := newHandler(t, fixtureStore(t), server.Config{})
	tests := []struct {
		name       string
		req        func() *http.Request
		wantStatus int
		wantType   string
		wantCode   string
		wantAllow  string
	}{
		{
			name: "GET query, graphql-response+json accepted",
			req: func() *http.Request {
				return withAccept(httptest.NewRequest("GET", gqlGet("{ stats { entities } }"), nil), "application/graphql-response+json")
			},
			wantStatus: 200, wantType: "application/graphql-response+json",
		},
		{
			name:       "GET query, no Accept: application/json",
			req:        func() *http.Request { return httptest.NewRequest("GET", gqlGet("{ stats { entities } }"), nil) },
			wantStatus: 200, wantType: "application/json",
		},
		{
			name: "GET query, application/json preferred by q",
			req: func() *http.Request {
				return withAccept(httptest.NewRequest("GET", gqlGet("{ stats { entities } }"), nil), "application/graphql-response+json;q=0.5, application/json")
			},
			wantStatus: 200, wantType: "application/json",
		},
		{
			name: "GET mutation is 405",
			req: func() *http.Request {
				return httptest.NewRequest("GET", gqlGet(`mutation { removeRelation(id: "rel/x") { id } }`), nil)
			},
			wantStatus: 405, wantCode: server.CodeMethod, wantAllow: "POST",
		},
		{
			name: "GET picks the query of a document that also holds a mutation",
			req: func() *http.Request {
				return httptest.NewRequest("GET", gqlGet(`query Q { stats { entities } } mutation M { removeRelation(id: "rel/x") { id } }`)+"&operationName=Q", nil)
			},
			wantStatus: 200,
		},
		{
			name: "GET of the mutation of such a document is 405",
			req: func() *http.Request {
				return httptest.NewRequest("GET", gqlGet(`query Q { stats { entities } } mutation M { removeRelation(id: "rel/x") { id } }`)+"&operationName=M", nil)
			},
			wantStatus: 405, wantCode: server.CodeMethod, wantAllow: "POST",
		},
		{
			name: "validation error: 400 with graphql-response+json",
			req: func() *http.Request {
				return withAccept(httptest.NewRequest("GET", gqlGet("{ nope }"), nil), "application/graphql-response+json")
			},
			wantStatus: 400, wantType: "application/graphql-response+json", wantCode: "GRAPHQL_VALIDATION_FAILED",
		},
		{
			name: "validation error: 200 with application/json",
			req: func() *http.Request {
				return withAccept(httptest.NewRequest("GET", gqlGet("{ nope }"), nil), "application/json")
			},
			wantStatus: 200, wantType: "application/json", wantCode: "GRAPHQL_VALIDATION_FAILED",
		},
		{
			name: "parse error: 400 with graphql-response+json",
			req: func() *http.Request {
				return withAccept(httptest.NewRequest("GET", gqlGet("{ stats { "), nil), "application/graphql-response+json")
			},
			wantStatus: 400, wantCode: "GRAPHQL_PARSE_FAILED",
		},
		{
			name: "bad variables JSON is 400",
			req: func() *http.Request {
				return httptest.NewRequest("GET", gqlGet("{ stats { entities } }")+"&variables=%7Bnope", nil)
			},
			wantStatus: 400, wantCode: server.CodeBadRequest,
		},
		{
			name:       "PUT is 405",
			req:        func() *http.Request { return httptest.NewRequest("PUT", "/graphql", strings.NewReader(`{}`)) },
			wantStatus: 405, wantCode: server.CodeMethod, wantAllow: "GET, POST",
		},
		{
			name: "form POST is 415 (no CSRF through simple requests)",
			req: func() *http.Request {
				r := httptest.NewRequest("POST", "/graphql", strings.NewReader(url.Values{"query": {`mutation { removeRelation(id: "x") { id } }`}}.Encode()))
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				return r
			},
			wantStatus: 415, wantCode: server.CodeMediaType,
		},
		{
			name: "text/plain POST is 415",
			req: func() *http.Request {
				r := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":"{ stats { entities } }"}`))
				r.Header.Set("Content-Type", "text/plain")
				return r
			},
			wantStatus: 415, wantCode: server.CodeMediaType,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, tc.req())
			if r.Status != tc.wantStatus || r.code() != tc.wantCode {
				t.Fatalf("status %d code %q, want %d %q: %s", r.Status, r.code(), tc.wantStatus, tc.wantCode, r.Body)
			}
			if tc.wantType != "" && !strings.HasPrefix(r.ContentType, tc.wantType) {
				t.Errorf("Content-Type = %q, want %s", r.ContentType, tc.wantType)
			}
			if tc.wantAllow != "" && r.Header.Get("Allow") != tc.wantAllow {
				t.Errorf("Allow = %q, want %q", r.Header.Get("Allow"), tc.wantAllow)
			}
			if r.Header.Get("X-Request-ID") == "" {
				t.Error("no X-Request-ID")
			}
		})
	}
}

func withAccept(r *http.Request, accept string) *http.Request {
	r.Header.Set("Accept", accept)
	return r
}

// pingStore fails Ping with err.
type pingStore struct {
	graph.Store
	err error
}

func (s pingStore) Ping(ctx context.Context) error { return s.err }

func TestHealth(t *testing.T) {
	st := fixtureStore(t)
	tests := []struct {
		name       string
		store      graph.Store
		path       string
		wantStatus int
		wantBody   string
	}{
		{"livez", st, "/livez", 200, `"ok"`},
		{"readyz ok", st, "/readyz", 200, `"ready"`},
		{"readyz store unavailable", pingStore{st, errors.New("dial tcp 10.0.0.1:5432: secret-host: " + graph.ErrUnavailable.Error())}, "/readyz", 503, `"store ping failed"`},
		{"readyz store unavailable (wrapped)", pingStore{st, wrapUnavailable()}, "/readyz", 503, `"store unavailable"`},
		{"readyz store closed", pingStore{st, graph.ErrClosed}, "/readyz", 503, `"store closed"`},
		{"export index", st, "/export", 200, `"formats"`},
		{"export nquads", st, "/export/nquads", 200, `/id/org/sjtu>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, newHandler(t, tc.store, server.Config{}), tc.path)
			if r.Status != tc.wantStatus || !strings.Contains(r.Body, tc.wantBody) {
				t.Fatalf("status %d body %s, want %d containing %s", r.Status, r.Body, tc.wantStatus, tc.wantBody)
			}
			if strings.Contains(r.Body, "secret-host") {
				t.Errorf("readyz leaks the error: %s", r.Body)
			}
		})
	}
}

func wrapUnavailable() error {
	return errors.Join(errors.New("dial tcp: secret-host"), graph.ErrUnavailable)
}

// TestMetricsAndRequestID: /metrics reports build info, operations by name,
// error codes and store errors; request IDs are echoed or generated.
func TestMetricsAndRequestID(t *testing.T) {
	h := newHandler(t, fixtureStore(t), server.Config{Version: "v1.2.3"})
	r := post(t, h, `query StatsForMetrics { stats { entities } }`, nil, "X-Request-ID: my-req-42")
	if r.Header.Get("X-Request-ID") != "my-req-42" {
		t.Errorf("X-Request-ID = %q, want the client's", r.Header.Get("X-Request-ID"))
	}
	r = post(t, h, `{ entities(first: 500) { totalCount } }`, nil, "X-Request-ID: bad id with spaces")
	if id := r.Header.Get("X-Request-ID"); id == "" || strings.Contains(id, " ") {
		t.Errorf("X-Request-ID = %q, want a generated one", id)
	}
	post(t, h, `{ partners(id: "org/nope") { strength } }`, nil)
	m := get(t, h, "/metrics")
	for _, want := range []string{
		`kg_build_info{goversion="go`,
		`version="v1.2.3"} 1`,
		`kg_graphql_operations_total{operation="StatsForMetrics",result="ok",type="query"} 1`,
		`kg_graphql_errors_total{code="BAD_USER_INPUT"} 1`,
		`kg_graphql_errors_total{code="NOT_FOUND"} 1`,
		`kg_graphql_operation_duration_seconds_bucket{operation="StatsForMetrics"`,
		`kg_http_requests_total{code="200",handler="/graphql"}`,
	} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestCORS: configured origins get CORS headers and preflights; others none.
func TestCORS(t *testing.T) {
	h := newHandler(t, fixtureStore(t), server.Config{CORSOrigins: []string{"https://viz.example"}})
	pre := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	pre.Header.Set("Origin", "https://viz.example")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "content-type")
	r := do(t, h, pre)
	if r.Status >= 300 || r.Header.Get("Access-Control-Allow-Origin") != "https://viz.example" {
		t.Errorf("preflight: status %d, allow-origin %q", r.Status, r.Header.Get("Access-Control-Allow-Origin"))
	}
	other := get(t, h, gqlGet("{ stats { entities } }"), "Origin: https://evil.example")
	if got := other.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("other origin got Access-Control-Allow-Origin %q", got)
	}

	// Cross-origin POSTs from browsers: only from the configured origin.
	for _, tc := range []struct {
		name, origin, site string
		wantStatus         int
	}{
		{"configured origin", "https://viz.example", "cross-site", 200},
		{"other origin", "https://evil.example", "cross-site", 403},
		{"same origin", "", "same-origin", 200},
		{"not a browser", "", "", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hd []string
			if tc.origin != "" {
				hd = append(hd, "Origin: "+tc.origin)
			}
			if tc.site != "" {
				hd = append(hd, "Sec-Fetch-Site: "+tc.site)
			}
			r := post(t, h, `{ stats { entities } }`, nil, hd...)
			if r.Status != tc.wantStatus {
				t.Errorf("status %d, want %d: %s", r.Status, tc.wantStatus, r.Body)
			}
			if tc.wantStatus == 403 && r.code() != server.CodeCrossOrigin {
				t.Errorf("code %q", r.code())
			}
		})
	}
}

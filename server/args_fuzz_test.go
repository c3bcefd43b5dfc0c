package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/minhang-kg/kg/graph/cayleystore"
	"github.com/minhang-kg/kg/internal/synth"
	"github.com/minhang-kg/kg/server"
)

var (
	fuzzOnce    sync.Once
	fuzzHandler http.Handler
	fuzzErr     error
)

// fuzzServer is the real handler over a memory store holding a small
// synthetic graph, shared by all fuzz inputs.
func fuzzServer(tb testing.TB) http.Handler {
	fuzzOnce.Do(func() {
		ctx := context.Background()
		st, err := cayleystore.Open(ctx, cayleystore.Config{Backend: cayleystore.BackendMemory}, nil)
		if err != nil {
			fuzzErr = err
			return
		}
		if _, err := st.ReplaceDocument(ctx, synth.MustGenerate(synth.Config{Quads: 1000, Seed: 3})); err != nil {
			fuzzErr = err
			return
		}
		fuzzHandler, fuzzErr = server.New(st, server.Config{LoaderWait: 1}, slog.New(slog.DiscardHandler))
	})
	if fuzzErr != nil {
		tb.Fatal(fuzzErr)
	}
	return fuzzHandler
}

// fuzzQueries take every kind of argument the contract has.
var fuzzQueries = []string{
	`query($id: ID!, $first: Int) { entity(id: $id) { id name relations(first: $first) { totalCount nodes { id } } partners(first: $first) { strength } } }`,
	`query($first: Int, $after: String) { entities(first: $first, after: $after) { totalCount pageInfo { endCursor } nodes { id } } }`,
	`query($text: String!, $first: Int) { search(text: $text, first: $first) { score entity { id } } }`,
	`query($id: ID!, $first: Int) { partners(id: $id, first: $first) { strength partner { id } } }`,
	`query($first: Int, $after: String) { partnerships(first: $first, after: $after) { totalCount nodes { strength } } }`,
	`query($id: ID!, $text: ID!, $hops: Int, $first: Int) { paths(from: $id, to: $text, maxHops: $hops, first: $first) { length } }`,
	`query($id: ID!, $hops: Int, $first: Int) { subgraph(ids: [$id], hops: $hops, limit: $first) { truncated nodes { id } } }`,
	`query($first: Int) { indicators(first: $first) { id } stats { entities topConnected(first: $first) { degree } } }`,
}

// FuzzGraphQLArgs sends the contract's queries with fuzzed arguments
// through the real HTTP handler. Whatever the arguments, the answer is a
// GraphQL JSON response (never a 5xx), and every error carries a code that
// is not INTERNAL: bad arguments are the client's error, named as such.
func FuzzGraphQLArgs(f *testing.F) {
	f.Add("co/s1", "华科", "", 10, 1)
	f.Add("org/nope", "", "ZW50aXR5Om9yZy9h", 0, -1)
	f.Add("", "shang hai", "!!", 101, 7)
	f.Add("lab/s2", "Minhang", "cHQxADMAb3JnL2EAb3JnL2I", 100, 3)
	f.Add("\x00", "\xff\xfe", "\u202e", -2147483648, 2147483647)
	f.Fuzz(func(t *testing.T, id, text, after string, first, hops int) {
		h := fuzzServer(t)
		for _, q := range fuzzQueries {
			body, err := json.Marshal(map[string]any{"query": q, "variables": map[string]any{
				"id": id, "text": text, "after": after, "first": first, "hops": hops}})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code >= 500 {
				t.Fatalf("HTTP %d for %s with %q %q %q %d %d: %s", w.Code, q, id, text, after, first, hops, w.Body)
			}
			var resp struct {
				Data   json.RawMessage
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
				t.Fatalf("not JSON (HTTP %d): %v: %s", w.Code, err, w.Body)
			}
			for _, e := range resp.Errors {
				code, _ := e.Extensions["code"].(string)
				if code == "" || code == server.CodeInternal || code == "UNKNOWN" {
					t.Fatalf("error without a client code (%q) for %q %q %q %d %d in %s: %s", code, id, text, after, first, hops, q, e.Message)
				}
			}
		}
	})
}

package export

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
)

func TestHandler(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("GET /export/{format}", Handler(newTestStore(t), slog.New(slog.DiscardHandler)))
	mux.Handle("GET /export", IndexHandler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		path      string
		code      int
		ctype     string
		filename  string
		bodyCheck string // substring expected in the body
	}{
		{"/export/gexf", 200, "application/gexf+xml; charset=utf-8", "minhang-kg.gexf", `version="1.3"`},
		{"/export/GEXF", 200, "application/gexf+xml; charset=utf-8", "minhang-kg.gexf", `<node id="org/sjtu"`},
		{"/export/graphml?ids=org/sjtu", 200, "application/graphml+xml; charset=utf-8", "minhang-kg-subgraph.graphml", `<node id="place/dalinghaowan"`},
		{"/export/dot?ids=org/sjtu&hops=0", 200, "text/vnd.graphviz; charset=utf-8", "minhang-kg-subgraph.dot", `"org/sjtu" [label=`},
		{"/export/jsonld?ids=org/sjtu,org/ecnu&hops=1", 200, "application/ld+json; charset=utf-8", "minhang-kg-subgraph.jsonld", `"@context"`},
		{"/export/nquads", 200, "application/n-quads; charset=utf-8", "minhang-kg.nq", `/kg/id/org/sjtu>`},
		{"/export/csv", 200, "application/zip", "minhang-kg.zip", "nodes.csv"},
		{"/export/csv?part=nodes", 200, "text/csv; charset=utf-8", "minhang-kg-nodes.csv", "Id,Label,LabelEn,Kind"},
		{"/export/csv?part=edges&ids=org/sjtu", 200, "text/csv; charset=utf-8", "minhang-kg-subgraph-edges.csv", "Id,Source,Target,Type"},
		{"/export/csv?part=both", 400, "text/plain; charset=utf-8", "", "part must be"},
		{"/export/gexf?part=nodes", 400, "text/plain; charset=utf-8", "", "part must be"},
		{"/export/pdf", 404, "text/plain; charset=utf-8", "", "unknown export format"},
		{"/export/gexf?ids=org/none", 404, "text/plain; charset=utf-8", "", "not found"},
		{"/export/gexf?ids=org/sjtu&hops=9", 400, "text/plain; charset=utf-8", "", "hops must be"},
		{"/export/gexf?ids=org/sjtu&hops=x", 400, "text/plain; charset=utf-8", "", "hops must be"},
		{"/export", 200, "application/json", "", `"name":"gexf"`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, err := http.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.code {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tt.code, body)
			}
			if got := res.Header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if tt.filename != "" {
				disp, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
				if err != nil || disp != "attachment" || params["filename"] != tt.filename {
					t.Errorf("Content-Disposition %q, want attachment; filename=%s", res.Header.Get("Content-Disposition"), tt.filename)
				}
			}
			if !strings.Contains(string(body), tt.bodyCheck) {
				t.Errorf("body lacks %q:\n%.400s", tt.bodyCheck, body)
			}
		})
	}
}

func TestHandlerMethod(t *testing.T) {
	h := Handler(newTestStore(t), slog.New(slog.DiscardHandler))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/export/gexf", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d", rec.Code)
	}
}

// failingDump writes part of a dump, then fails, like a store that goes
// away in the middle of an export.
type failingDump struct{ *testStore }

func (f failingDump) ExportNQuads(ctx context.Context, w io.Writer) error {
	if err := f.testStore.ExportNQuads(ctx, w); err != nil {
		return err
	}
	return fmt.Errorf("connection reset: %w", graph.ErrUnavailable)
}

func TestHandlerStreams(t *testing.T) {
	old := bufferSize
	bufferSize = 64
	defer func() { bufferSize = old }()

	for _, tt := range []struct {
		name    string
		st      graph.Store
		wantErr bool
	}{
		{"complete", newTestStore(t), false},
		{"fails mid-stream", failingDump{newTestStore(t)}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.Handle("GET /export/{format}", Handler(tt.st, slog.New(slog.DiscardHandler)))
			srv := httptest.NewServer(mux)
			defer srv.Close()
			res, err := http.Get(srv.URL + "/export/nquads")
			if err != nil {
				t.Fatal(err)
			}
			body, readErr := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/n-quads; charset=utf-8" {
				t.Fatalf("status %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if tt.wantErr {
				if readErr == nil {
					t.Fatalf("a failed export was delivered as a complete %d-byte file", len(body))
				}
				return
			}
			if readErr != nil {
				t.Fatal(readErr)
			}
			var want bytes.Buffer
			if err := tt.st.ExportNQuads(context.Background(), &want); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(body, want.Bytes()) || len(body) <= bufferSize {
				t.Fatalf("streamed body differs from the dump (%d vs %d bytes)", len(body), want.Len())
			}
		})
	}
}

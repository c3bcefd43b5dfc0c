package server

import (
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/internal/kgtest"
)

// TestWebAndExportRoutes goes through server.New with the real memory store
// and the curated dataset: / redirects to the explorer, the pages and their
// assets are served from the binary, and /export writes the whole graph.
func TestWebAndExportRoutes(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	st := kgtest.DatasetStore(t, log)
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(st, Config{}, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	res, err := noRedirect.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/explore" {
		t.Errorf("/: %d Location %q, want 302 to /explore", res.StatusCode, res.Header.Get("Location"))
	}

	for path, want := range map[string]string{"/explore/": "/explore", "/playground/?query=x": "/playground?query=x", "/explore/org/sjtu": "/explore"} {
		res, err := noRedirect.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != want {
			t.Errorf("%s: %d Location %q, want 301 to %s", path, res.StatusCode, res.Header.Get("Location"), want)
		}
	}

	get := func(path string) (*http.Response, string) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, string(b)
	}
	for _, page := range []string{"/explore", "/explore?focus=org/sjtu", "/playground", "/playground?query=%7Bstats%7Bentities%7D%7D"} {
		res, body := get(page)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", page, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if !strings.Contains(res.Header.Get("Content-Security-Policy"), "connect-src 'self'") {
			t.Errorf("%s: CSP %q", page, res.Header.Get("Content-Security-Policy"))
		}
		i := strings.Index(body, `src="/assets/`)
		if i < 0 {
			t.Fatalf("%s: no script asset", page)
		}
		asset := body[i+5 : i+5+strings.IndexByte(body[i+5:], '"')]
		if res, _ := get(asset); res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "javascript") {
			t.Errorf("%s: asset %s: %d %s", page, asset, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}

	res, body := get("/export/gexf")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/gexf+xml; charset=utf-8" {
		t.Fatalf("/export/gexf: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var g struct {
		Nodes []struct{} `xml:"graph>nodes>node"`
		Edges []struct{} `xml:"graph>edges>edge"`
	}
	if err := xml.Unmarshal([]byte(body), &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Nodes) != stats.Entities || len(g.Edges) != stats.Relations {
		t.Errorf("/export/gexf: %d nodes, %d edges; the store has %d entities, %d relations", len(g.Nodes), len(g.Edges), stats.Entities, stats.Relations)
	}
}

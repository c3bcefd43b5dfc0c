package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestDistHasPagesAndTheirAssets(t *testing.T) {
	srv := httptest.NewServer(func() http.Handler {
		mux := http.NewServeMux()
		mux.Handle("GET /explore", Page("explore.html"))
		mux.Handle("GET /playground", Page("playground.html"))
		mux.Handle("GET /assets/", Assets())
		return mux
	}())
	defer srv.Close()
	ref := regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`)
	for _, page := range []string{"/explore", "/playground"} {
		t.Run(page, func(t *testing.T) {
			res, err := http.Get(srv.URL + page)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("%s: %d %s", page, res.StatusCode, res.Header.Get("Content-Type"))
			}
			if !strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'self'") {
				t.Errorf("%s: no CSP", page)
			}
			refs := ref.FindAllStringSubmatch(string(body), -1)
			if len(refs) == 0 {
				t.Fatalf("%s references no assets", page)
			}
			for _, m := range refs {
				res, err := http.Get(srv.URL + m[1])
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != 200 {
					t.Errorf("%s: asset %s: %d", page, m[1], res.StatusCode)
				}
				if !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
					t.Errorf("%s: asset %s not cached", page, m[1])
				}
			}
		})
	}
	for _, p := range []string{"/assets/", "/assets/../explore.html", "/assets/nope.js"} {
		res, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == 200 {
			t.Errorf("%s: served", p)
		}
	}
}

// TestDistIsOffline mirrors scripts/check-offline.mjs for the embedded
// files: no absolute URL in any src/href attribute or CSS url().
func TestDistIsOffline(t *testing.T) {
	bad := regexp.MustCompile(`(?i)(?:\b(?:src|href)\s*=\s*["']?|url\(\s*["']?)(?:https?:)?//`)
	err := fs.WalkDir(Dist(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !strings.HasSuffix(p, ".html") && !strings.HasSuffix(p, ".css") {
			return nil
		}
		b, err := fs.ReadFile(Dist(), p)
		if err != nil {
			return err
		}
		if loc := bad.FindIndex(b); loc != nil {
			t.Errorf("%s: remote reference %q", p, b[loc[0]:min(len(b), loc[1]+60)])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAssetsGzipAndETag(t *testing.T) {
	var js string
	entries, err := fs.ReadDir(Dist(), "assets")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "playground-") && strings.HasSuffix(e.Name(), ".js") {
			js = "/assets/" + e.Name()
		}
	}
	if js == "" {
		t.Fatal("no playground bundle in dist/assets")
	}
	want, _ := fs.ReadFile(Dist(), strings.TrimPrefix(js, "/"))
	h := Assets()
	get := func(hdr map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, js, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	plain := get(nil)
	if plain.Code != 200 || plain.Header().Get("Content-Encoding") != "" || !bytes.Equal(plain.Body.Bytes(), want) {
		t.Fatalf("plain: %d %q, %d bytes", plain.Code, plain.Header().Get("Content-Encoding"), plain.Body.Len())
	}
	if ct := plain.Header().Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("Content-Type %q", ct)
	}
	gz := get(map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Body.Len() >= len(want) {
		t.Fatalf("gzip: %q, %d bytes of %d", gz.Header().Get("Content-Encoding"), gz.Body.Len(), len(want))
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("gzipped body does not decompress to the file: %v", err)
	}
	if rec := get(map[string]string{"Accept-Encoding": "gzip;q=0"}); rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("gzip sent although q=0")
	}
	if rec := get(map[string]string{"If-None-Match": plain.Header().Get("ETag")}); rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", rec.Code)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.5", true},
		{"GZIP", true},
		{"gzip;q=0", false},
		{"gzip; q=0.0", false},
		{"*", true},
		{"deflate", false},
		{"x-gzip", false},
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("Accept-Encoding", tt.header)
		if got := acceptsGzip(req); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

package web

import (
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

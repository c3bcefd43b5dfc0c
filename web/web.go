// Package web holds the browser front-end of Minhang KG, built by Vite from
// this folder (see README.md) and embedded into the binary: the explorer
// (/explore) and the offline GraphQL playground (/playground, GraphiQL).
// The built files in dist/ are committed, so `go run ./cmd/kg serve` works
// without Node; CI rebuilds them and fails if they differ from the sources.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built front-end files (explore.html, playground.html,
// assets/...).
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a valid path; fs.Sub cannot fail
	}
	return sub
}

// ContentSecurityPolicy is sent with the pages: everything comes from the
// server itself, so the browser refuses any request elsewhere.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"

// Page serves one of the built HTML pages ("explore.html",
// "playground.html"). Pages are not cached, so a new binary's assets are
// picked up at once.
func Page(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := fs.ReadFile(Dist(), name)
		if err != nil {
			http.Error(w, "page not built: run `npm run build` in web/", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(b)
	})
}

// Assets serves the hashed files under /assets/. Their names change with
// their content, so they are cached for a year.
func Assets() http.Handler {
	files := http.FileServerFS(Dist())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean(r.URL.Path)
		if !strings.HasPrefix(p, "/assets/") || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}

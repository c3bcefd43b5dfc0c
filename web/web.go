// Package web holds the browser front-end of Minhang KG, built by Vite from
// this folder (see README.md) and embedded into the binary: the explorer
// (/explore) and the offline GraphQL playground (/playground, GraphiQL).
// The built files in dist/ are committed, so `go run ./cmd/kg serve` works
// without Node; CI rebuilds them and fails if they differ from the sources.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
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
// their content, so they are cached for a year; text files are sent gzipped
// to clients that accept it (compressed once, on first use).
func Assets() http.Handler {
	var cache sync.Map // name -> *asset
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean(r.URL.Path)
		if !strings.HasPrefix(p, "/assets/") || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		name := strings.TrimPrefix(p, "/")
		v, ok := cache.Load(name)
		if !ok {
			a, err := loadAsset(name)
			if err != nil {
				http.NotFound(w, r)
				return
			}
			v, _ = cache.LoadOrStore(name, a)
		}
		a := v.(*asset)
		h := w.Header()
		h.Set("Content-Type", a.contentType)
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("ETag", a.etag)
		h.Set("Vary", "Accept-Encoding")
		if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, a.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		body := a.body
		if a.gzipped != nil && acceptsGzip(r) {
			h.Set("Content-Encoding", "gzip")
			body = a.gzipped
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(body)
	})
}

type asset struct {
	body, gzipped []byte // gzipped is nil when compression does not pay
	contentType   string
	etag          string
}

func loadAsset(name string) (*asset, error) {
	b, err := fs.ReadFile(Dist(), name)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	a := &asset{body: b, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	a.contentType = mime.TypeByExtension(path.Ext(name))
	if a.contentType == "" {
		a.contentType = http.DetectContentType(b)
	}
	if compressible(a.contentType) {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return nil, err
		}
		if _, err := zw.Write(b); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		if buf.Len() < len(b)*9/10 {
			a.gzipped = buf.Bytes()
		}
	}
	return a, nil
}

func compressible(contentType string) bool {
	for _, t := range []string{"text/", "javascript", "json", "svg", "wasm"} {
		if strings.Contains(contentType, t) {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip
// (named or through *, with a q-value above 0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(part, ";")
		enc = strings.TrimSpace(enc)
		if !strings.EqualFold(enc, "gzip") && enc != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(k, "q") {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		return q > 0
	}
	return false
}

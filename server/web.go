package server

import (
	"net/http"

	"github.com/minhang-kg/kg/web"
)

// mountWeb mounts the explorer (/explore), the offline GraphQL playground
// (/playground, GraphiQL bundled into the binary) and their hashed assets
// (/assets/...), and returns the page / redirects to. Nothing they load
// comes from outside the server (see web/README.md).
func mountWeb(mux *http.ServeMux) string {
	mux.Handle("GET /explore", web.Page("explore.html"))
	mux.Handle("GET /playground", web.Page("playground.html"))
	mux.Handle("GET /assets/", web.Assets())
	// /explore/ and /playground/ (and anything below) lead to the page.
	for _, page := range []string{"/explore", "/playground"} {
		mux.HandleFunc("GET "+page+"/", func(w http.ResponseWriter, r *http.Request) {
			target := page
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
		})
	}
	return "/explore"
}

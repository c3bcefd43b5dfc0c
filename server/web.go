package server

import (
	"net/http"

	"github.com/minhang-kg/kg/web"
)

func init() { mountWeb = mountWebUI }

// mountWebUI mounts the explorer (/explore), the offline GraphQL playground
// (/playground, GraphiQL bundled into the binary) and their hashed assets
// (/assets/...), and makes / redirect to the explorer. Nothing they load
// comes from outside the server (see web/README.md).
func mountWebUI(mux *http.ServeMux) string {
	mux.Handle("GET /explore", web.Page("explore.html"))
	mux.Handle("GET /playground", web.Page("playground.html"))
	mux.Handle("GET /assets/", web.Assets())
	return "/explore"
}

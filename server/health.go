package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/minhang-kg/kg/graph"
)

// readyTimeout bounds the store ping of /readyz.
const readyTimeout = 2 * time.Second

// readyz answers 200 when the store answers a ping, else 503 with a short
// reason (the full error is logged, not shown).
func readyz(st graph.Store, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		err := st.Ping(ctx)
		if err == nil {
			writeStatus(w, http.StatusOK, map[string]string{"status": "ready"})
			return
		}
		reason := "store ping failed"
		if class, known := graph.ClassOf(err); known && class.Unavailable {
			reason = class.Reason
			if class.Code == graph.CodeTimeout {
				reason = "store ping timed out"
			}
		}
		log.WarnContext(r.Context(), "not ready", "reason", reason, "err", err)
		writeStatus(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": reason})
	}
}

func writeStatus(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

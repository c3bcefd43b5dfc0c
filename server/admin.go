package server

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/minhang-kg/kg/graph"
)

// DocumentsPath is the admin endpoint that syncs the source documents of
// the running server's store (POST, admin token).
const DocumentsPath = "/admin/documents"

// SyncRequest is the body of POST /admin/documents: every source document
// the store is to hold afterwards (graph.Store.SyncDocuments: new ones are
// added, changed ones replaced, stored ones not listed removed; curated
// facts stay).
type SyncRequest struct {
	Documents []DocumentPayload `json:"documents"`
}

// DocumentPayload is one document's facts on the wire: graph.DocumentFacts
// with the document's text (which graph.Document leaves out of JSON).
type DocumentPayload struct {
	Document  DocumentJSON     `json:"document"`
	Entities  []graph.Entity   `json:"entities"`
	Relations []graph.Relation `json:"relations"`
}

// DocumentJSON is graph.Document with its text.
type DocumentJSON struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	TitleEn string `json:"titleEn,omitempty"`
	Text    string `json:"text"`
	Digest  string `json:"digest,omitempty"`
	Date    string `json:"date,omitempty"`
	Period  string `json:"period,omitempty"`
}

// SyncResponse is the answer of POST /admin/documents: one change per
// document (graph.Store.SyncDocuments).
type SyncResponse struct {
	Changes []graph.Change `json:"changes"`
}

// NewSyncRequest builds the request body for docs.
func NewSyncRequest(docs []graph.DocumentFacts) SyncRequest {
	req := SyncRequest{Documents: make([]DocumentPayload, len(docs))}
	for i, f := range docs {
		d := f.Document
		req.Documents[i] = DocumentPayload{
			Document: DocumentJSON{ID: d.ID, Title: d.Title, TitleEn: d.TitleEn, Text: d.Text, Digest: d.Digest, Date: d.Date, Period: d.Period},
			Entities: f.Entities, Relations: f.Relations,
		}
	}
	return req
}

// Facts converts the request to the store's input.
func (r SyncRequest) Facts() []graph.DocumentFacts {
	out := make([]graph.DocumentFacts, len(r.Documents))
	for i, p := range r.Documents {
		d := p.Document
		out[i] = graph.DocumentFacts{
			Document: graph.Document{ID: d.ID, Title: d.Title, TitleEn: d.TitleEn, Text: d.Text, Digest: d.Digest, Date: d.Date, Period: d.Period},
			Entities: p.Entities, Relations: p.Relations,
		}
	}
	return out
}

// documentsHandler serves POST /admin/documents: the admin token, a JSON
// body of at most cfg.MaxDocumentsBytes, then one SyncDocuments through
// the server's store (the read index on kg serve, so reads see the new
// documents at once) and an audit entry. Errors are JSON with a code:
// FORBIDDEN (401/403), BAD_REQUEST (malformed body), REQUEST_TOO_LARGE,
// UNSUPPORTED_MEDIA_TYPE, BAD_USER_INPUT (the store refused the
// documents: nothing was written), UNAVAILABLE, INTERNAL.
func documentsHandler(st graph.Store, cfg Config, log *slog.Logger) http.Handler {
	tokenSum := sha256.Sum256([]byte(cfg.AdminToken))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			writeError(w, r, http.StatusMethodNotAllowed, CodeMethod, "use POST with the documents as JSON")
			return
		}
		auth := authenticate(r, cfg, tokenSum)
		if auth.Denied != "" {
			status := http.StatusForbidden
			if cfg.AdminToken != "" && r.Header.Get("Authorization") == "" {
				status = http.StatusUnauthorized
				w.Header().Set("WWW-Authenticate", `Bearer realm="kg admin"`)
			}
			writeError(w, r, status, CodeForbidden, auth.Denied)
			return
		}
		if !(postTransport{}).Supports(r) {
			writeError(w, r, http.StatusUnsupportedMediaType, CodeMediaType, "the body must be application/json")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, cfg.MaxDocumentsBytes)
		var req SyncRequest
		if err := decodeStrict(r.Body, &req); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeError(w, r, http.StatusRequestEntityTooLarge, CodeBodyTooLarge,
					fmt.Sprintf("the documents exceed %d bytes (server limit MaxDocumentsBytes)", tooBig.Limit))
				return
			}
			writeError(w, r, http.StatusBadRequest, CodeBadRequest, "malformed body: "+err.Error())
			return
		}
		// A sync runs to its end once the body is read: a client gone
		// away does not make it half-apply (it is atomic anyway), and
		// the audit entry is written with it.
		ctx := context.WithoutCancel(r.Context())
		changes, err := st.SyncDocuments(ctx, req.Facts())
		if err != nil {
			switch class, known := graph.ClassOf(err); {
			case known && class.Code == CodeBadUserInput:
				writeError(w, r, class.Status, class.Code, err.Error())
			case known && class.Unavailable:
				log.WarnContext(ctx, "admin: syncing documents failed", "err", err)
				writeError(w, r, class.Status, class.Code, "the store is unavailable; nothing was written")
			default:
				log.ErrorContext(ctx, "admin: syncing documents failed", "err", err, "requestId", requestID(ctx))
				writeError(w, r, http.StatusInternalServerError, CodeInternal, "internal error")
			}
			return
		}
		detail, _ := json.Marshal(changes)
		if err := st.AppendAudit(ctx, graph.AuditEntry{Actor: auth.Actor, Action: "syncDocuments", Target: DocumentsPath, Detail: string(detail)}); err != nil {
			log.ErrorContext(ctx, "admin: documents synced, but the audit entry failed", "err", err)
		}
		log.InfoContext(ctx, "admin: documents synced", "documents", len(req.Documents), "changes", len(changes))
		writeStatus(w, http.StatusOK, SyncResponse{Changes: changes})
	})
}

// decodeStrict decodes exactly one JSON value with no unknown fields.
func decodeStrict(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

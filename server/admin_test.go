package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/index"
	"github.com/minhang-kg/kg/server"
)

const adminToken = "s3cret-admin-token"

// newsFacts is a second, dated document sharing org/sjtu with the fixture
// and adding a partner of it.
func newsFacts() graph.DocumentFacts {
	text := "2025年3月，上海交通大学与浙江大学签署合作协议。\n"
	ev := []graph.Evidence{{Document: "doc/news", Quote: "上海交通大学与浙江大学签署合作协议", Start: 8, End: 25}}
	return graph.DocumentFacts{
		Document: graph.Document{ID: "doc/news", Title: "交大与浙大签约", Text: text, Date: "2025-03-18", Period: "2025-03"},
		Entities: []graph.Entity{
			{ID: "org/sjtu", Kind: graph.KindInstitution, Name: "上海交通大学", Evidence: ev},
			{ID: "org/zju", Kind: graph.KindInstitution, Name: "浙江大学", NameEn: "Zhejiang University", Evidence: ev},
		},
		Relations: []graph.Relation{{Subject: "org/sjtu", Predicate: "signs_agreement_with", Object: "org/zju", Evidence: ev, ValidFrom: "2025-03"}},
	}
}

// servedStore is the store as kg serve has it: the read index over the
// embedded store, holding the fixture.
func servedStore(t *testing.T) graph.Store {
	t.Helper()
	ix, err := index.NewWithOptions(t.Context(), fixtureStore(t), nil, index.Options{Poll: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func postDocuments(t *testing.T, h http.Handler, body []byte, headers ...string) gqlResponse {
	t.Helper()
	req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, server.DocumentsPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for _, hd := range headers {
		k, v, _ := strings.Cut(hd, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return do(t, h, req)
}

func syncBody(t *testing.T, docs ...graph.DocumentFacts) []byte {
	t.Helper()
	b, err := json.Marshal(server.NewSyncRequest(docs))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func documentIDs(t *testing.T, h http.Handler) []string {
	t.Helper()
	var out struct{ Documents []struct{ ID string } }
	post(t, h, `{ documents { id } }`, nil).decode(t, &out)
	var ids []string
	for _, d := range out.Documents {
		ids = append(ids, d.ID)
	}
	return ids
}

// TestAdminDocuments: documents are added, replaced and removed on the
// running server through POST /admin/documents; reads see it at once.
func TestAdminDocuments(t *testing.T) {
	st := servedStore(t)
	h := newHandler(t, st, server.Config{AdminToken: adminToken})
	auth := "Authorization: Bearer " + adminToken

	// Add doc/news beside the fixture.
	res := postDocuments(t, h, syncBody(t, fixtureFacts(t), newsFacts()), auth)
	if res.Status != http.StatusOK {
		t.Fatalf("sync: %d %s", res.Status, res.Body)
	}
	var out server.SyncResponse
	if err := json.Unmarshal([]byte(res.Body), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Changes) != 2 || !out.Changes[0].Unchanged() || out.Changes[1].Document != "doc/news" || out.Changes[1].EntitiesAdded != 2 || out.Changes[1].RelationsAdded != 1 {
		t.Errorf("changes: %s", res.Body)
	}
	if got := strings.Join(documentIDs(t, h), ","); got != "doc/news,doc/test" {
		t.Errorf("documents after adding: %s", got)
	}
	var ent struct {
		Entity *struct {
			ID        string
			Documents []string
		}
	}
	post(t, h, `{ entity(id: "org/sjtu") { id documents } }`, nil).decode(t, &ent)
	if ent.Entity == nil || strings.Join(ent.Entity.Documents, ",") != "doc/news,doc/test" {
		t.Errorf("org/sjtu after adding: %+v", ent.Entity)
	}

	// The same documents again: nothing changes.
	res = postDocuments(t, h, syncBody(t, newsFacts(), fixtureFacts(t)), auth)
	if res.Status != http.StatusOK || strings.Contains(res.Body, `"quadsAdded":1`) {
		t.Errorf("repeated sync: %d %s", res.Status, res.Body)
	}

	// Only doc/news: the fixture document is removed completely.
	res = postDocuments(t, h, syncBody(t, newsFacts()), auth)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `"documentRemoved":true`) {
		t.Fatalf("removal: %d %s", res.Status, res.Body)
	}
	if got := strings.Join(documentIDs(t, h), ","); got != "doc/news" {
		t.Errorf("documents after removal: %s", got)
	}
	post(t, h, `{ entity(id: "org/mh-stc") { id documents } }`, nil).decode(t, &ent)
	if ent.Entity != nil {
		t.Errorf("an entity of the removed document is still served: %+v", ent.Entity)
	}
	// Audit trail.
	var audit struct{ AuditLog []auditOut }
	post(t, h, auditLog, nil, auth).decode(t, &audit)
	if len(audit.AuditLog) != 3 || audit.AuditLog[0].Action != "syncDocuments" || audit.AuditLog[0].Actor != "admin" {
		t.Errorf("audit after three syncs: %+v", audit.AuditLog)
	}
}

// TestAdminDocumentsRefused: every refusal is JSON with a code, and
// nothing is written.
func TestAdminDocumentsRefused(t *testing.T) {
	st := servedStore(t)
	auth := "Authorization: Bearer " + adminToken
	bad := newsFacts()
	bad.Entities[1].Kind = "UNIVERSITY"
	good := syncBody(t, fixtureFacts(t), newsFacts())
	tests := []struct {
		name    string
		cfg     server.Config
		method  string
		ctype   string
		body    []byte
		headers []string
		status  int
		code    string
		msg     string
	}{
		{name: "no admin token configured", cfg: server.Config{}, body: good, headers: []string{auth}, status: 403, code: server.CodeForbidden, msg: "KG_ADMIN_TOKEN"},
		{name: "no Authorization header", body: good, status: 401, code: server.CodeForbidden},
		{name: "wrong token", body: good, headers: []string{"Authorization: Bearer nope"}, status: 403, code: server.CodeForbidden},
		{name: "GET", method: http.MethodGet, headers: []string{auth}, status: 405, code: server.CodeMethod},
		{name: "not JSON", ctype: "text/plain", body: good, headers: []string{auth}, status: 415, code: server.CodeMediaType},
		{name: "malformed JSON", body: []byte(`{"documents": [`), headers: []string{auth}, status: 400, code: server.CodeBadRequest},
		{name: "unknown field", body: []byte(`{"docs": []}`), headers: []string{auth}, status: 400, code: server.CodeBadRequest, msg: "docs"},
		{name: "too large", cfg: server.Config{AdminToken: adminToken, MaxDocumentsBytes: 512}, body: good, headers: []string{auth}, status: 413, code: server.CodeBodyTooLarge},
		{name: "invalid document", body: syncBody(t, fixtureFacts(t), bad), headers: []string{auth}, status: 400, code: server.CodeBadUserInput, msg: "UNIVERSITY"},
		{name: "the curation document", body: syncBody(t, fixtureFacts(t), graph.DocumentFacts{Document: graph.Document{ID: graph.CurationDocument}}), headers: []string{auth}, status: 400, code: server.CodeBadUserInput, msg: graph.CurationDocument},
	}
	var before bytes.Buffer
	if err := st.ExportNQuads(t.Context(), &before); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			if cfg.AdminToken == "" && tc.name != "no admin token configured" {
				cfg.AdminToken = adminToken
			}
			h := newHandler(t, st, cfg)
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			req := httptest.NewRequestWithContext(context.Background(), method, server.DocumentsPath, bytes.NewReader(tc.body))
			ct := tc.ctype
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
			for _, hd := range tc.headers {
				k, v, _ := strings.Cut(hd, ":")
				req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
			}
			res := do(t, h, req)
			if res.Status != tc.status || res.code() != tc.code || !strings.Contains(res.Body, tc.msg) {
				t.Errorf("status %d code %q, want %d %q naming %q: %s", res.Status, res.code(), tc.status, tc.code, tc.msg, res.Body)
			}
			var after bytes.Buffer
			if err := st.ExportNQuads(t.Context(), &after); err != nil {
				t.Fatal(err)
			}
			if after.String() != before.String() {
				t.Error("a refused request changed the store")
			}
		})
	}
}

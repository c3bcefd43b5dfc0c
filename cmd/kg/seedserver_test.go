package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/cayleystore"
	"github.com/minhang-kg/kg/graph/index"
	"github.com/minhang-kg/kg/internal/kgtest"
	"github.com/minhang-kg/kg/server"
)

// kg seed --server adds, replaces and removes documents of a running
// server (the real handler over the read index over the embedded store,
// as kg serve runs), which serves them at once; refusals exit 2 with the
// server's code, and nothing is written.
func TestSeedServer(t *testing.T) {
	const token = "seed-server-token"
	backing, err := cayleystore.Open(t.Context(), cayleystore.Config{Backend: cayleystore.BackendMemory}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.NewWithOptions(t.Context(), backing, nil, index.Options{Poll: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	h, err := server.New(ix, server.Config{AdminToken: token}, kgtest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	docs := func() []string {
		t.Helper()
		ds, err := ix.Documents(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, d := range ds {
			ids = append(ids, d.ID)
		}
		return ids
	}
	env := []string{"KG_ADMIN_TOKEN=" + token}
	data := twoDocuments(t)

	r := kgEnv(t, "", env, "seed", "--server", srv.URL, "--data", data)
	if r.code != exitOK || !strings.Contains(r.stdout, "doc/news: ") || !strings.Contains(r.stdout, "doc/small: ") {
		t.Fatalf("seed --server: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got := docs(); !slices.Equal(got, []string{"doc/news", "doc/small"}) {
		t.Errorf("served documents: %v", got)
	}
	if es, err := ix.Entities(t.Context(), []string{"org/fudan"}); err != nil || es[0] == nil {
		t.Errorf("org/fudan not served after seed --server: %v", err)
	}

	// A wrong token, and an invalid dataset: exit 2, nothing written.
	var before strings.Builder
	if err := ix.ExportNQuads(t.Context(), &before); err != nil {
		t.Fatal(err)
	}
	if r := kgEnv(t, "", []string{"KG_ADMIN_TOKEN=wrong"}, "seed", "--server", srv.URL, "--data", data); r.code != exitError || !strings.Contains(r.stderr, server.CodeForbidden) {
		t.Errorf("wrong token: exit %d\n%s", r.code, r.stderr)
	}
	if r := kg(t, "", "seed", "--server", srv.URL, "--data", data); r.code != exitError || !strings.Contains(r.stderr, "KG_ADMIN_TOKEN") {
		t.Errorf("no token: exit %d\n%s", r.code, r.stderr)
	}
	newsFile := filepath.Join(data, "news", "facts.yaml")
	fixed, err := os.ReadFile(newsFile)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, newsFile, strings.Replace(string(fixed), "kind: INSTITUTION", "kind: UNIVERSITY", 1))
	if r := kgEnv(t, "", env, "seed", "--server", srv.URL, "--data", data); r.code != exitError || !strings.Contains(r.stderr, filepath.Join("news", "facts.yaml")) {
		t.Errorf("invalid dataset: exit %d\n%s", r.code, r.stderr)
	}
	// A conflict only the server's store knows: a curated relation to an
	// entity of doc/news, whose folder is removed.
	if _, err := ix.PutFacts(t.Context(), graph.DocumentFacts{
		Document:  graph.Document{ID: graph.CurationDocument},
		Relations: []graph.Relation{{Subject: "org/sjtu", Predicate: "partners_with", Object: "org/fudan"}},
	}); err != nil {
		t.Fatal(err)
	}
	before.Reset()
	if err := ix.ExportNQuads(t.Context(), &before); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(data, "news")); err != nil {
		t.Fatal(err)
	}
	r = kgEnv(t, "", env, "seed", "--server", srv.URL, "--data", data)
	if r.code != exitError || !strings.Contains(r.stderr, server.CodeBadUserInput) || !strings.Contains(r.stderr, "org/fudan") || !strings.Contains(r.stderr, "doc/news") {
		t.Errorf("conflict with curated facts: exit %d\n%s", r.code, r.stderr)
	}
	var after strings.Builder
	if err := ix.ExportNQuads(t.Context(), &after); err != nil {
		t.Fatal(err)
	}
	if after.String() != before.String() {
		t.Error("a refused seed --server changed the store")
	}

	// Without the curated relation the folder's removal goes through.
	if _, err := ix.DeleteRelation(t.Context(), graph.RelationID(graph.CurationDocument, "org/fudan", "partners_with", "org/sjtu")); err != nil {
		t.Fatal(err)
	}
	r = kgEnv(t, "", env, "seed", "--server", srv.URL, "--data", data, "--json")
	if r.code != exitOK || !strings.Contains(r.stdout, `"documentRemoved": true`) {
		t.Fatalf("removal through the server: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got := docs(); !slices.Equal(got, []string{graph.CurationDocument, "doc/small"}) {
		t.Errorf("served documents after the removal: %v", got)
	}
	if es, err := ix.Entities(t.Context(), []string{"org/fudan"}); err != nil || es[0] != nil {
		t.Errorf("org/fudan still served after its document was removed: %v", err)
	}
}

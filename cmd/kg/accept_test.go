package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/cayleystore"
	"github.com/minhang-kg/kg/graph/index"
	"github.com/minhang-kg/kg/internal/kgtest"
	"github.com/minhang-kg/kg/server"
)

// TestDocumentsOverTime is the acceptance of "documents over time", end to
// end through the kg binary and the real HTTP handler: the product's
// dataset (seed/data) plus the dated test document seed/testdata/second
// (doc/mh-news-2025, which adds org/fudan as a partner of org/sjtu in
// 2025) is seeded into a bbolt store, and then
//   - partners(id:"org/sjtu") includes org/fudan, with asOf:"2024" it does
//     not, with asOf:"2025-06" it does, and the relations it rests on have
//     validFrom in 2025; documents{id date period} shows the new document;
//   - 上海交通大学 added under a new ID fails kg check naming org/sjtu, and a
//     seed of that folder fails and leaves the export byte-identical;
//   - export -> kg import -> export is byte-identical;
//   - with a curated relation to org/fudan in the store, removing the
//     folder fails kg check --path and kg seed naming the relation, the
//     entity and the document, and the seed writes nothing;
//   - removing the folder and seeding again returns the export to that of
//     a fresh store seeded from seed/data alone.
func TestDocumentsOverTime(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "data")
	copyTree(t, filepath.Join("..", "..", "seed", "data"), data)
	copyTree(t, filepath.Join("..", "..", "seed", "source"), filepath.Join(root, "source"))
	copyTree(t, testdata(t, "second"), data) // its source: is a file in its own folder
	news := filepath.Join(data, "mh-news-2025")
	dir := t.TempDir()
	oneDB, db := filepath.Join(dir, "one.db"), filepath.Join(dir, "kg.db")

	// The reference: a fresh store seeded from seed/data alone.
	if r := kg(t, "", "seed", "--path", oneDB, "--data", filepath.Join("..", "..", "seed", "data")); r.code != exitOK {
		t.Fatalf("seed of seed/data: exit %d\n%s", r.code, r.stderr)
	}
	one := exportOf(t, oneDB)

	if r := kg(t, "", "check", "--data", data); r.code != exitOK || !strings.Contains(r.stdout, "document doc/mh-news-2025") {
		t.Fatalf("kg check of the two documents: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := kg(t, "", "seed", "--path", db, "--data", data); r.code != exitOK || !strings.Contains(r.stdout, "doc/mh-news-2025: ") {
		t.Fatalf("seed of the two documents: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	both := exportOf(t, db)
	if both == one {
		t.Fatal("the second document changed nothing in the export")
	}

	t.Run("as of", func(t *testing.T) {
		api := serveStore(t, db)
		type relation struct {
			Inferred  bool
			Document  string
			ValidFrom *string
			From, To  struct{ ID string }
		}
		partners := func(args string) map[string][]relation {
			t.Helper()
			var out struct {
				Partners []struct {
					Partner   struct{ ID string }
					Relations []relation
				}
			}
			api.query(t, `{ partners(id: "org/sjtu"`+args+`, first: 100) { partner { id } relations { inferred document validFrom from { id } to { id } } } }`, &out)
			got := map[string][]relation{}
			for _, p := range out.Partners {
				got[p.Partner.ID] = p.Relations
			}
			return got
		}
		for _, tt := range []struct {
			asOf string
			want bool
		}{{"", true}, {"2024", false}, {"2025-06", true}} {
			args := ""
			if tt.asOf != "" {
				args = `, asOf: "` + tt.asOf + `"`
			}
			got := partners(args)
			rels, ok := got["org/fudan"]
			if ok != tt.want {
				t.Errorf("partners(id:\"org/sjtu\"%s) includes org/fudan: %v, want %v (%d partners)", args, ok, tt.want, len(got))
			}
			// The partnership rests on the second document's relations,
			// beside org/sjtu's own ones to a shared context (which may be
			// the summary's); those of org/fudan, and the partnerships
			// derived from them, begin in 2025.
			news := 0
			for _, r := range rels {
				if r.From.ID != "org/fudan" && r.To.ID != "org/fudan" {
					continue
				}
				if !r.Inferred {
					news++
					if r.Document != "doc/mh-news-2025" {
						t.Errorf("partners(id:\"org/sjtu\"%s): relation %s→%s is of %q, want doc/mh-news-2025", args, r.From.ID, r.To.ID, r.Document)
					}
				}
				if r.ValidFrom == nil || !strings.HasPrefix(*r.ValidFrom, "2025") {
					t.Errorf("partners(id:\"org/sjtu\"%s): relation %s→%s (inferred %v) has validFrom %s, want 2025…", args, r.From.ID, r.To.ID, r.Inferred, deref(r.ValidFrom))
				}
			}
			if ok && news == 0 {
				t.Errorf("partners(id:\"org/sjtu\"%s): org/fudan rests on no relation of doc/mh-news-2025", args)
			}
		}
		if len(partners(`, asOf: "2024"`)) == 0 {
			t.Error("org/sjtu has no partner as of 2024: the summary's partnerships are lost")
		}

		var docs struct {
			Documents []struct {
				ID     string
				Date   *string
				Period *string
			}
		}
		api.query(t, `{ documents { id date period } }`, &docs)
		found := false
		for _, d := range docs.Documents {
			if d.ID == "doc/mh-news-2025" {
				found = true
				if d.Date == nil || *d.Date != "2025-07-01" || d.Period == nil || *d.Period != "2025-01/2025-06" {
					t.Errorf("documents: doc/mh-news-2025 has date %v period %v, want 2025-07-01 and 2025-01/2025-06", deref(d.Date), deref(d.Period))
				}
			}
		}
		if !found {
			t.Errorf("documents does not list doc/mh-news-2025: %+v", docs.Documents)
		}
	})

	t.Run("a duplicate of 上海交通大学 fails check and seed", func(t *testing.T) {
		dup := filepath.Join(news, "sjtu-again.yaml")
		copyFile(t, filepath.Join(testdata(t, "second-duplicate"), "sjtu-again.yaml"), dup)
		defer os.Remove(dup)
		r := kg(t, "", "check", "--data", data)
		want := dup + `:6: entities[0].name: name "上海交通大学" of org/shanghai-jiao-tong-university is also a name of org/sjtu (doc/mkw-2025-11, ` +
			filepath.Join(data, "mkw-2025-11", "core.yaml") + ":"
		if r.code != exitProblems || !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "1 problem") {
			t.Fatalf("kg check: exit %d, want %d and\n%s\ngot:\n%s%s", r.code, exitProblems, want, r.stdout, r.stderr)
		}
		r = kg(t, "", "seed", "--path", db, "--data", data)
		if r.code != exitError || !strings.Contains(r.stderr, "org/sjtu") {
			t.Fatalf("seed with the duplicate: exit %d, want %d naming org/sjtu\n%s%s", r.code, exitError, r.stdout, r.stderr)
		}
		if got := exportOf(t, db); got != both {
			t.Errorf("a failed seed changed the export:\n%s", firstDiff(got, both))
		}
	})

	t.Run("export, import, export", func(t *testing.T) {
		file := filepath.Join(dir, "backup.nq")
		writeFile(t, file, both)
		restored := filepath.Join(dir, "restored.db")
		if r := kg(t, "", "import", "--path", restored, file); r.code != exitOK {
			t.Fatalf("kg import: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if got := exportOf(t, restored); got != both {
			t.Errorf("export -> import -> export differs:\n%s", firstDiff(got, both))
		}
	})

	t.Run("conflicts with curated facts", func(t *testing.T) {
		// A copy of the store with a curated relation to org/fudan, which
		// only doc/mh-news-2025 states.
		curated := filepath.Join(dir, "curated.db")
		copyFile(t, db, curated)
		st, err := cayleystore.Open(t.Context(), cayleystore.Config{Backend: cayleystore.BackendBbolt, Path: curated}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.PutFacts(t.Context(), graph.DocumentFacts{
			Document:  graph.Document{ID: graph.CurationDocument},
			Relations: []graph.Relation{{Subject: "org/sjtu", Predicate: "partners_with", Object: "org/fudan"}},
		}); err != nil {
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if r := kg(t, "", "check", "--data", data, "--path", curated); r.code != exitOK {
			t.Fatalf("kg check against the store, folder present: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		aside := filepath.Join(dir, "mh-news-2025")
		if err := os.Rename(news, aside); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := os.Rename(aside, news); err != nil {
				t.Fatal(err)
			}
		}()
		relID := graph.RelationID(graph.CurationDocument, "org/fudan", "partners_with", "org/sjtu")
		want := []string{data + ": curated relation " + relID, `entity "org/fudan"`, "doc/mh-news-2025", graph.CurationDocument}
		if r := kg(t, "", "check", "--data", data); r.code != exitOK {
			t.Fatalf("kg check without a store: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		r := kg(t, "", "check", "--data", data, "--path", curated)
		if r.code != exitProblems || !strings.Contains(r.stdout, "1 problem") {
			t.Fatalf("kg check against the store, folder removed: exit %d, want %d\n%s%s", r.code, exitProblems, r.stdout, r.stderr)
		}
		for _, w := range want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("kg check does not name %s:\n%s", w, r.stdout)
			}
		}
		before := exportOf(t, curated)
		r = kg(t, "", "seed", "--data", data, "--path", curated)
		if r.code != exitError {
			t.Fatalf("seed orphaning the curated relation: exit %d, want %d\n%s%s", r.code, exitError, r.stdout, r.stderr)
		}
		for _, w := range want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("the seed's error does not name %s:\n%s", w, r.stderr)
			}
		}
		if got := exportOf(t, curated); got != before {
			t.Errorf("a failed seed changed the export:\n%s", firstDiff(got, before))
		}
		if r := kg(t, "", "check", "--data", data, "--path", filepath.Join(dir, "none.db")); r.code != exitError || !strings.Contains(r.stderr, "none.db") {
			t.Errorf("kg check against a missing store: exit %d\n%s", r.code, r.stderr)
		}
	})

	t.Run("removing the folder", func(t *testing.T) {
		if err := os.RemoveAll(news); err != nil {
			t.Fatal(err)
		}
		r := kg(t, "", "seed", "--path", db, "--data", data)
		if r.code != exitOK || !strings.Contains(r.stdout, "doc/mh-news-2025: document removed") {
			t.Fatalf("seed without the folder: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if got := exportOf(t, db); got != one {
			t.Errorf("export after removing the folder differs from a fresh store's of seed/data:\n%s", firstDiff(got, one))
		}
	})
}

// api is a GraphQL endpoint served by the real handler.
type api struct{ url string }

// serveStore serves the bbolt store at path through the read index and the
// real HTTP handler (as kg serve does) until the test ends, when the store
// is closed again.
func serveStore(t *testing.T, path string) api {
	t.Helper()
	st, err := cayleystore.Open(t.Context(), cayleystore.Config{Backend: cayleystore.BackendBbolt, Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.NewWithOptions(t.Context(), st, nil, index.Options{Poll: -1})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ix.Close(); err != nil {
			t.Error(err)
		}
	})
	h, err := server.New(ix, server.Config{}, kgtest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return api{srv.URL}
}

// query posts a GraphQL query and decodes its data into out; errors fail
// the test.
func (a api) query(t *testing.T, q string, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": q})
	resp, err := http.Post(a.url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatalf("%s: status %d: %v", q, resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK || len(res.Errors) > 0 {
		t.Fatalf("%s: status %d, errors %+v", q, resp.StatusCode, res.Errors)
	}
	if err := json.Unmarshal(res.Data, out); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func deref(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/cayleystore"
)

// export -> kg import -> export is byte-identical, curated facts and the
// audit trail included, into a fresh and into a non-empty store; a
// malformed file fails naming file:line and writes nothing.
func TestImportRestoresAnExport(t *testing.T) {
	data := twoDocuments(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	if r := kg(t, "", "seed", "--path", src, "--data", data); r.code != exitOK {
		t.Fatalf("seed: exit %d\n%s", r.code, r.stderr)
	}
	// Curated facts and an audit entry live only in the store.
	st, err := cayleystore.Open(t.Context(), cayleystore.Config{Backend: cayleystore.BackendBbolt, Path: src}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutFacts(t.Context(), graph.DocumentFacts{
		Document:  graph.Document{ID: graph.CurationDocument, Title: "人工整理"},
		Entities:  []graph.Entity{{ID: "person/li", Kind: graph.KindPerson, Name: "李明"}},
		Relations: []graph.Relation{{Subject: "person/li", Predicate: "member_of", Object: "org/fudan", ValidFrom: "2025"}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.AppendAudit(t.Context(), graph.AuditEntry{Actor: "admin", Action: "addRelation", Target: "person/li"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	backup := exportOf(t, src)
	file := filepath.Join(dir, "backup.nq")
	writeFile(t, file, backup)

	fresh := filepath.Join(dir, "fresh.db")
	r := kg(t, "", "import", file, "--path", fresh)
	if r.code != exitOK || !strings.Contains(r.stdout, "imported") {
		t.Fatalf("import into a fresh store: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got := exportOf(t, fresh); got != backup {
		t.Errorf("export -> import -> export differs:\n%s", firstDiff(got, backup))
	}
	if !strings.Contains(backup, "auditEntry") || !strings.Contains(backup, "person/li") {
		t.Error("the backup lacks the audit trail or the curated facts")
	}

	// Into a store holding another graph: replaced completely.
	other := filepath.Join(dir, "other.db")
	if r := kg(t, "", "seed", "--path", other, "--data", testdata(t, "valid")); r.code != exitOK {
		t.Fatalf("seed: %s", r.stderr)
	}
	if r := kg(t, "", "import", "--path", other, file); r.code != exitOK {
		t.Fatalf("import into a non-empty store: exit %d\n%s", r.code, r.stderr)
	}
	if got := exportOf(t, other); got != backup {
		t.Errorf("import into a non-empty store:\n%s", firstDiff(got, backup))
	}
	if r := kg(t, "", "import", "--path", other, file); r.code != exitOK || !strings.Contains(r.stdout, "already holds exactly") {
		t.Errorf("second import: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}

	// A malformed line: exit 2 naming file:line; the store is unchanged.
	lines := strings.SplitAfter(backup, "\n")
	bad := filepath.Join(dir, "bad.nq")
	writeFile(t, bad, strings.Join(lines[:5], "")+"<https://x/a> <https://x/b> \"unterminated .\n"+strings.Join(lines[5:], ""))
	before := exportOf(t, fresh)
	r = kg(t, "", "import", "--path", fresh, bad)
	if r.code != exitError || !strings.Contains(r.stderr, bad+":6") {
		t.Fatalf("import of a malformed file: exit %d\n%s", r.code, r.stderr)
	}
	if exportOf(t, fresh) != before {
		t.Error("a failed import changed the store")
	}
	if r := kg(t, "", "import", "--path", fresh); r.code != exitError || !strings.Contains(r.stderr, "required") {
		t.Errorf("import without a file: exit %d\n%s", r.code, r.stderr)
	}
	if r := kg(t, "", "import", "--path", fresh, filepath.Join(dir, "none.nq")); r.code != exitError || !strings.Contains(r.stderr, "none.nq") {
		t.Errorf("import of a missing file: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatal(err)
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/cayleystore"
)

const newsText = "上海交大与复旦大学签署合作协议\n" +
	"2025年3月，上海交大与复旦大学签署合作协议，共建联合实验室。\n"

const newsDocument = `id: doc/news
title: 上海交大与复旦大学签署合作协议
source: ../../source/news.txt
`

const newsFacts = `entities:
  - id: org/sjtu
    kind: INSTITUTION
    name: 上海交通大学
    aliases: [上海交大]
    evidence:
      - quote: 2025年3月，上海交大与复旦大学签署合作协议
  - id: org/fudan
    kind: INSTITUTION
    name: 复旦大学
    nameEn: Fudan University
    evidence:
      - quote: 2025年3月，上海交大与复旦大学签署合作协议
relations:
  - subject: org/sjtu
    predicate: signs_agreement_with
    object: org/fudan
    evidence:
      - quote: 2025年3月，上海交大与复旦大学签署合作协议
`

// twoDocuments lays out a data directory with the test document doc/small
// and a second one, doc/news (in folder news), that shares org/sjtu with
// it; offsets and sections filled in by kg check --fix. It returns the
// data directory.
func twoDocuments(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	data := filepath.Join(root, "data")
	copyTree(t, testdata(t, "valid"), data)
	copyTree(t, testdata(t, "source"), filepath.Join(root, "source"))
	writeFile(t, filepath.Join(root, "source", "news.txt"), newsText)
	news := filepath.Join(data, "news")
	if err := os.MkdirAll(news, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(news, "document.yaml"), newsDocument)
	writeFile(t, filepath.Join(news, "facts.yaml"), newsFacts)
	if r := kg(t, "", "check", "--fix", "--data", data); r.code != exitOK {
		t.Fatalf("kg check --fix: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	return data
}

func exportOf(t *testing.T, db string) string {
	t.Helper()
	r := kg(t, "", "export", "--format", "nquads", "--path", db)
	if r.code != exitOK {
		t.Fatalf("kg export: exit %d\n%s", r.code, r.stderr)
	}
	return r.stdout
}

// kg seed makes the store equal to the data directory: a new folder adds
// its document, a folder removed removes it (the export is then that of
// the one-document store), and a seed that fails writes nothing.
func TestSeedSyncsTheDataDirectory(t *testing.T) {
	data := twoDocuments(t)
	dir := t.TempDir()
	oneDB, db := filepath.Join(dir, "one.db"), filepath.Join(dir, "kg.db")

	// The reference: doc/small alone.
	if r := kg(t, "", "seed", "--path", oneDB, "--data", testdata(t, "valid")); r.code != exitOK {
		t.Fatalf("seed of doc/small: exit %d\n%s", r.code, r.stderr)
	}
	one := exportOf(t, oneDB)

	r := kg(t, "", "seed", "--path", db, "--data", data)
	if r.code != exitOK || !strings.Contains(r.stdout, "doc/news: ") || !strings.Contains(r.stdout, "doc/small: ") {
		t.Fatalf("seed of two documents: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	both := exportOf(t, db)
	if !strings.Contains(both, "<https://minhang-kg.github.io/kg/id/org/fudan>") {
		t.Fatal("the second document's entity is not in the export")
	}

	// A failing seed (doc/small changed, doc/news broken) writes nothing
	// and names the document's file.
	small := filepath.Join(data, "small", "facts.yaml")
	orig, err := os.ReadFile(small)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, small, strings.Replace(string(orig), "name: 测试实验室", "name: 测试实验室（改）", 1))
	newsFile := filepath.Join(data, "news", "facts.yaml")
	fixed, err := os.ReadFile(newsFile)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, newsFile, strings.Replace(string(fixed), "kind: INSTITUTION", "kind: UNIVERSITY", 1))
	r = kg(t, "", "seed", "--path", db, "--data", data)
	if r.code != exitError || !strings.Contains(r.stderr, filepath.Join("news", "facts.yaml")) {
		t.Fatalf("seed with a broken document: exit %d\n%s", r.code, r.stderr)
	}
	if exportOf(t, db) != both {
		t.Error("a failed seed changed the export")
	}
	writeFile(t, small, string(orig))
	writeFile(t, newsFile, string(fixed))

	// The folder removed: the document goes, completely.
	if err := os.RemoveAll(filepath.Join(data, "news")); err != nil {
		t.Fatal(err)
	}
	r = kg(t, "", "seed", "--path", db, "--data", data)
	if r.code != exitOK || !strings.Contains(r.stdout, "doc/news: document removed") || !strings.Contains(r.stdout, "doc/small: unchanged") {
		t.Fatalf("seed without the folder: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if got := exportOf(t, db); got != one {
		t.Errorf("export after removing the folder differs from the one-document store's:\n%s", firstDiff(got, one))
	}
}

// A seed that would remove the entity a curated relation refers to fails,
// naming the relation, the entity and the document, and writes nothing.
func TestSeedRefusesToOrphanCuratedFacts(t *testing.T) {
	data := twoDocuments(t)
	db := filepath.Join(t.TempDir(), "kg.db")
	if r := kg(t, "", "seed", "--path", db, "--data", data); r.code != exitOK {
		t.Fatalf("seed: exit %d\n%s", r.code, r.stderr)
	}
	st, err := cayleystore.Open(t.Context(), cayleystore.Config{Backend: cayleystore.BackendBbolt, Path: db}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cur := graph.DocumentFacts{
		Document:  graph.Document{ID: graph.CurationDocument},
		Relations: []graph.Relation{{Subject: "org/sjtu", Predicate: "partners_with", Object: "org/fudan"}},
	}
	if _, err := st.PutFacts(t.Context(), cur); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	before := exportOf(t, db)
	if err := os.RemoveAll(filepath.Join(data, "news")); err != nil {
		t.Fatal(err)
	}
	r := kg(t, "", "seed", "--path", db, "--data", data)
	if r.code != exitError {
		t.Fatalf("seed orphaning a curated relation: exit %d\n%s", r.code, r.stdout)
	}
	relID := graph.RelationID(graph.CurationDocument, "org/fudan", "partners_with", "org/sjtu")
	for _, want := range []string{"doc/news", "org/fudan", relID, graph.CurationDocument} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("error does not name %s:\n%s", want, r.stderr)
		}
	}
	if exportOf(t, db) != before {
		t.Error("a failed seed changed the export")
	}
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + al[i] + "\n want " + bl[i]
		}
	}
	return "one is a prefix of the other"
}

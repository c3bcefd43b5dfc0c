package seed

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
)

// twoDocuments makes a dataset of doc/small (its facts.yaml replaced by
// a.yaml) and doc/later (dated after it) with b.yaml.
func twoDocuments(t *testing.T, a, b string) string {
	t.Helper()
	dir := smallDataset(t, map[string]string{
		"document.yaml": "id: doc/small\ntitle: 测试委员会工作总结\nsource: ../../source/small.txt\ndate: 2025-01-10\nperiod: \"2024\"\n",
		"a.yaml":        a,
	})
	write(t, filepath.Join(dir, "later", "document.yaml"), "id: doc/later\ntitle: 测试委员会工作总结\nsource: ../../source/small.txt\ndate: 2025-07-01\nperiod: \"2025\"\n")
	write(t, filepath.Join(dir, "later", "b.yaml"), b)
	return dir
}

func TestOneEntityAcrossDocuments(t *testing.T) {
	const ev = "    evidence:\n      - {quote: 上海交大牵头建设测试实验室, start: 177, end: 190, section: 二、（一）}\n"
	ent := func(id, name, extra string) string {
		return "  - id: " + id + "\n    kind: INSTITUTION\n    name: " + name + "\n" + extra + ev
	}
	sjtu := "entities:\n" + ent("org/sjtu", "上海交通大学", "    nameEn: Shanghai Jiao Tong University\n    aliases: [上海交大, SJTU]\n")
	tests := []struct {
		name     string
		a, b     string
		want     []loc
		contains []string
	}{
		{name: "same name under a new ID", a: sjtu, b: "entities:\n" + ent("org/jiaoda", "上海交通大学", ""),
			want:     []loc{{"b.yaml", 4, CodeSameName}},
			contains: []string{`name "上海交通大学" of org/jiaoda is also a name of org/sjtu (doc/small, `, "a.yaml:4)", "sameAs: org/sjtu", "distinctFrom: [org/sjtu]"}},
		{name: "an alias equal to an English acronym, in another case", a: sjtu, b: "entities:\n" + ent("org/other", "另一所大学", "    aliases: [sjtu]\n"),
			want: []loc{{"b.yaml", 5, CodeSameName}}, contains: []string{`aliases "sjtu" of org/other is also a name of org/sjtu`}},
		{name: "quotation marks do not make another name", a: sjtu, b: "entities:\n" + ent("org/other", "“上海交大”", ""),
			want: []loc{{"b.yaml", 4, CodeSameName}}},
		{name: "two entities of one document", a: "entities:\n" + ent("org/a", "甲", "    aliases: [科委]\n") + ent("org/b", "乙", "    aliases: [科委]\n"),
			b: "entities:\n" + ent("org/c", "丙", ""), want: []loc{{"a.yaml", 11, CodeSameName}}},
		{name: "mentions are no names", a: "entities:\n" + ent("org/a", "甲", "    mentions: [科委]\n") + ent("org/b", "乙", "    mentions: [科委]\n"),
			b: "entities:\n" + ent("org/c", "丙", "    mentions: [科委]\n")},
		{name: "distinctFrom", a: sjtu, b: "entities:\n" + ent("org/other", "上海交通大学", "    distinctFrom: [org/sjtu]\n")},
		{name: "distinctFrom an unknown entity", a: sjtu, b: "entities:\n" + ent("org/other", "其他", "    distinctFrom: [org/nope]\n"),
			want: []loc{{"b.yaml", 5, CodeDangling}}},
		{name: "sameAs", a: sjtu, b: "entities:\n" + ent("org/jiaoda", "上海交通大学", "    sameAs: org/sjtu\n")},
		{name: "sameAs under another name that keeps the existing one", a: sjtu,
			b: "entities:\n" + ent("org/jiaoda", "交通大学", "    sameAs: org/sjtu\n    aliases: [上海交通大学]\n")},
		{name: "sameAs under another name alone", a: sjtu, b: "entities:\n" + ent("org/jiaoda", "交通大学", "    sameAs: org/sjtu\n"),
			want: []loc{{"b.yaml", 4, CodeRenamed}}, contains: []string{`org/sjtu is named "上海交通大学" in doc/small (`, `list "上海交通大学" among the aliases`}},
		{name: "the same ID under another name", a: sjtu, b: "entities:\n" + ent("org/sjtu", "交通大学", ""),
			want: []loc{{"b.yaml", 4, CodeRenamed}}},
		{name: "the same ID under another name listing the existing one", a: sjtu, b: "entities:\n" + ent("org/sjtu", "交通大学", "    aliases: [上海交通大学]\n")},
		{name: "sameAs an unknown entity", a: sjtu, b: "entities:\n" + ent("org/jiaoda", "交通大学", "    sameAs: org/nope\n"),
			want: []loc{{"b.yaml", 5, CodeDangling}}},
		{name: "sameAs an entity of the same document", a: sjtu, b: "entities:\n" + ent("org/sjtu", "上海交通大学", "") + ent("org/jiaoda", "上海交通大学", "    sameAs: org/sjtu\n"),
			want: []loc{{"b.yaml", 10, CodeSameAs}}, contains: []string{"use the ID org/sjtu here, not sameAs"}},
		{name: "sameAs a sameAs", a: sjtu + ent("org/jd", "交大本部", "    sameAs: org/sjtu\n    aliases: [上海交通大学]\n"),
			b: "entities:\n" + ent("org/x", "交大本部", "    sameAs: org/jd\n    aliases: [上海交通大学]\n"), want: []loc{{"b.yaml", 5, CodeSameAs}, {"a.yaml", 12, CodeSameAs}}, contains: []string{"sameAs org/jd, which is itself sameAs org/sjtu"}},
		{name: "sameAs an entity of another kind", a: sjtu, b: "entities:\n  - id: lab/sjtu\n    kind: LAB\n    name: 上海交通大学\n    sameAs: org/sjtu\n" + ev,
			want: []loc{{"b.yaml", 3, CodeSameAs}}, contains: []string{"lab/sjtu is sameAs org/sjtu, which is INSTITUTION"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Check(twoDocuments(t, tt.a, tt.b))
			if err != nil {
				t.Fatal(err)
			}
			wantLocs(t, rep, tt.want)
			for _, c := range tt.contains {
				if !strings.Contains(text(rep), c) {
					t.Errorf("report does not say %q:\n%s", c, text(rep))
				}
			}
		})
	}
}

// TestSameAsMerges: the facts of an entity declared sameAs are stored about
// the entity it is, in every document referring to it.
func TestSameAsMerges(t *testing.T) {
	const ev = "    evidence:\n      - {quote: 上海交大牵头建设测试实验室, start: 177, end: 190, section: 二、（一）}\n"
	a := "entities:\n  - id: org/sjtu\n    kind: INSTITUTION\n    name: 上海交通大学\n" + ev +
		"  - id: lab/x\n    kind: LAB\n    name: 测试实验室\n" + ev +
		"relations:\n  - subject: org/jiaoda\n    predicate: builds\n    object: lab/x\n" + ev
	b := "entities:\n  - id: org/jiaoda\n    kind: INSTITUTION\n    name: 上海交通大学\n    sameAs: org/sjtu\n" + ev +
		"relations:\n  - subject: org/jiaoda\n    predicate: supports\n    object: lab/x\n" + ev
	ds, err := Parse(twoDocuments(t, a, b))
	if err != nil {
		t.Fatal(err)
	}
	facts, err := ds.Facts()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range facts {
		for _, e := range f.Entities {
			if e.ID == "org/jiaoda" {
				t.Errorf("%s: entity org/jiaoda stored under its own ID", f.Document.ID)
			}
		}
		for _, r := range f.Relations {
			if r.Subject != "org/sjtu" || r.ID != graph.RelationID(f.Document.ID, "org/sjtu", r.Predicate, r.Object) {
				t.Errorf("%s: relation %s (%s) is not about org/sjtu", f.Document.ID, r.ID, r.Subject)
			}
		}
	}
	st := memStore(t)
	if _, err := ds.Load(context.Background(), st, discard()); err != nil {
		t.Fatal(err)
	}
	es, err := st.Entities(context.Background(), []string{"org/sjtu", "org/jiaoda"})
	if err != nil {
		t.Fatal(err)
	}
	if es[0] == nil || len(es[0].Documents) != 2 || es[1] != nil {
		t.Errorf("stored: org/sjtu = %+v, org/jiaoda = %+v; want org/sjtu in both documents and no org/jiaoda", es[0], es[1])
	}
}

// secondDocument copies the product's dataset and adds the dated test
// document seed/testdata/second (and the extra files given).
func secondDocument(t *testing.T, extra ...string) string {
	t.Helper()
	root := t.TempDir()
	copyDir(t, "data", filepath.Join(root, "data"))
	copyDir(t, "source", filepath.Join(root, "source"))
	copyDir(t, filepath.Join("testdata", "second"), filepath.Join(root, "data"))
	for _, p := range extra {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(root, "data", "mh-news-2025", filepath.Base(p)), string(b))
	}
	return filepath.Join(root, "data")
}

// TestSecondDocument: the summary plus a dated document of 2025 that
// shares org/sjtu, merges org/minhang-stc into org/mh-stc and adds a
// partner of org/sjtu valid from June 2025.
func TestSecondDocument(t *testing.T) {
	ds, err := Parse(secondDocument(t))
	if err != nil {
		t.Fatal(err)
	}
	facts, err := ds.Facts()
	if err != nil {
		t.Fatalf("summary plus the second document: %v", err)
	}
	var doc *graph.DocumentFacts
	for i := range facts {
		if facts[i].Document.ID == "doc/mh-news-2025" {
			doc = &facts[i]
		}
	}
	if doc == nil {
		t.Fatal("doc/mh-news-2025 not loaded")
	}
	if doc.Document.Date != "2025-07-01" || doc.Document.Period != "2025-01/2025-06" {
		t.Errorf("document date, period = %q, %q", doc.Document.Date, doc.Document.Period)
	}
	y2024, _ := graph.ParseDate("2024")
	june, _ := graph.ParseDate("2025-06")
	var agreement *graph.Relation
	for i, r := range doc.Relations {
		if r.Subject == "org/minhang-stc" || r.Object == "org/minhang-stc" {
			t.Errorf("relation %s still refers to org/minhang-stc (sameAs org/mh-stc)", r.ID)
		}
		if !strings.HasPrefix(r.ValidFrom, "2025") {
			t.Errorf("relation %s: validFrom %q, want 2025…", r.ID, r.ValidFrom)
		}
		if r.Predicate == "signs_agreement_with" && r.Subject == "org/sjtu" && r.Object == "org/fudan" {
			agreement = &doc.Relations[i]
		}
	}
	if agreement == nil {
		t.Fatal("no org/sjtu signs_agreement_with org/fudan")
	}
	if agreement.HoldsAt(y2024) || !agreement.HoldsAt(june) {
		t.Errorf("agreement %s..%s: holds as of 2024 = %v (want false), as of 2025-06 = %v (want true)",
			agreement.ValidFrom, agreement.ValidTo, agreement.HoldsAt(y2024), agreement.HoldsAt(june))
	}

	// The failing variant: 上海交通大学 under a new ID.
	rep, err := Check(secondDocument(t, filepath.Join("testdata", "second-duplicate", "sjtu-again.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	wantLocs(t, rep, []loc{{"sjtu-again.yaml", 6, CodeSameName}})
	if !strings.Contains(text(rep), "is also a name of org/sjtu (doc/mkw-2025-11, ") {
		t.Errorf("the report does not name org/sjtu:\n%s", text(rep))
	}
}

package synth

import (
	"reflect"
	"sort"
	"testing"
	"unicode/utf8"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/seed"
)

func TestGenerateShape(t *testing.T) {
	for _, quads := range []int{1_000, 10_000} {
		f := MustGenerate(Config{Quads: quads, Seed: 1})
		got := QuadCount(f)
		// Within one entity's worth of quads (at most ~40) of the target.
		if got < quads || got > quads+60 {
			t.Errorf("Quads %d: QuadCount = %d", quads, got)
		}
		ids := map[string]bool{}
		names := map[string]string{}
		kinds := map[graph.Kind]int{}
		for _, e := range f.Entities {
			if ids[e.ID] {
				t.Fatalf("duplicate entity %s", e.ID)
			}
			ids[e.ID] = true
			if err := graph.CheckID(e.ID); err != nil {
				t.Errorf("entity ID: %v", err)
			}
			if !e.Kind.Valid() || e.Name == "" || e.NameEn == "" {
				t.Errorf("entity %+v: bad kind or names", e)
			}
			if prev, dup := names[e.Name]; dup {
				t.Errorf("name %s of %s also names %s", e.Name, e.ID, prev)
			}
			names[e.Name] = e.ID
			for _, a := range e.Attributes {
				if err := a.Validate(); err != nil {
					t.Errorf("%s: %v", e.ID, err)
				}
			}
			if len(e.Evidence) != 1 {
				t.Errorf("%s: %d evidence items, want 1", e.ID, len(e.Evidence))
			}
			kinds[e.Kind]++
		}
		if len(kinds) < 12 {
			t.Errorf("only %d kinds: %v", len(kinds), kinds)
		}
		out := map[string]int{}
		in := map[string]int{}
		rels := map[string]bool{}
		for _, r := range f.Relations {
			if !ids[r.Subject] || !ids[r.Object] || r.Subject == r.Object {
				t.Fatalf("relation %+v: dangling or self", r)
			}
			if _, ok := graph.LookupPredicate(r.Predicate); !ok {
				t.Fatalf("relation %+v: unknown predicate", r)
			}
			if r.ID != graph.RelationID(f.Document.ID, r.Subject, r.Predicate, r.Object) || rels[r.ID] {
				t.Fatalf("relation %+v: wrong or duplicate ID", r)
			}
			rels[r.ID] = true
			if len(r.Evidence) != 1 {
				t.Fatalf("relation %s: %d evidence items", r.ID, len(r.Evidence))
			}
			out[r.Subject]++
			in[r.Object]++
		}
		for id := range ids {
			if id == f.Document.ID {
				continue
			}
			if n := out[id]; n < 3 || n > 8 {
				t.Errorf("%s has %d outgoing relations, want 3..8", id, n)
			}
		}
		// Power law: the most cited target gets far more than the mean.
		var deg []int
		for _, n := range in {
			deg = append(deg, n)
		}
		sort.Sort(sort.Reverse(sort.IntSlice(deg)))
		mean := float64(len(f.Relations)) / float64(len(f.Entities))
		if float64(deg[0]) < 5*mean {
			t.Errorf("Quads %d: top in-degree %d, mean %.1f: no hubs", quads, deg[0], mean)
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a := MustGenerate(Config{Quads: 3000, Seed: 7})
	b := MustGenerate(Config{Quads: 3000, Seed: 7})
	c := MustGenerate(Config{Quads: 3000, Seed: 8})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different graphs")
	}
	if reflect.DeepEqual(a.Relations, c.Relations) {
		t.Fatal("different seeds, same relations")
	}
	// Entity shapes do not depend on the size.
	small := MustGenerate(Config{Entities: 50, Seed: 7})
	for i := 1; i < len(small.Entities); i++ {
		x, y := small.Entities[i], a.Entities[i]
		x.Evidence, y.Evidence = nil, nil
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("entity %d differs between sizes: %+v vs %+v", i, x, y)
		}
	}
}

func TestEvidenceLocatesQuotes(t *testing.T) {
	f := MustGenerate(Config{Quads: 20_000, Seed: 3})
	o := graph.NewOutline(f.Document.Text, f.Document.Title)
	check := func(what string, evs []graph.Evidence) {
		for _, ev := range evs {
			got, ok := o.Slice(ev.Start, ev.End)
			if !ok || got != ev.Quote {
				t.Fatalf("%s: %d..%d gives %q, want %q", what, ev.Start, ev.End, got, ev.Quote)
			}
			if want := o.SectionAt(ev.Start); want != ev.Section {
				t.Fatalf("%s: section %q, outline says %q", what, ev.Section, want)
			}
			if ev.Document != f.Document.ID {
				t.Fatalf("%s: evidence document %q", what, ev.Document)
			}
		}
	}
	for _, e := range f.Entities {
		check(e.ID, e.Evidence)
	}
	for _, r := range f.Relations {
		check(r.ID, r.Evidence)
	}
	if len(o.Sections) < 5 {
		t.Errorf("only %d sections", len(o.Sections))
	}
}

func TestWriteDatasetPassesCheck(t *testing.T) {
	dir := t.TempDir()
	f := MustGenerate(Config{Quads: 5_000, Seed: 11, Document: "doc/synth-check"})
	if _, err := WriteDataset(dir, f, WriteOptions{PerFile: 100}); err != nil {
		t.Fatal(err)
	}
	// Rewriting replaces the folder.
	if _, err := WriteDataset(dir, f, WriteOptions{PerFile: 300}); err != nil {
		t.Fatal(err)
	}
	ds, err := seed.Parse(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep := ds.Validate()
	if !rep.OK() {
		for i, p := range rep.Problems {
			if i == 10 {
				break
			}
			t.Error(p)
		}
		t.Fatalf("%d problems", len(rep.Problems))
	}
	if len(ds.Documents) != 1 {
		t.Fatalf("%d documents", len(ds.Documents))
	}
	var ents, rels int
	for _, ff := range ds.Documents[0].Files {
		ents += len(ff.Entities)
		rels += len(ff.Relations)
	}
	if ents != len(f.Entities) || rels != len(f.Relations) {
		t.Fatalf("parsed %d entities, %d relations; wrote %d, %d", ents, rels, len(f.Entities), len(f.Relations))
	}
}

func TestNumeral(t *testing.T) {
	for n, want := range map[int]string{1: "一", 9: "九", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 100: "一百", 101: "一百零一", 110: "一百一十", 1010: "一千零一十"} {
		if got := Numeral(n); got != want {
			t.Errorf("Numeral(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestCoreInjective(t *testing.T) {
	zh, en := map[string]int{}, map[string]int{}
	for i := 0; i < 300_000; i += 7 {
		z, e := core(i)
		if j, dup := zh[z]; dup {
			t.Fatalf("core(%d) = core(%d) = %s", i, j, z)
		}
		if j, dup := en[e]; dup {
			t.Fatalf("core(%d) = core(%d) = %s", i, j, e)
		}
		zh[z], en[e] = i, i
		if utf8.RuneCountInString(z) < 3 {
			t.Fatalf("core(%d) = %s: short", i, z)
		}
	}
}

package storetest

import (
	"errors"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
)

// testImport: export -> import (into an empty and into a non-empty store)
// -> export is byte-identical, curated facts and audit included; a
// malformed line is ErrInvalid naming name:line and writes nothing.
// Stores without graph.Importer skip it.
func testImport(t *testing.T, s graph.Store, fresh func() graph.Store) {
	if _, ok := s.(graph.Importer); !ok {
		t.Skip("the store does not implement graph.Importer")
	}
	mustSync(t, s, factsA(), factsB(), factsC())
	if _, err := s.PutFacts(ctx(t), curated(true)); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendAudit(ctx(t), graph.AuditEntry{Actor: "admin", Action: "addRelation", Target: "person/li", Detail: "{\"x\":\"a\\nb\"}"}); err != nil {
		t.Fatal(err)
	}
	backup := export(t, s)
	imp := func(t *testing.T, st graph.Store, text, name string) (graph.Change, error) {
		t.Helper()
		return st.(graph.Importer).ImportNQuads(ctx(t), strings.NewReader(text), name)
	}

	empty := fresh()
	ch, err := imp(t, empty, backup, "backup.nq")
	if err != nil {
		t.Fatalf("import into an empty store: %v", err)
	}
	if n, _ := CountNQuads(backup); ch.QuadsAdded != n || ch.QuadsRemoved != 0 {
		t.Errorf("import into an empty store: %+v, want %d quads added", ch, n)
	}
	if got := export(t, empty); got != backup {
		t.Errorf("export -> import -> export differs:\n%s", lineDiff(got, backup))
	}
	same(t, "imported graph", snapshot(t, empty), snapshot(t, s))
	if a, err := empty.Audit(ctx(t), 0); err != nil || len(a) != 1 || a[0].Actor != "admin" {
		t.Errorf("imported audit: %+v, %v", a, err)
	}
	// Importing it again changes nothing.
	g := generation(t, empty)
	if ch, err := imp(t, empty, backup, "backup.nq"); err != nil || !ch.Unchanged() || generation(t, empty) != g {
		t.Errorf("second import: %+v, %v; generation %d -> %d", ch, err, g, generation(t, empty))
	}

	// Into a store holding something else: it replaces everything.
	other := fresh()
	mustSync(t, other, factsC())
	if err := other.AppendAudit(ctx(t), graph.AuditEntry{Actor: "someone", Action: "upsertEntity", Target: "org/zju"}); err != nil {
		t.Fatal(err)
	}
	g = generation(t, other)
	if _, err := imp(t, other, backup, "backup.nq"); err != nil {
		t.Fatalf("import into a non-empty store: %v", err)
	}
	if got := export(t, other); got != backup {
		t.Errorf("import into a non-empty store:\n%s", lineDiff(got, backup))
	}
	if generation(t, other) == g {
		t.Error("import did not move the generation")
	}

	// Bad input writes nothing and names the line.
	before, g0 := export(t, other), generation(t, other)
	lines := strings.SplitAfter(backup, "\n")
	bad := []struct {
		name, text, want string
	}{
		{"malformed line", strings.Join(lines[:3], "") + "<not a quad\n" + strings.Join(lines[3:], ""), "bad.nq:4"},
		{"triple without a graph", lines[0] + "<https://x/a> <https://x/b> <https://x/c> .\n", "bad.nq:2"},
		{"truncated", lines[0] + lines[1][:len(lines[1])/2], "bad.nq:2"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := imp(t, other, tc.text, "bad.nq")
			if !errors.Is(err, graph.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("import: %v; want ErrInvalid naming %s", err, tc.want)
			}
			if export(t, other) != before || generation(t, other) != g0 {
				t.Error("a failed import changed the store")
			}
		})
	}
}

// lineDiff names the first differing line of two exports.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return "line " + g[i] + "\nwant " + w[i]
		}
	}
	return "lengths differ"
}

package server_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/kgtest"
	"github.com/minhang-kg/kg/seed"
	"github.com/minhang-kg/kg/server"
)

const seedDir = "../seed/data"

// seededStore is a memory store loaded with the real curated dataset.
func seededStore(t testing.TB) graph.Store {
	t.Helper()
	return kgtest.DatasetStore(t, kgtest.Logger(t))
}

// checkQuote fails unless the evidence quote is the text at its offsets.
func checkQuote(t *testing.T, st graph.Store, doc, quote string, start, end int) {
	t.Helper()
	text, err := st.DocumentText(t.Context(), doc)
	if err != nil {
		t.Fatalf("text of %s: %v", doc, err)
	}
	r := []rune(text)
	if quote == "" || start < 0 || end > len(r) || string(r[start:end]) != quote {
		t.Errorf("evidence %q [%d,%d) is not the text of %s there", quote, start, end, doc)
	}
}

// TestSeeded answers the contract's questions on the real dataset.
func TestSeeded(t *testing.T) {
	st := seededStore(t)
	h := newHandler(t, st, server.Config{})

	t.Run("partners of 上海交通大学 include the commission and 华东师范大学, with evidence", func(t *testing.T) {
		r := post(t, h, `{ partners(id: "org/sjtu") { partner { id name } strength via { id } relations { predicate inferred evidence { quote start end document } } } }`, nil)
		var d struct {
			Partners []struct {
				Partner   struct{ ID, Name string }
				Relations []struct {
					Predicate string
					Evidence  []struct {
						Quote, Document string
						Start, End      int
					}
				}
			}
		}
		r.decode(t, &d)
		found := map[string]bool{}
		for _, p := range d.Partners {
			found[p.Partner.ID] = true
			if p.Partner.ID != "org/mh-stc" && p.Partner.ID != "org/ecnu" {
				continue
			}
			n := 0
			for _, rel := range p.Relations {
				for _, e := range rel.Evidence {
					checkQuote(t, st, e.Document, e.Quote, e.Start, e.End)
					n++
				}
			}
			if n == 0 {
				t.Errorf("partner %s without evidence", p.Partner.ID)
			}
		}
		if !found["org/mh-stc"] || !found["org/ecnu"] {
			t.Errorf("partners = %v, want org/mh-stc and org/ecnu", found)
		}
	})

	t.Run("search 交大 finds 上海交通大学 first", func(t *testing.T) {
		r := post(t, h, `{ search(text: "交大") { entity { id name } } }`, nil)
		var d struct {
			Search []struct{ Entity struct{ ID, Name string } }
		}
		r.decode(t, &d)
		if len(d.Search) == 0 || d.Search[0].Entity.ID != "org/sjtu" || d.Search[0].Entity.Name != "上海交通大学" {
			t.Errorf("search = %+v", d.Search)
		}
	})

	t.Run("path between two entities without a direct relation", func(t *testing.T) {
		from, to := "org/ecnu", "alliance/dlhw-robot-innovation-alliance"
		r := post(t, h, `query($id: ID!) { entity(id: $id) { relations(first: 100) { nodes { from { id } to { id } } } } }`, map[string]any{"id": from})
		var rels struct {
			Entity struct {
				Relations struct {
					Nodes []struct{ From, To struct{ ID string } }
				}
			}
		}
		r.decode(t, &rels)
		for _, n := range rels.Entity.Relations.Nodes {
			if n.From.ID == to || n.To.ID == to {
				t.Fatalf("%s and %s are related directly; pick another pair", from, to)
			}
		}
		r = post(t, h, `query($from: ID!, $to: ID!) { paths(from: $from, to: $to, maxHops: 4) { length nodes { id } relations { from { id } to { id } evidence { quote } } } }`,
			map[string]any{"from": from, "to": to})
		var d struct {
			Paths []struct {
				Length    int
				Nodes     []struct{ ID string }
				Relations []struct {
					From, To struct{ ID string }
					Evidence []struct{ Quote string }
				}
			}
		}
		r.decode(t, &d)
		if len(d.Paths) == 0 {
			t.Fatal("no path")
		}
		for _, p := range d.Paths {
			if p.Length < 2 || len(p.Nodes) != p.Length+1 || p.Nodes[0].ID != from || p.Nodes[p.Length].ID != to {
				t.Fatalf("path %+v", p)
			}
			for i, rel := range p.Relations {
				a, b := p.Nodes[i].ID, p.Nodes[i+1].ID
				if !(rel.From.ID == a && rel.To.ID == b) && !(rel.From.ID == b && rel.To.ID == a) {
					t.Errorf("relation %d (%s→%s) does not join %s and %s", i, rel.From.ID, rel.To.ID, a, b)
				}
				if len(rel.Evidence) == 0 {
					t.Errorf("relation %d without evidence", i)
				}
			}
		}
	})

	t.Run("unknown id is null; bad cursor is BAD_USER_INPUT", func(t *testing.T) {
		r := post(t, h, `{ entity(id: "org/does-not-exist") { id } }`, nil)
		if len(r.Errors) != 0 || string(r.Data) != `{"entity":null}` {
			t.Errorf("unknown id: %s", r.Body)
		}
		wantCode(server.CodeBadUserInput, "after")(t, post(t, h, `{ entities(first: 5, after: "%%%") { totalCount } }`, nil))
		wantCode(server.CodeBadUserInput, "after")(t, post(t, h, `{ entity(id: "org/sjtu") { relations(after: "ZW50aXR5Om9yZy9zanR1") { totalCount } } }`, nil))
	})

	t.Run("every limit rejects with its code", func(t *testing.T) {
		def := server.DefaultConfig()
		for _, tc := range []struct{ query, code string }{
			{"{ stats { " + strings.Repeat("entities ", def.ParserTokenLimit) + "} }", server.CodeTokenLimit},
			{"{ stats { " + strings.Repeat("entities ", def.MaxFields+1) + "} }", server.CodeFieldLimit},
			{nested(def.MaxDepth + 1), server.CodeDepthLimit},
			{aliases(def.MaxAliases + 1), server.CodeAliasLimit},
			{`{ entities(first: 100) { nodes { partners(first: 100) { via { relations(first: 100) { nodes { id } } } } } } }`, server.CodeComplexityLimit},
		} {
			r := post(t, h, tc.query, nil)
			if r.Status != 400 || r.code() != tc.code {
				t.Errorf("status %d code %q, want 400 %s", r.Status, r.code(), tc.code)
			}
		}
	})
}

// TestSeededCuration: refused without the token; with it, applied and
// audited; a curated relation survives re-seeding the dataset.
func TestSeededCuration(t *testing.T) {
	st := seededStore(t)
	vars := map[string]any{"in": map[string]any{
		"subject": "lab/dlhw-ecnu-incubator", "predicate": "located_in", "object": "place/dalinghaowan",
		"evidence": []any{map[string]any{"quote": "“大零号湾华东师大孵化器”已有20余个项目注册落地"}},
	}}
	anon := newHandler(t, st, server.Config{})
	wantCode(server.CodeForbidden, "")(t, post(t, anon, addRelation, vars))

	h := newHandler(t, st, server.Config{AdminToken: "tok-3f9a"})
	r := post(t, h, addRelation, vars, "Authorization: Bearer tok-3f9a")
	var d struct {
		AddRelation struct {
			ID       string
			Evidence []struct {
				Quote, Document string
				Start, End      int
				Section         string
			}
		}
	}
	r.decode(t, &d)
	e := d.AddRelation.Evidence[0]
	t.Run("evidence located in the source", func(t *testing.T) {
		checkQuote(t, st, e.Document, e.Quote, e.Start, e.End)
		if e.Section != "二、（三）" {
			t.Errorf("section = %q", e.Section)
		}
	})

	if _, err := seed.Load(t.Context(), st, seedDir, kgtest.Logger(t)); err != nil {
		t.Fatalf("re-seed: %v", err)
	}
	r = post(t, h, `query($id: ID!) { relation(id: $id) { document from { id } to { id } } auditLog { actor action target at detail } }`, map[string]any{"id": d.AddRelation.ID})
	var after struct {
		Relation *struct {
			Document string
			From, To struct{ ID string }
		}
		AuditLog []auditOut
	}
	r.decode(t, &after)
	if after.Relation == nil || after.Relation.Document != graph.CurationDocument || after.Relation.From.ID != "lab/dlhw-ecnu-incubator" {
		t.Errorf("curated relation after re-seed: %s", r.Body)
	}
	if len(after.AuditLog) != 1 || after.AuditLog[0].Actor != server.DefaultAdminActor || after.AuditLog[0].Action != "addRelation" ||
		after.AuditLog[0].Target != d.AddRelation.ID || after.AuditLog[0].At.IsZero() || !strings.Contains(after.AuditLog[0].Detail, "dlhw-ecnu-incubator") {
		t.Errorf("audit log = %+v", after.AuditLog)
	}
}

var reGraphQLBlock = regexp.MustCompile("(?s)```graphql\n(.*?)```")

// TestReadmeExamples runs every example query of server/README.md on the
// seeded data and checks the answers the README promises.
func TestReadmeExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := reGraphQLBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 6 {
		t.Fatalf("README has %d graphql examples, want at least 6", len(blocks))
	}
	h := newHandler(t, seededStore(t), server.Config{})
	checks := map[string]func(t *testing.T, data string){
		"PartnersOfSJTUAsOf2024": func(t *testing.T, data string) {
			if !strings.Contains(data, `"org/mh-stc"`) || !strings.Contains(data, `"validFrom"`) {
				t.Errorf("lacks org/mh-stc as of 2024: %.500s", data)
			}
		},
		"ChangesIn2025": func(t *testing.T, data string) {
			if !strings.Contains(data, `"doc/mkw-2025-11"`) || !strings.Contains(data, `"began"`) {
				t.Errorf("got %.500s", data)
			}
		},
		"PartnersOfSJTU": func(t *testing.T, data string) {
			for _, want := range []string{`"org/mh-stc"`, `"org/ecnu"`, `"quote"`} {
				if !strings.Contains(data, want) {
					t.Errorf("lacks %s", want)
				}
			}
		},
		"Alliances2024": func(t *testing.T, data string) {
			var d struct {
				Entities struct {
					Nodes []struct {
						ID        string
						Relations struct {
							Nodes []struct {
								ValidFrom string
								From      struct{ ID string }
							}
						}
					}
				}
			}
			_ = json.Unmarshal([]byte(data), &d)
			n := 0
			for _, a := range d.Entities.Nodes {
				for _, r := range a.Relations.Nodes {
					if !strings.HasPrefix(r.ValidFrom, "2024") {
						t.Errorf("%s: founding relation from %s valid from %q, want 2024…", a.ID, r.From.ID, r.ValidFrom)
					}
				}
				if len(a.Relations.Nodes) > 0 {
					n++
				}
			}
			if n == 0 {
				t.Errorf("no alliance set up in 2024 with its founder: %s", data)
			}
		},
		"WhatDoes33Implement": func(t *testing.T, data string) {
			if !strings.Contains(data, `"policy/mfbf-2024-33"`) || !strings.Contains(data, `"policy/dlhw-policy-measures"`) {
				t.Errorf("got %s", data)
			}
		},
		"RAndDSpending": func(t *testing.T, data string) {
			if !strings.Contains(data, `"value":266.18`) || !strings.Contains(data, `"unit":"亿元"`) {
				t.Errorf("lacks the 266.18 亿元 R&D spending: %.500s", data)
			}
		},
		"PathECNUToRobotAlliance": func(t *testing.T, data string) {
			if !strings.Contains(data, `"length":`) || strings.Contains(data, `"paths":[]`) {
				t.Errorf("no path: %s", data)
			}
		},
		"NeighbourhoodOfTheBay": func(t *testing.T, data string) {
			if !strings.Contains(data, `"source":`) || !strings.Contains(data, `"org/sjtu"`) {
				t.Errorf("got %.500s", data)
			}
		},
	}
	reName := regexp.MustCompile(`^query (\w+)`)
	for _, b := range blocks {
		q := b[1]
		name := reName.FindStringSubmatch(q)
		if name == nil {
			t.Fatalf("example without an operation name:\n%s", q)
		}
		t.Run(name[1], func(t *testing.T) {
			r := post(t, h, q, nil)
			if r.Status != 200 || len(r.Errors) > 0 || len(r.Data) < 20 {
				t.Fatalf("status %d: %.500s", r.Status, r.Body)
			}
			if c := checks[name[1]]; c != nil {
				c(t, string(r.Data))
			}
		})
	}
}

package server_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/server"
)

type entityOut struct {
	ID       string   `json:"id"`
	Kind     string   `json:"kind"`
	Name     string   `json:"name"`
	NameEn   *string  `json:"nameEn"`
	Aliases  []string `json:"aliases"`
	Degree   int      `json:"degree"`
	Evidence []struct {
		Quote    string  `json:"quote"`
		Start    int     `json:"start"`
		End      int     `json:"end"`
		Document string  `json:"document"`
		Section  *string `json:"section"`
	} `json:"evidence"`
}

type relationOut struct {
	ID        string    `json:"id"`
	Predicate string    `json:"predicate"`
	Label     string    `json:"label"`
	LabelEn   string    `json:"labelEn"`
	Symmetric bool      `json:"symmetric"`
	Inferred  bool      `json:"inferred"`
	From      entityOut `json:"from"`
	To        entityOut `json:"to"`
	Evidence  []struct {
		Quote string `json:"quote"`
	} `json:"evidence"`
}

// TestQueries runs each contract query against the fixture through the real
// handler and checks the answer.
func TestQueries(t *testing.T) {
	h := newHandler(t, fixtureStore(t), server.Config{})
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		check func(t *testing.T, r gqlResponse)
	}{
		{
			name:  "entity by id, bilingual, with evidence and degree",
			query: `query($id: ID!) { entity(id: $id) { id kind name nameEn aliases degree evidence { quote start end document } } }`,
			vars:  map[string]any{"id": "org/sjtu"},
			check: func(t *testing.T, r gqlResponse) {
				var d struct{ Entity entityOut }
				r.decode(t, &d)
				e := d.Entity
				if e.Name != "上海交通大学" || e.NameEn == nil || *e.NameEn != "Shanghai Jiao Tong University" || e.Kind != "INSTITUTION" {
					t.Errorf("entity = %+v", e)
				}
				if !slices.Contains(e.Aliases, "交大") {
					t.Errorf("aliases = %v, want 交大", e.Aliases)
				}
				// sjtu: dalinghaowan and ecnu.
				if e.Degree != 2 {
					t.Errorf("degree = %d, want 2", e.Degree)
				}
				if len(e.Evidence) == 0 || []rune(testText)[e.Evidence[0].Start] != []rune(e.Evidence[0].Quote)[0] {
					t.Errorf("evidence = %+v", e.Evidence)
				}
			},
		},
		{
			name:  "unknown id is null without error",
			query: `{ entity(id: "org/nope") { id } }`,
			check: func(t *testing.T, r gqlResponse) {
				if len(r.Errors) != 0 || string(r.Data) != `{"entity":null}` {
					t.Errorf("got %s", r.Body)
				}
			},
		},
		{
			name:  "relations of an entity, filtered, with labels and both ends",
			query: `{ entity(id: "org/sjtu") { relations(direction: OUT, predicates: ["co_builds"]) { totalCount nodes { predicate label labelEn symmetric inferred from { id } to { id name } evidence { quote } } } } }`,
			check: func(t *testing.T, r gqlResponse) {
				var d struct {
					Entity struct {
						Relations struct {
							TotalCount int
							Nodes      []relationOut
						}
					}
				}
				r.decode(t, &d)
				rs := d.Entity.Relations
				if rs.TotalCount != 1 || len(rs.Nodes) != 1 {
					t.Fatalf("relations = %+v", rs)
				}
				n := rs.Nodes[0]
				if n.Predicate != "co_builds" || n.Label != "共建" || n.LabelEn != "co-builds" || n.Symmetric || n.From.ID != "org/sjtu" || n.To.Name != "大零号湾" || n.Evidence[0].Quote != qCoBuild {
					t.Errorf("relation = %+v", n)
				}
			},
		},
		{
			name:  "a symmetric relation",
			query: `{ entity(id: "org/sjtu") { relations(predicates: ["signs_agreement_with"]) { nodes { label symmetric } } } }`,
			check: func(t *testing.T, r gqlResponse) {
				var d struct {
					Entity struct{ Relations struct{ Nodes []relationOut } }
				}
				r.decode(t, &d)
				if ns := d.Entity.Relations.Nodes; len(ns) != 1 || !ns[0].Symmetric || ns[0].Label != "签订合作协议" {
					t.Errorf("nodes = %+v", ns)
				}
			},
		},
		{
			name:  "unknown predicate filter is BAD_USER_INPUT",
			query: `{ entity(id: "org/sjtu") { relations(predicates: ["likes"]) { totalCount } } }`,
			check: wantCode("BAD_USER_INPUT", "predicates"),
		},
		{
			name:  "first above 100 is BAD_USER_INPUT naming first",
			query: `{ entities(first: 101) { totalCount } }`,
			check: wantCode("BAD_USER_INPUT", "first"),
		},
		{
			name:  "bad cursor is BAD_USER_INPUT naming after",
			query: `{ entities(after: "not-a-cursor!") { totalCount } }`,
			check: wantCode("BAD_USER_INPUT", "after"),
		},
		{
			name:  "relation cursor given to entities is BAD_USER_INPUT",
			query: `{ entities(after: "cmVsYXRpb246cmVsLzEyMw") { totalCount } }`,
			check: wantCode("BAD_USER_INPUT", "after"),
		},
		{
			name:  "bad partnerships cursor is BAD_USER_INPUT",
			query: `{ partnerships(after: "garbage") { totalCount } }`,
			check: wantCode("BAD_USER_INPUT", "after"),
		},
		{
			name:  "entities by attribute: date within a year, key only, no match",
			query: `{ y: entities(attribute: {key: "year", value: "2024"}) { totalCount nodes { id } } k: entities(kind: INDICATOR, attribute: {key: "change"}) { totalCount } n: entities(attribute: {key: "year", value: "2023"}) { totalCount nodes { id } } }`,
			check: func(t *testing.T, r gqlResponse) {
				type conn struct {
					TotalCount int
					Nodes      []struct{ ID string }
				}
				var d struct{ Y, K, N conn }
				r.decode(t, &d)
				if d.Y.TotalCount != 1 || len(d.Y.Nodes) != 1 || d.Y.Nodes[0].ID != "ind/rd-intensity" || d.K.TotalCount != 1 || d.N.TotalCount != 0 || len(d.N.Nodes) != 0 {
					t.Errorf("got %+v", d)
				}
			},
		},
		{
			name:  "attribute filter without key is BAD_USER_INPUT",
			query: `{ entities(attribute: {key: " "}) { totalCount } }`,
			check: wantCode("BAD_USER_INPUT", "attribute.key"),
		},
		{
			name:  "search 交大 finds 上海交通大学 first",
			query: `{ search(text: "交大") { entity { id name } score matched match } }`,
			check: func(t *testing.T, r gqlResponse) {
				var d struct {
					Search []struct {
						Entity  entityOut
						Matched string
					}
				}
				r.decode(t, &d)
				if len(d.Search) == 0 || d.Search[0].Entity.ID != "org/sjtu" || d.Search[0].Matched != "交大" {
					t.Errorf("search = %+v", d.Search)
				}
			},
		},
		{
			name:  "partners of sjtu: ecnu explicitly and via the zone, the commission via the zone",
			query: `{ partners(id: "org/sjtu") { partner { id name nameEn } a { id } via { id } strength relations { predicate inferred evidence { quote } } } }`,
			check: func(t *testing.T, r gqlResponse) {
				var d struct {
					Partners []struct {
						Partner   entityOut
						A         entityOut
						Via       []entityOut
						Strength  int
						Relations []relationOut
					}
				}
				r.decode(t, &d)
				got := map[string]int{}
				for _, p := range d.Partners {
					got[p.Partner.ID] = p.Strength
					if p.A.ID != "org/sjtu" {
						t.Errorf("a = %s, want org/sjtu", p.A.ID)
					}
					for _, rel := range p.Relations {
						if len(rel.Evidence) == 0 || rel.Evidence[0].Quote == "" {
							t.Errorf("partner %s: relation %s without evidence", p.Partner.ID, rel.Predicate)
						}
					}
				}
				if got["org/ecnu"] != 2 || got["org/mh-stc"] != 1 {
					t.Errorf("partners = %v, want org/ecnu (2) and org/mh-stc (1)", got)
				}
				if d.Partners[0].Partner.ID != "org/ecnu" {
					t.Errorf("strongest partner = %s, want org/ecnu", d.Partners[0].Partner.ID)
				}
			},
		},
		{
			name:  "unknown partner id is NOT_FOUND",
			query: `{ partners(id: "org/nope") { strength } }`,
			check: wantCode("NOT_FOUND", ""),
		},
		{
			name:  "path between two entities with no direct relation",
			query: `{ paths(from: "org/mh-stc", to: "org/ecnu") { length nodes { id } relations { predicate } } }`,
			check: func(t *testing.T, r gqlResponse) {
				var d struct {
					Paths []struct {
						Length    int
						Nodes     []entityOut
						Relations []relationOut
					}
				}
				r.decode(t, &d)
				if len(d.Paths) != 1 || d.Paths[0].Length != 2 || d.Paths[0].Nodes[1].ID != "place/dalinghaowan" || len(d.Paths[0].Relations) != 2 {
					t.Errorf("paths = %+v", d.Paths)
				}
			},
		},
		{
			name:  "subgraph shaped for a visualisation",
			query: `{ subgraph(ids: ["org/sjtu"], hops: 1) { truncated nodes { id label labelEn kind degree hop } edges { id source target predicate label } } }`,
			check: func(t *testing.T, r gqlResponse) {
				var d struct {
					Subgraph struct {
						Truncated bool
						Nodes     []struct {
							ID, Label, Kind string
							Degree, Hop     int
						}
						Edges []struct{ ID, Source, Target, Predicate, Label string }
					}
				}
				r.decode(t, &d)
				ids := map[string]bool{}
				for _, n := range d.Subgraph.Nodes {
					ids[n.ID] = true
				}
				for _, want := range []string{"org/sjtu", "org/ecnu", "place/dalinghaowan"} {
					if !ids[want] {
						t.Errorf("nodes lack %s: %+v", want, d.Subgraph.Nodes)
					}
				}
				if len(d.Subgraph.Edges) == 0 {
					t.Fatal("no edges")
				}
				for _, e := range d.Subgraph.Edges {
					if !ids[e.Source] || !ids[e.Target] || e.Label == "" {
						t.Errorf("edge %+v does not join returned nodes", e)
					}
				}
			},
		},
		{
			name:  "stats",
			query: `{ stats { entities relations byKind { kind count } byPredicate { predicate label count } topConnected(first: 1) { entity { id } degree } } }`,
			check: func(t *testing.T, r gqlResponse) {
				var d struct {
					Stats struct {
						Entities, Relations int
						ByKind              []struct {
							Kind  string
							Count int
						}
						ByPredicate []struct {
							Predicate, Label string
							Count            int
						}
						TopConnected []struct {
							Entity entityOut
							Degree int
						}
					}
				}
				r.decode(t, &d)
				s := d.Stats
				if s.Entities != 6 || s.Relations != 6 {
					t.Errorf("stats = %+v", s)
				}
				for _, k := range s.ByKind {
					if k.Kind == "INSTITUTION" && k.Count != 3 {
						t.Errorf("INSTITUTION count = %d", k.Count)
					}
				}
				if s.ByPredicate[0].Predicate != "co_builds" || s.ByPredicate[0].Count != 3 {
					t.Errorf("byPredicate = %+v", s.ByPredicate)
				}
				if len(s.TopConnected) != 1 || s.TopConnected[0].Entity.ID != "place/dalinghaowan" {
					t.Errorf("topConnected = %+v", s.TopConnected)
				}
			},
		},
		{
			name:  "indicators with value, change and subject",
			query: `{ indicators { id name nameEn value unit year change subject { id } evidence { quote } } }`,
			check: func(t *testing.T, r gqlResponse) {
				var d struct {
					Indicators []struct {
						ID, Name string
						Value    *float64
						Unit     *string
						Change   *string
						Subject  *entityOut
					}
				}
				r.decode(t, &d)
				if len(d.Indicators) != 1 {
					t.Fatalf("indicators = %+v", d.Indicators)
				}
				in := d.Indicators[0]
				if in.Value == nil || *in.Value != 4.5 || *in.Unit != "%" || *in.Change != "同比增长9.06%" || in.Subject == nil || in.Subject.ID != "place/minhang" {
					t.Errorf("indicator = %+v", in)
				}
			},
		},
		{
			name:  "vocabulary and documents",
			query: `{ predicates { id label labelEn symmetric joint } documents { id title titleEn } }`,
			check: func(t *testing.T, r gqlResponse) {
				var d struct {
					Predicates []struct {
						ID, Label        string
						Symmetric, Joint bool
					}
					Documents []struct{ ID, Title string }
				}
				r.decode(t, &d)
				if !slices.ContainsFunc(d.Predicates, func(p struct {
					ID, Label        string
					Symmetric, Joint bool
				}) bool {
					return p.ID == "signs_agreement_with" && p.Symmetric && p.Joint
				}) {
					t.Errorf("predicates = %+v", d.Predicates)
				}
				if len(d.Documents) != 1 || d.Documents[0].ID != testDoc {
					t.Errorf("documents = %+v", d.Documents)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, h, tc.query, tc.vars)
			tc.check(t, r)
		})
	}
}

// wantCode checks that the response failed with the code, naming the
// argument when arg is set.
func wantCode(code, arg string) func(t *testing.T, r gqlResponse) {
	return func(t *testing.T, r gqlResponse) {
		t.Helper()
		if r.code() != code {
			t.Fatalf("code = %q, want %q: %s", r.code(), code, r.Body)
		}
		if arg != "" {
			if got, _ := r.Errors[0].Extensions["argument"].(string); got != arg {
				t.Errorf("argument = %q, want %q: %s", got, arg, r.Body)
			}
			if !strings.Contains(r.Errors[0].Message, arg) {
				t.Errorf("message %q does not name %q", r.Errors[0].Message, arg)
			}
		}
	}
}

// TestPagination walks entities and partnerships page by page: no overlap,
// nothing missed, totalCount and hasNextPage right.
func TestPagination(t *testing.T) {
	h := newHandler(t, fixtureStore(t), server.Config{})
	type page struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
		Edges []struct {
			Cursor string
			Node   struct{ ID string }
		}
	}
	tests := []struct {
		name, field, query string
		total              int
	}{
		{"entities", "entities", `query($after: String) { entities(first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`, 6},
		{"entities of a kind", "entities", `query($after: String) { entities(kind: INSTITUTION, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`, 3},
		{"relations of an entity", "relations", `query($after: String) { entity(id: "place/dalinghaowan") { relations(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } } }`, 4},
		{"partnerships", "partnerships", `query($after: String) { partnerships(first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { strength } } } }`, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var after any
			seen := 0
			cursors := map[string]bool{}
			for i := 0; ; i++ {
				r := post(t, h, tc.query, map[string]any{"after": after})
				var raw map[string]json.RawMessage
				r.decode(t, &raw)
				b := raw[tc.field]
				if tc.field == "relations" {
					var e struct{ Relations json.RawMessage }
					_ = json.Unmarshal(raw["entity"], &e)
					b = e.Relations
				}
				var p page
				if err := json.Unmarshal(b, &p); err != nil {
					t.Fatal(err)
				}
				if p.TotalCount != tc.total {
					t.Fatalf("totalCount = %d, want %d", p.TotalCount, tc.total)
				}
				for _, e := range p.Edges {
					if cursors[e.Cursor] {
						t.Fatalf("cursor %s seen twice", e.Cursor)
					}
					cursors[e.Cursor] = true
				}
				seen += len(p.Edges)
				if !p.PageInfo.HasNextPage {
					break
				}
				if p.PageInfo.EndCursor == nil || i > tc.total {
					t.Fatalf("page %d: hasNextPage without progress: %s", i, r.Body)
				}
				after = *p.PageInfo.EndCursor
			}
			if seen != tc.total {
				t.Errorf("walked %d items, want %d", seen, tc.total)
			}
		})
	}
}

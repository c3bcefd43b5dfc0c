package server_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/server"
)

const addRelation = `mutation($in: RelationInput!) {
  addRelation(input: $in) { id predicate document from { id } to { id } evidence { quote start end section document url note } }
}`

const auditLog = `{ auditLog(first: 10) { id at actor action target detail } }`

type auditOut struct {
	ID, Actor, Action, Target, Detail string
	At                                time.Time
}

func relInput(subject, predicate, object string, evidence ...map[string]any) map[string]any {
	ev := make([]any, len(evidence))
	for i, e := range evidence {
		ev[i] = e
	}
	return map[string]any{"in": map[string]any{"subject": subject, "predicate": predicate, "object": object, "evidence": ev}}
}

// TestCurationRefused: mutations fail with FORBIDDEN without a configured
// token, without the header and with a wrong token; nothing is written.
func TestCurationRefused(t *testing.T) {
	st := fixtureStore(t)
	vars := relInput("org/mh-stc", "partners_with", "org/sjtu", map[string]any{"quote": qAgreement})
	tests := []struct {
		name    string
		cfg     server.Config
		headers []string
	}{
		{"no admin token configured", server.Config{}, []string{"Authorization: Bearer anything"}},
		{"no Authorization header", server.Config{AdminToken: "s3cret-token"}, nil},
		{"wrong token", server.Config{AdminToken: "s3cret-token"}, []string{"Authorization: Bearer s3cret-tokem"}},
		{"prefix of the token", server.Config{AdminToken: "s3cret-token"}, []string{"Authorization: Bearer s3cret"}},
		{"wrong scheme", server.Config{AdminToken: "s3cret-token"}, []string{"Authorization: Basic s3cret-token"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHandler(t, st, tc.cfg)
			r := post(t, h, addRelation, vars, tc.headers...)
			if r.code() != server.CodeForbidden {
				t.Fatalf("code %q, want FORBIDDEN: %s", r.code(), r.Body)
			}
			if strings.Contains(r.Body, "s3cret") {
				t.Errorf("response mentions the token: %s", r.Body)
			}
		})
	}
	entries, err := st.Audit(t.Context(), 10)
	if err != nil || len(entries) != 0 {
		t.Errorf("audit = %v, %v; want nothing written", entries, err)
	}
}

// TestCuration: with the token, mutations write to the curation document,
// compute evidence offsets, validate input, and are audited; curated facts
// survive a re-seed of the source document.
func TestCuration(t *testing.T) {
	st := fixtureStore(t)
	h := newHandler(t, st, server.Config{AdminToken: "s3cret-token", AdminActor: "curator-1"})
	auth := "Authorization: Bearer s3cret-token"

	// addRelation with a quote: offsets and section computed from the text.
	r := post(t, h, addRelation, relInput("org/mh-stc", "supports", "org/ecnu", map[string]any{"quote": qCoBuild}), auth)
	var added struct {
		AddRelation struct {
			ID, Predicate, Document string
			From, To                struct{ ID string }
			Evidence                []struct {
				Quote, Document string
				Start, End      int
				Section         *string
			}
		}
	}
	r.decode(t, &added)
	rel := added.AddRelation
	want := ev(t, qCoBuild)
	if rel.Document != graph.CurationDocument || rel.From.ID != "org/mh-stc" || rel.To.ID != "org/ecnu" ||
		len(rel.Evidence) != 1 || rel.Evidence[0].Start != want.Start || rel.Evidence[0].End != want.End || rel.Evidence[0].Document != testDoc {
		t.Fatalf("added = %+v, want evidence at [%d,%d) of %s", rel, want.Start, want.End, testDoc)
	}
	if s := rel.Evidence[0].Section; s == nil || *s != "一、（一）" {
		t.Errorf("section = %v, want 一、（一）", s)
	}

	// addRelation with a URL and a note.
	r = post(t, h, addRelation, relInput("org/sjtu", "member_of", "place/dalinghaowan", map[string]any{"url": "https://example.org/news/1", "note": "news item on membership"}), auth)
	var urlRel struct{ AddRelation struct{ ID string } }
	r.decode(t, &urlRel)

	// upsertEntity adds a new entity to the curation document.
	r = post(t, h, `mutation { upsertEntity(input: {id: "org/zizhu", kind: INSTITUTION, name: "紫竹高新区管委会", nameEn: "Zizhu Hi-Tech Park Administration", aliases: ["紫竹"], attributes: [{key: "founded", value: "2002", type: DATE}]}) { id name nameEn aliases attributes { key value type } documents } }`, nil, auth)
	var up struct {
		UpsertEntity struct {
			ID, Name  string
			Aliases   []string
			Documents []string
		}
	}
	r.decode(t, &up)
	if up.UpsertEntity.ID != "org/zizhu" || len(up.UpsertEntity.Aliases) != 1 {
		t.Errorf("upserted = %+v", up.UpsertEntity)
	}

	// Upserting an entity of a source document: the curated names win, the
	// aliases are merged.
	r = post(t, h, `mutation { upsertEntity(input: {id: "org/ecnu", kind: INSTITUTION, name: "华东师范大学", nameEn: "ECNU (curated)", aliases: ["华师大"]}) { nameEn aliases } }`, nil, auth)
	var merged struct {
		UpsertEntity struct {
			NameEn  string
			Aliases []string
		}
	}
	r.decode(t, &merged)
	if merged.UpsertEntity.NameEn != "ECNU (curated)" || !slices.Contains(merged.UpsertEntity.Aliases, "华师大") || !slices.Contains(merged.UpsertEntity.Aliases, "华东师大") {
		t.Errorf("merged entity = %+v", merged.UpsertEntity)
	}

	// Input errors name the argument.
	bad := []struct {
		name  string
		vars  map[string]any
		query string
		arg   string
	}{
		{"quote not in any document", relInput("org/mh-stc", "partners_with", "org/sjtu", map[string]any{"quote": "这句话不在文中"}), addRelation, "input.evidence[0].quote"},
		{"ambiguous quote", relInput("org/mh-stc", "partners_with", "org/sjtu", map[string]any{"quote": "大零号湾"}), addRelation, "input.evidence[0].quote"},
		{"URL without note", relInput("org/mh-stc", "partners_with", "org/sjtu", map[string]any{"url": "https://example.org"}), addRelation, "input.evidence[0].note"},
		{"no evidence", relInput("org/mh-stc", "partners_with", "org/sjtu"), addRelation, "input.evidence"},
		{"unknown predicate", relInput("org/mh-stc", "likes", "org/sjtu", map[string]any{"quote": qAgreement}), addRelation, "input.predicate"},
		{"unknown subject", relInput("org/nope", "partners_with", "org/sjtu", map[string]any{"quote": qAgreement}), addRelation, "input.subject"},
		{"bad entity id", nil, `mutation { upsertEntity(input: {id: "Bad ID", kind: PLACE, name: "x"}) { id } }`, "input.id"},
		{"bad attribute", nil, `mutation { upsertEntity(input: {id: "place/x", kind: PLACE, name: "x", attributes: [{key: "n", value: "many", type: INTEGER}]}) { id } }`, "input.attributes[0]"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(server.CodeBadUserInput, tc.arg)(t, post(t, h, tc.query, tc.vars, auth))
		})
	}

	// A relation of a source document cannot be removed through the API.
	srcRel := graph.RelationID(testDoc, "org/sjtu", "signs_agreement_with", "org/ecnu")
	wantCode(server.CodeBadUserInput, "id")(t, post(t, h, `mutation($id: ID!) { removeRelation(id: $id) { id } }`, map[string]any{"id": srcRel}, auth))
	wantCode(server.CodeNotFound, "")(t, post(t, h, `mutation { removeRelation(id: "rel/0000000000000000") { id } }`, nil, auth))

	// Curated facts survive a re-seed of the source document.
	if _, err := st.ReplaceDocument(t.Context(), fixtureFacts(t)); err != nil {
		t.Fatal(err)
	}
	r = post(t, h, `query($id: ID!) { relation(id: $id) { id document } entity(id: "org/zizhu") { name } }`, map[string]any{"id": rel.ID})
	var after struct {
		Relation *struct{ ID, Document string }
		Entity   *struct{ Name string }
	}
	r.decode(t, &after)
	if after.Relation == nil || after.Relation.Document != graph.CurationDocument || after.Entity == nil {
		t.Fatalf("after re-seed: %s", r.Body)
	}

	// removeRelation of a curated relation.
	r = post(t, h, `mutation($id: ID!) { removeRelation(id: $id) { id } }`, map[string]any{"id": urlRel.AddRelation.ID}, auth)
	var removed struct{ RemoveRelation struct{ ID string } }
	r.decode(t, &removed)
	if removed.RemoveRelation.ID != urlRel.AddRelation.ID {
		t.Errorf("removed %q", removed.RemoveRelation.ID)
	}

	// The audit log shows who, when and what, newest first; failed attempts
	// wrote nothing.
	r = post(t, h, auditLog, nil)
	var audit struct{ AuditLog []auditOut }
	r.decode(t, &audit)
	var actions []string
	for _, e := range audit.AuditLog {
		actions = append(actions, e.Action+" "+e.Target)
		if e.Actor != "curator-1" || e.At.IsZero() || time.Since(e.At) > time.Hour || !json.Valid([]byte(e.Detail)) || e.ID == "" {
			t.Errorf("audit entry %+v", e)
		}
	}
	wantActions := []string{
		"removeRelation " + urlRel.AddRelation.ID,
		"upsertEntity org/ecnu",
		"upsertEntity org/zizhu",
		"addRelation " + urlRel.AddRelation.ID,
		"addRelation " + rel.ID,
	}
	if strings.Join(actions, "\n") != strings.Join(wantActions, "\n") {
		t.Errorf("audit actions:\n%s\nwant:\n%s", strings.Join(actions, "\n"), strings.Join(wantActions, "\n"))
	}
	if !strings.Contains(audit.AuditLog[4].Detail, qCoBuild) {
		t.Errorf("audit detail %s lacks the input", audit.AuditLog[4].Detail)
	}
}

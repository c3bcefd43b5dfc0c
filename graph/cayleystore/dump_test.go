package cayleystore

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	cproto "github.com/cayleygraph/cayley/graph/proto"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/pquads"
	"google.golang.org/protobuf/proto"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/synth"
)

// scanAll reads the graph the slow way: what Dump must equal.
func scanAll(t *testing.T, s graph.Store) *graph.Dump {
	t.Helper()
	ctx := t.Context()
	d := &graph.Dump{}
	if err := s.ScanEntities(ctx, nil, "", func(e *graph.Entity) bool { d.Entities = append(d.Entities, e); return true }); err != nil {
		t.Fatal(err)
	}
	if err := s.ScanRelations(ctx, func(r *graph.Relation) bool { d.Relations = append(d.Relations, r); return true }); err != nil {
		t.Fatal(err)
	}
	var err error
	if d.Documents, err = s.Documents(ctx); err != nil {
		t.Fatal(err)
	}
	if d.Generation, err = s.Generation(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d.Quads = st.Quads
	return d
}

// sameDump compares a dump with the scans, naming the first difference;
// and the same from the store's quads in reverse order (the dump must not
// depend on the order a backend yields them in).
func sameDump(t *testing.T, s *Store) {
	t.Helper()
	want := scanAll(t, s)
	got, err := s.Dump(t.Context())
	if err != nil {
		t.Fatalf("Dump: %v", err)
	}
	sameAsScans(t, got, want)
	if s.bolt != nil {
		// Node IDs past the dense table (a store with much churn).
		defer func(n uint64) { maxDenseNodes = n }(maxDenseNodes)
		maxDenseNodes = 16
		if got, err = s.Dump(t.Context()); err != nil {
			t.Fatalf("Dump with a small dense table: %v", err)
		}
		sameAsScans(t, got, want)
	}
	if n, err := s.QuadCount(t.Context()); err != nil || n != want.Quads {
		t.Errorf("QuadCount = %d, %v; Stats says %d", n, err, want.Quads)
	}
	s.mu.RLock()
	qs, err := s.reader(t.Context()).allQuads()
	s.mu.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
	acc := newDumpAcc()
	for i := len(qs) - 1; i >= 0; i-- {
		acc.add(qs[i])
	}
	if got, err = acc.result(); err != nil {
		t.Fatal(err)
	}
	sameAsScans(t, got, want)
}

func sameAsScans(t *testing.T, got, want *graph.Dump) {
	t.Helper()
	if got.Generation != want.Generation || got.Quads != want.Quads {
		t.Errorf("Dump generation %d, quads %d; the store says %d, %d", got.Generation, got.Quads, want.Generation, want.Quads)
	}
	if !reflect.DeepEqual(got.Documents, want.Documents) {
		t.Errorf("Dump documents\n%v\nscan\n%v", got.Documents, want.Documents)
	}
	if len(got.Entities) != len(want.Entities) {
		t.Errorf("Dump has %d entities, ScanEntities %d", len(got.Entities), len(want.Entities))
	}
	for i := range min(len(got.Entities), len(want.Entities)) {
		if !reflect.DeepEqual(got.Entities[i], want.Entities[i]) {
			t.Fatalf("entity %d: Dump\n%+v\nScanEntities\n%+v", i, got.Entities[i], want.Entities[i])
		}
	}
	if len(got.Relations) != len(want.Relations) {
		t.Errorf("Dump has %d relations, ScanRelations %d", len(got.Relations), len(want.Relations))
	}
	for i := range min(len(got.Relations), len(want.Relations)) {
		if !reflect.DeepEqual(got.Relations[i], want.Relations[i]) {
			t.Fatalf("relation %d: Dump\n%+v\nScanRelations\n%+v", i, got.Relations[i], want.Relations[i])
		}
	}
}

// TestDumpMatchesScans checks on every backend that Dump reads exactly as
// the scans, through a history that leaves deleted quads and nodes behind
// (replacements, curation, a removed relation, audit entries) and with
// entities stated by two documents.
func TestDumpMatchesScans(t *testing.T) {
	for _, backend := range []string{BackendMemory, BackendBbolt, BackendPostgres} {
		t.Run(backend, func(t *testing.T) {
			s := openBackend(t, backend)
			ctx := t.Context()

			// Empty: no documents, no generation yet.
			sameDump(t, s)

			big := synth.MustGenerate(synth.Config{Quads: 3000, Seed: 7})
			if _, err := s.ReplaceDocument(ctx, big); err != nil {
				t.Fatal(err)
			}
			sameDump(t, s)

			// A second document stating some of the same entities (merge),
			// and relations between them.
			other := graph.DocumentFacts{Document: graph.Document{ID: "doc/zz-other", Title: "另一份", TitleEn: "Another", Text: "另一份文件的正文",
				Date: "2025-06-30", Period: "2025-01/2025-06"}}
			for i, e := range big.Entities[:20] {
				e.Name = e.Name + "（另）"
				e.Aliases = append(e.Aliases, "别名"+e.ID)
				e.Description = ""
				if i%2 == 0 {
					e.Kind = graph.KindCompany
				}
				other.Entities = append(other.Entities, e)
			}
			for i := 0; i+1 < len(other.Entities); i += 2 {
				// Validity of each precision and qualifiers on some.
				from := []string{"", "2024", "2024-05", "2024-05-13"}[i/2%4]
				to := []string{"", "2025", "2025-06-30"}[i/2%3]
				var attrs []graph.Attribute
				if i%4 == 0 {
					attrs = []graph.Attribute{{Key: "role", Value: "牵头单位"}, {Key: "amount", Value: "5000", Unit: "万元", Type: graph.AttrNumber}}
				}
				other.Relations = append(other.Relations, graph.Relation{
					ValidFrom: from, ValidTo: to, Attributes: attrs,
					Subject: other.Entities[i].ID, Predicate: "partners_with", Object: other.Entities[i+1].ID,
					Evidence: []graph.Evidence{ // several, for the order
						{Document: "doc/zz-other", Quote: "文件", Start: 3, End: 5},
						{Document: "doc/zz-other", Quote: "另一份", Start: 0, End: 3},
						{Document: "doc/zz-other", Quote: "正文", Start: 6, End: 8},
					},
				})
			}
			if _, err := s.ReplaceDocument(ctx, other); err != nil {
				t.Fatal(err)
			}
			sameDump(t, s)

			// Re-seed the big document with a third of it gone and the rest
			// changed: deleted quads and nodes in the store.
			smaller := synth.MustGenerate(synth.Config{Quads: 2000, Seed: 8})
			smaller.Document = big.Document
			if _, err := s.ReplaceDocument(ctx, smaller); err != nil {
				t.Fatal(err)
			}
			// Curation: a new entity, a relation, one removed, audit.
			cur := graph.DocumentFacts{
				Document:  graph.Document{ID: graph.CurationDocument},
				Entities:  []graph.Entity{{ID: "org/curated", Kind: graph.KindInstitution, Name: "人工添加", NameEn: "Curated"}},
				Relations: []graph.Relation{{Subject: "org/curated", Predicate: "partners_with", Object: other.Entities[0].ID}},
			}
			if _, err := s.PutFacts(ctx, cur); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DeleteRelation(ctx, other.Relations[0].ID); err != nil && !errors.Is(err, graph.ErrNotFound) {
				t.Fatal(err)
			}
			if err := s.AppendAudit(ctx, graph.AuditEntry{Actor: "test", Action: "addRelation", Target: "org/curated"}); err != nil {
				t.Fatal(err)
			}
			sameDump(t, s)
		})
	}
}

func TestDumpClosed(t *testing.T) {
	s := openT(t, Config{Backend: BackendMemory})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Dump(t.Context()); !errors.Is(err, graph.ErrClosed) {
		t.Errorf("Dump after Close: %v, want ErrClosed", err)
	}
	if _, err := s.QuadCount(t.Context()); !errors.Is(err, graph.ErrClosed) {
		t.Errorf("QuadCount after Close: %v, want ErrClosed", err)
	}
	s2 := openT(t, Config{Backend: BackendMemory})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s2.Dump(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Dump with a cancelled ctx: %v, want context.Canceled", err)
	}
}

// TestDecodePrimitive checks the hand-written decoder against Cayley's
// protobuf encoding of its primitives, and that damaged input is an error.
func TestDecodePrimitive(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    *cproto.Primitive
		want primitive
	}{
		{"node", &cproto.Primitive{ID: 7, Value: []byte{1, 2, 3}, Timestamp: 1700000000000000000}, primitive{id: 7, value: []byte{1, 2, 3}}},
		{"quad", &cproto.Primitive{ID: 1 << 40, Subject: 1, Predicate: 2, Object: 300, Label: 1 << 33, Timestamp: -5}, primitive{id: 1 << 40, dirs: [4]uint64{1, 2, 300, 1 << 33}}},
		{"quad without label", &cproto.Primitive{ID: 9, Subject: 1, Predicate: 2, Object: 3}, primitive{id: 9, dirs: [4]uint64{1, 2, 3, 0}}},
		{"deleted quad", &cproto.Primitive{ID: 10, Subject: 4, Predicate: 5, Object: 6, Replaces: 3, Deleted: true}, primitive{id: 10, dirs: [4]uint64{4, 5, 6, 0}, deleted: true}},
		{"empty", &cproto.Primitive{}, primitive{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := proto.Marshal(tc.p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodePrimitive(b)
			if err != nil {
				t.Fatalf("decodePrimitive: %v", err)
			}
			if got.id != tc.want.id || got.dirs != tc.want.dirs || got.deleted != tc.want.deleted || string(got.value) != string(tc.want.value) {
				t.Errorf("decodePrimitive = %+v, want %+v", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"truncated key", []byte{0x80}},
		{"truncated varint", []byte{0x08, 0x80}},
		{"length past the end", []byte{0x42, 0x05, 1, 2}},
		{"truncated fixed64", []byte{0x09, 1, 2, 3}},
		{"truncated fixed32", []byte{0x0d, 1}},
		{"bad wire type", []byte{0x0f}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if p, err := decodePrimitive(tc.b); !errors.Is(err, errBadPrimitive) {
				t.Errorf("decodePrimitive(%x) = %+v, %v; want errBadPrimitive", tc.b, p, err)
			}
		})
	}
	// Unknown fields are skipped.
	if p, err := decodePrimitive([]byte{0x08, 0x03, 0x59, 1, 2, 3, 4, 5, 6, 7, 8, 0x65, 1, 2, 3, 4, 0x52, 0x01, 0xff}); err != nil || p.id != 3 {
		t.Errorf("decodePrimitive with unknown fields = %+v, %v; want id 3", p, err)
	}
}

// TestDecodeValue checks decodeValue against pquads.UnmarshalValue, on
// values of every kind and on encodings the fast path must leave to it.
func TestDecodeValue(t *testing.T) {
	var encoded [][]byte
	for _, v := range []quad.Value{
		quad.String(""), quad.String("上海交通大学"), quad.IRI(nsID + "org/sjtu"), quad.BNode("b1"),
		zh("闵行"), en(""), quad.LangString{Value: "", Lang: ""},
		quad.TypedString{Value: "8", Type: xsdInteger}, quad.TypedString{Value: "", Type: ""}, jsonLit([]byte(`{"start":1,"end":2}`)),
		quad.Int(-3), quad.Float(2.5), quad.Bool(true), quad.Time(time.Date(2024, 9, 13, 1, 2, 3, 4, time.UTC)),
	} {
		b, err := pquads.MarshalValue(v)
		if err != nil {
			t.Fatal(err)
		}
		encoded = append(encoded, b)
	}
	encoded = append(encoded,
		[]byte{0x12, 0x02, 0xff, 0xfe},           // str, invalid UTF-8
		[]byte{0x1a, 0x01, 'a', 0x1a, 0x01, 'b'}, // iri twice: the last wins
		[]byte{0x2a, 0x03, 0x0a, 0x01, 'x'},      // typed string, truncated
		[]byte{0x32, 0x04, 0x12, 0x02, 'z', 'h'}, // lang string without value
		[]byte{0x12, 0x05, 'a'},                  // length past the end
		[]byte{0x0a, 0x03, '"', 'a', '"'},        // raw
	)
	for _, b := range encoded {
		want, wantErr := pquads.UnmarshalValue(b)
		got, err := decodeValue(b)
		if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("decodeValue(%x) = %#v, %v; pquads gives %#v, %v", b, got, err, want, wantErr)
		}
	}
}

// FuzzDumpEvidence checks that the dump's evidence parser reads every
// literal as evidenceFromLiteral (encoding/json) does.
func FuzzDumpEvidence(f *testing.F) {
	for _, ev := range []graph.Evidence{
		{},
		{Quote: "与上海交大、华东师大等高校共同推进“大零号湾”建设", Start: 612, End: 637, Section: "二、（一）"},
		{Quote: "a\"b\\c\nd", Start: -1, End: 0, URL: "https://example.org/?a=1&b=<2>", Note: "n", Document: "doc/other"},
		{Quote: "\u2028", Start: 1 << 40},
	} {
		v, err := evidenceLiteral(ev, "doc/x")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(v.(quad.TypedString).Value))
	}
	for _, s := range []string{`{}`, `{"start":1,"start":2}`, `{ "start":1}`, `{"start":1.5}`, `{"quote":1}`, `{"other":"x"}`,
		`{"quote":"x",}`, `{"end":-}`, `{"start":99999999999999999999}`, "{\"quote\":\"\xff\"}", `[]`, `{"quote":"a"`, `{"note":"x"}{`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lit := quad.TypedString{Value: quad.String(s), Type: rdfJSON}
		want, wantOK := evidenceFromLiteral(lit, "doc/x")
		got, ok := dumpEvidence(lit, "doc/x")
		if ok != wantOK || got != want {
			t.Errorf("dumpEvidence(%q) = %+v, %v; evidenceFromLiteral gives %+v, %v", s, got, ok, want, wantOK)
		}
	})
}

// FuzzDecodeValue checks decodeValue against pquads.UnmarshalValue on any
// bytes.
func FuzzDecodeValue(f *testing.F) {
	for _, v := range []quad.Value{quad.String("甲"), quad.IRI(nsID + "org/a"), zh("名"), quad.TypedString{Value: "8", Type: xsdInteger}, quad.Int(1)} {
		b, err := pquads.MarshalValue(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want, wantErr, panicked := unmarshalValue(b)
		got, err := decodeValue(b)
		if panicked {
			if err == nil {
				t.Errorf("decodeValue(%x) = %#v; pquads panics, want an error", b, got)
			}
			return
		}
		if (err != nil) != (wantErr != nil) || !sameValue(got, want) {
			t.Errorf("decodeValue(%x) = %#v, %v; pquads gives %#v, %v", b, got, err, want, wantErr)
		}
	})
}

// unmarshalValue is pquads.UnmarshalValue, reporting a panic.
func unmarshalValue(b []byte) (v quad.Value, err error, panicked bool) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	v, err = pquads.UnmarshalValue(b)
	return v, err, false
}

// sameValue is reflect.DeepEqual, but for two NaN floats, which are the
// same value here.
func sameValue(a, b quad.Value) bool {
	fa, ok1 := a.(quad.Float)
	fb, ok2 := b.(quad.Float)
	if ok1 && ok2 && math.IsNaN(float64(fa)) && math.IsNaN(float64(fb)) {
		return true
	}
	return reflect.DeepEqual(a, b)
}

package cayleystore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/pquads"
	bolt "go.etcd.io/bbolt"

	"github.com/minhang-kg/kg/graph"
)

var _ graph.Dumper = (*Store)(nil)

// Dump implements graph.Dumper: the whole graph from one pass over the
// stored quads, each value decoded once, instead of the per-ID lookups of
// ScanEntities and ScanRelations.
//
// Sources: on bbolt, Cayley's primitive log (the "log" bucket: every node
// value and every quad, keyed by ID) read with bbolt cursors (two halves
// side by side, see dumpBolt), without Cayley's iterators; afterwards the file's pages the scan paged in are
// dropped from the process's resident set (see releaseMapped); on
// PostgreSQL, one query for all quads and batched queries naming their
// nodes, in one REPEATABLE READ transaction (sqlFetcher.allQuads); on
// memory, Cayley's all-quads iterator.
//
// The decoding is the readers' (entityDecoder, relationOf,
// evidenceFromLiteral, ...) applied to the same quads, so the result reads
// exactly as the scans do; TestDumpMatchesScans checks it on every backend.
func (s *Store) Dump(ctx context.Context) (*graph.Dump, error) {
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	acc := newDumpAcc()
	var err error
	if s.bolt != nil {
		err = dumpBolt(ctx, s.bolt, acc)
		if err == nil {
			// Only an optimisation: a failure is logged, not returned.
			if rerr := releaseMapped(s.bolt); rerr != nil {
				s.log.WarnContext(ctx, "dump: cannot release the file's mapped pages", "err", rerr)
			}
		}
	} else {
		var qs []quad.Quad
		if qs, err = s.reader(ctx).allQuads(); err == nil {
			acc.grow(len(qs))
			for _, q := range qs {
				acc.add(q)
			}
		}
	}
	if err != nil {
		return nil, s.wrap("dump", err)
	}
	d, err := acc.result()
	return d, s.wrap("dump", err)
}

// QuadCount implements graph.Dumper.
func (s *Store) QuadCount(ctx context.Context) (int64, error) {
	if err := s.rlock(ctx); err != nil {
		return 0, err
	}
	defer s.mu.RUnlock()
	n, err := s.quadCount(ctx)
	return n, s.wrap("quad count", err)
}

// logBucket is the bbolt bucket of Cayley's kv primitive log (kv's
// logIndex): key = primitive ID (8 bytes, big-endian), value = the
// primitive (cayley/graph/proto.Primitive, protobuf).
var logBucket = []byte("log")

// dumpBolt reads every live quad of Cayley's kv log and feeds it to acc.
// Primitives are keyed by ID, and a quad's nodes are written before it, but
// nothing here relies on that: quads are resolved after the scan.
//
// The log is scanned in two halves by ID, side by side, each in a read
// transaction of its own (a dump is mostly decoding and page faults, and
// the machine has more than one core). Both see the same state: the
// caller holds the Store's read lock, so no write of this process commits
// meanwhile, and bbolt's file lock keeps other processes out; the two
// transactions' IDs are compared to be sure.
func dumpBolt(ctx context.Context, db *bolt.DB, acc *dumpAcc) error {
	var (
		lo, hi uint64
		txid   int
		empty  = true
	)
	err := db.View(func(tx *bolt.Tx) error {
		txid = tx.ID()
		b := tx.Bucket(logBucket)
		if b == nil { // nothing written yet
			return nil
		}
		c := b.Cursor()
		first, _ := c.First()
		last, _ := c.Last()
		if len(first) != 8 || len(last) != 8 {
			return nil
		}
		lo, hi, empty = binary.BigEndian.Uint64(first), binary.BigEndian.Uint64(last), false
		return nil
	})
	if err != nil || empty {
		return err
	}
	var nodes nodeTable
	nodes.init(hi)
	mid := lo + (hi-lo)/2
	parts := [2]logPart{{from: lo, to: mid}, {from: mid + 1, to: hi}}
	var (
		wg   sync.WaitGroup
		errs [2]error
	)
	for i := range parts {
		wg.Go(func() { errs[i] = parts[i].scan(ctx, db, txid, &nodes) })
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return err
	}
	get := func(id uint64) quad.Value {
		if v := nodes.get(id); v != nil {
			return v
		}
		if v := parts[0].nodes[id]; v != nil { // IDs past the dense table
			return v
		}
		return parts[1].nodes[id]
	}
	acc.grow(len(parts[0].quads) + len(parts[1].quads))
	for _, part := range parts {
		for _, ids := range part.quads {
			var q quad.Quad
			for i, d := range quad.Directions {
				if ids[i] == 0 {
					continue
				}
				v := get(ids[i])
				if v == nil {
					return fmt.Errorf("quad value %d has no node: %w", ids[i], errConflict)
				}
				q.Set(d, v)
			}
			// As Cayley's all-quads iteration: quads without subject,
			// predicate or object are not quads.
			if q.IsValid() {
				acc.add(q)
			}
		}
	}
	return nil
}

// logPart is the scan of the log entries with IDs in [from, to].
type logPart struct {
	from, to uint64
	quads    [][4]uint64           // live quads: node IDs by direction
	nodes    map[uint64]quad.Value // nodes past the shared dense table
}

// scan reads the part in a read transaction that must be txid; node
// values go to the dense part of shared (distinct IDs: no two parts write
// one slot) or, past it, to p.nodes.
func (p *logPart) scan(ctx context.Context, db *bolt.DB, txid int, shared *nodeTable) error {
	return db.View(func(tx *bolt.Tx) error {
		if tx.ID() != txid {
			return fmt.Errorf("the store changed during the dump: %w", errConflict)
		}
		b := tx.Bucket(logBucket)
		if b == nil {
			return fmt.Errorf("log bucket gone during the dump: %w", errConflict)
		}
		var from [8]byte
		binary.BigEndian.PutUint64(from[:], p.from)
		c := b.Cursor()
		n := 0
		for k, v := c.Seek(from[:]); k != nil; k, v = c.Next() {
			if len(k) != 8 {
				return fmt.Errorf("log key %x: %w", k, errBadPrimitive)
			}
			if binary.BigEndian.Uint64(k) > p.to {
				break
			}
			if n++; n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			prim, err := decodePrimitive(v)
			if err != nil {
				return fmt.Errorf("log entry %x: %w", k, err)
			}
			switch {
			case len(prim.value) > 0: // a node
				qv, err := decodeValue(prim.value)
				if err != nil {
					return fmt.Errorf("node %d: %w", prim.id, err)
				}
				if prim.id < uint64(len(shared.dense)) {
					shared.dense[prim.id] = qv
				} else {
					if p.nodes == nil {
						p.nodes = map[uint64]quad.Value{}
					}
					p.nodes[prim.id] = qv
				}
			case !prim.deleted:
				p.quads = append(p.quads, prim.dirs)
			}
		}
		return nil
	})
}

// nodeTable holds node values by ID in a slice indexed by ID when the
// largest ID is small enough (IDs are dense unless the store saw much
// churn); logPart keeps the others.
type nodeTable struct {
	dense []quad.Value
}

// maxDenseNodes bounds the dense table (16 bytes per ID); a variable for
// tests.
var maxDenseNodes uint64 = 1 << 22

func (t *nodeTable) init(maxID uint64) {
	if maxID < maxDenseNodes {
		t.dense = make([]quad.Value, maxID+1)
	}
}

func (t *nodeTable) get(id uint64) quad.Value {
	if id < uint64(len(t.dense)) {
		return t.dense[id]
	}
	return nil
}

// primitive is the part of a Cayley kv primitive a dump needs.
type primitive struct {
	id      uint64
	dirs    [4]uint64 // node IDs: subject, predicate, object, label (0: none)
	value   []byte    // set on nodes: the value (pquads), aliasing the input
	deleted bool
}

var errBadPrimitive = errors.New("malformed primitive")

// decodePrimitive decodes the protobuf encoding of
// cayley/graph/proto.Primitive (fields 1 ID, 2-5 subject, predicate,
// object, label, 6 replaces, 7 timestamp: varints; 8 value: bytes;
// 9 deleted: bool). Unknown fields are skipped by wire type. Written out
// here to avoid the reflection-based protobuf decoder: a dump decodes one
// per quad and per node.
func decodePrimitive(b []byte) (primitive, error) {
	var p primitive
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return p, errBadPrimitive
		}
		b = b[n:]
		field, wire := key>>3, key&7
		switch wire {
		case 0: // varint
			v, n := binary.Uvarint(b)
			if n <= 0 {
				return p, errBadPrimitive
			}
			b = b[n:]
			switch field {
			case 1:
				p.id = v
			case 2, 3, 4, 5:
				p.dirs[field-2] = v
			case 9:
				p.deleted = v != 0
			}
		case 2: // length-delimited
			l, n := binary.Uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return p, errBadPrimitive
			}
			if field == 8 {
				p.value = b[n : n+int(l)]
			}
			b = b[n+int(l):]
		case 1: // fixed64
			if len(b) < 8 {
				return p, errBadPrimitive
			}
			b = b[8:]
		case 5: // fixed32
			if len(b) < 4 {
				return p, errBadPrimitive
			}
			b = b[4:]
		default:
			return p, errBadPrimitive
		}
	}
	return p, nil
}

// dumpAcc turns a stream of quads into a graph.Dump, with the semantics
// of the readers: entities as ScanEntities (entityIDs, then entities),
// relations as ScanRelations (allRelations, then fillStatements),
// documents as documents, the generation as generation.
type dumpAcc struct {
	quads int64

	gen    int64
	genOK  bool
	genErr error

	// kinded: IDs given a kind of the vocabulary by some document (what
	// kindsByEntity lists).
	kinded map[string]bool
	// facts: per subject ID, its quads with an entity predicate (entity
	// facts; on statement nodes, relation evidence).
	facts map[string][]fact
	// rels: relation quads of vocabulary predicates; stated: the document
	// of each statement node.
	rels   []*graph.Relation
	stated map[string]string

	docs     map[string]*graph.Document
	docFound map[string]bool
}

// fact is one quad of a subject: predicate, object, label.
type fact struct{ p, o, label quad.Value }

func newDumpAcc() *dumpAcc {
	return &dumpAcc{
		kinded:   map[string]bool{},
		facts:    map[string][]fact{},
		stated:   map[string]string{},
		docs:     map[string]*graph.Document{},
		docFound: map[string]bool{},
	}
}

// grow sizes the accumulator for about n more quads (maps grown once,
// not by doubling).
func (a *dumpAcc) grow(n int) {
	if len(a.facts) > 0 || n < 1024 {
		return
	}
	// At the synthetic graphs' shape: ~1/3 of the quads are entity facts
	// or evidence of ~n/4 subjects, ~1/4 relations and statements.
	a.facts = make(map[string][]fact, n/4)
	a.stated = make(map[string]string, n/4)
	a.rels = make([]*graph.Relation, 0, n/4)
}

// vocabRel is the set of relation predicate IRIs of the vocabulary
// (allRelations reads only those).
var vocabRel = func() map[quad.Value]bool {
	m := make(map[quad.Value]bool, len(graph.Vocabulary))
	for _, p := range graph.Vocabulary {
		m[relIRI(p.ID)] = true
	}
	return m
}()

// vocabKind is the set of kind IRIs of the model (kindsByEntity reads
// only those).
var vocabKind = func() map[quad.Value]bool {
	m := make(map[quad.Value]bool, len(graph.Kinds))
	for _, k := range graph.Kinds {
		m[kindIRI(k)] = true
	}
	return m
}()

func (a *dumpAcc) add(q quad.Quad) {
	a.quads++
	if vocabRel[q.Predicate] {
		if rel, ok := relationOf(q); ok {
			a.rels = append(a.rels, rel)
		}
		return
	}
	if q.Subject == metaNode && q.Predicate == pGeneration {
		a.generation(q.Object)
		return
	}
	id, ok := idOf(q.Subject)
	if !ok {
		return
	}
	switch q.Predicate {
	case pStatedIn:
		if doc, ok := idOf(q.Object); ok {
			a.stated[id] = doc
		}
		return
	case rdfType:
		if vocabKind[q.Object] {
			if _, ok := idOf(q.Label); ok {
				a.kinded[id] = true
			}
		}
		if q.Object == cDocument && q.Label == q.Subject {
			a.docFound[id] = true
		}
	case pTitle, pDigest, pIssued, pTemporal:
		if q.Label == q.Subject {
			a.document(id, q.Predicate, q.Object)
		}
		return
	}
	// Entity facts, and on statement nodes the relation details.
	if entityPredicate(q.Predicate) || q.Predicate == pValidFrom || q.Predicate == pValidTo {
		a.facts[id] = append(a.facts[id], fact{q.Predicate, q.Object, q.Label})
	}
}

// generation follows reader.generation: the largest value, an error for
// one that is not a number.
func (a *dumpAcc) generation(o quad.Value) {
	n, err := strconv.ParseInt(lexical(o), 10, 64)
	if err != nil {
		if a.genErr == nil {
			a.genErr = fmt.Errorf("bad generation %v: %w", o, err)
		}
		return
	}
	if !a.genOK || n > a.gen {
		a.gen, a.genOK = n, true
	}
}

// document follows reader.documentsByID.
func (a *dumpAcc) document(id string, p, o quad.Value) {
	d := a.docs[id]
	if d == nil {
		d = &graph.Document{ID: id}
		a.docs[id] = d
	}
	documentField(d, p, o)
}

func (a *dumpAcc) result() (*graph.Dump, error) {
	if a.genErr != nil {
		return nil, a.genErr
	}
	d := &graph.Dump{Generation: a.gen, Quads: a.quads}

	ids := make([]string, 0, len(a.docFound))
	for id := range a.docFound {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	d.Documents = make([]graph.Document, 0, len(ids))
	for _, id := range ids {
		doc := graph.Document{ID: id}
		if m := a.docs[id]; m != nil {
			doc = *m
		}
		d.Documents = append(d.Documents, doc)
	}

	// Entities and relations are decoded side by side (they only read
	// the accumulator).
	var wg sync.WaitGroup
	wg.Go(func() { d.Entities = a.entities() })
	d.Relations = a.relations()
	wg.Wait()
	return d, nil
}

func (a *dumpAcc) entities() []*graph.Entity {
	ids := make([]string, 0, len(a.kinded))
	for id := range a.kinded {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]*graph.Entity, 0, len(ids))
	for _, id := range ids {
		dec := newEntityDecoder(id)
		for _, f := range a.facts[id] {
			dec.add(f.p, f.o, f.label)
		}
		if e := dec.entity(); e != nil {
			out = append(out, e)
		}
	}
	return out
}

func (a *dumpAcc) relations() []*graph.Relation {
	sort.Slice(a.rels, func(i, j int) bool { return a.rels[i].ID < a.rels[j].ID })
	out := make([]*graph.Relation, 0, len(a.rels))
	for _, rel := range a.rels {
		doc, ok := a.stated[rel.ID]
		if !ok { // no statement: not a stored relation
			continue
		}
		rel.Document = doc
		var dec statementDecoder
		for _, f := range a.facts[rel.ID] {
			if f.p != pEvidence {
				dec.add(rel, f.p, f.o)
				continue
			}
			evDoc, _ := idOf(f.label)
			if ev, ok := dumpEvidence(f.o, evDoc); ok {
				rel.Evidence = append(rel.Evidence, ev)
			}
		}
		dec.finish(rel)
		out = append(out, rel)
	}
	return out
}

// decodeValue is pquads.UnmarshalValue, with the values the store writes
// (strings, IRIs, blank nodes, typed and language-tagged strings) decoded
// here without the reflection-based protobuf decoder; anything else, or
// anything unusual (several fields, invalid UTF-8, which the protobuf
// decoder rejects), goes through pquads.
func decodeValue(b []byte) (v quad.Value, err error) {
	if v, ok := decodeValueFast(b); ok {
		return v, nil
	}
	// pquads panics on some malformed input (a value with no known
	// field): a damaged store is an error, not a crash.
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("malformed value %x: %v", b, r)
		}
	}()
	return pquads.UnmarshalValue(b)
}

// pquads.Value fields (quad/pquads/quads.proto): the oneof value.
const (
	pqStr      = 2
	pqIRI      = 3
	pqBNode    = 4
	pqTypedStr = 5 // message {string value = 1; string type = 2;}
	pqLangStr  = 6 // message {string value = 1; string lang = 2;}
	pqSubValue = 1
	pqSubTag   = 2
)

func decodeValueFast(b []byte) (quad.Value, bool) {
	field, body, n := bytesField(b)
	if n != len(b) || n == 0 {
		return nil, false
	}
	switch field {
	case pqStr, pqIRI, pqBNode:
		if !utf8.Valid(body) {
			return nil, false
		}
		switch field {
		case pqStr:
			return quad.String(body), true
		case pqIRI:
			return quad.IRI(body), true
		}
		return quad.BNode(body), true
	case pqTypedStr, pqLangStr:
		var parts [2]string
		for len(body) > 0 {
			f, v, n := bytesField(body)
			if n == 0 || (f != pqSubValue && f != pqSubTag) || !utf8.Valid(v) {
				return nil, false
			}
			parts[f-1] = string(v)
			body = body[n:]
		}
		if field == pqTypedStr {
			return quad.TypedString{Value: quad.String(parts[0]), Type: quad.IRI(parts[1])}, true
		}
		return quad.LangString{Value: quad.String(parts[0]), Lang: parts[1]}, true
	}
	return nil, false
}

// bytesField reads one length-delimited protobuf field at the start of b:
// its number, its bytes and how many bytes of b it took (0: b does not
// start with a well-formed length-delimited field).
func bytesField(b []byte) (field uint64, body []byte, n int) {
	key, k := binary.Uvarint(b)
	if k <= 0 || key&7 != 2 {
		return 0, nil, 0
	}
	l, m := binary.Uvarint(b[k:])
	if m <= 0 || l > uint64(len(b)-k-m) {
		return 0, nil, 0
	}
	start := k + m
	return key >> 3, b[start : start+int(l)], start + int(l)
}

// dumpEvidence is evidenceFromLiteral, with the literals the store writes
// (evidenceJSON as marshalJSON encodes it, strings without escapes)
// parsed here; anything else goes through evidenceFromLiteral (and
// encoding/json).
func dumpEvidence(v quad.Value, doc string) (graph.Evidence, bool) {
	ts, ok := v.(quad.TypedString)
	if !ok || ts.Type != rdfJSON {
		return graph.Evidence{}, false
	}
	j, ok := parseEvidenceJSON(string(ts.Value))
	if !ok {
		return evidenceFromLiteral(v, doc)
	}
	// The strings are cut out of the literal: copied, so that the
	// evidence does not keep the whole literal alive.
	ev := graph.Evidence{Document: strings.Clone(j.Document), Quote: strings.Clone(j.Quote), Start: j.Start, End: j.End,
		Section: strings.Clone(j.Section), URL: strings.Clone(j.URL), Note: strings.Clone(j.Note)}
	if ev.Document == "" {
		ev.Document = doc
	}
	return ev, true
}

// parseEvidenceJSON parses a flat JSON object of evidenceJSON's keys with
// string values free of escapes and integer offsets, as marshalJSON
// writes them. ok is false for anything else (whitespace, escapes, other
// keys or value types, invalid UTF-8), which the caller hands to
// encoding/json.
func parseEvidenceJSON(s string) (j evidenceJSON, ok bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return j, false
	}
	s = s[1 : len(s)-1]
	for s != "" {
		key, rest, ok := jsonPlainString(s)
		if !ok || rest == "" || rest[0] != ':' {
			return j, false
		}
		s = rest[1:]
		switch key {
		case "start", "end":
			i := 0
			if i < len(s) && s[i] == '-' {
				i++
			}
			digits := i
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			if i-digits > 1 && s[digits] == '0' { // JSON has no leading zeros
				return j, false
			}
			n, err := strconv.Atoi(s[:i])
			if err != nil {
				return j, false
			}
			if key == "start" {
				j.Start = n
			} else {
				j.End = n
			}
			s = s[i:]
		case "quote", "section", "url", "note", "document":
			v, rest, ok := jsonPlainString(s)
			if !ok {
				return j, false
			}
			switch key {
			case "quote":
				j.Quote = v
			case "section":
				j.Section = v
			case "url":
				j.URL = v
			case "note":
				j.Note = v
			default:
				j.Document = v
			}
			s = rest
		default:
			return j, false
		}
		switch {
		case s == "":
		case s[0] == ',' && len(s) > 1:
			s = s[1:]
		default:
			return j, false
		}
	}
	return j, true
}

// jsonPlainString reads a JSON string without escapes or control
// characters, in valid UTF-8, at the start of s.
func jsonPlainString(s string) (v, rest string, ok bool) {
	if s == "" || s[0] != '"' {
		return "", s, false
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			v = s[1:i]
			return v, s[i+1:], utf8.ValidString(v)
		case c == '\\' || c < 0x20:
			return "", s, false
		}
	}
	return "", s, false
}

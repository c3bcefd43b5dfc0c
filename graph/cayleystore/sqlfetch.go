package cayleystore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/cayleygraph/cayley/graph/refs"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/pquads"
	"github.com/lib/pq"
)

// sqlFetcher reads quads from Cayley's PostgreSQL tables directly, in bulk:
// the quads touching any number of nodes take one query, and naming all
// their nodes one more (two when a predicate filter applies first). Cayley's
// own iterators would take one query per node and one per value named,
// which made reading a 1e5-quad document take minutes.
//
// Each call runs in one read-only REPEATABLE READ transaction, so it sees
// one snapshot even while other processes write. The tables and the
// hashing are Cayley's (graph/sql): quads hold the hashes of their four
// values, nodes map a hash to its value.
type sqlFetcher struct {
	db    *sql.DB
	names map[refs.ValueHash]quad.Value
}

// sqlBatch bounds the hashes sent in one query.
const sqlBatch = 2000

func newSQLFetcher(db *sql.DB) *sqlFetcher {
	return &sqlFetcher{db: db, names: map[refs.ValueHash]quad.Value{}}
}

// dirColumns holds the quads column of each direction.
var dirColumns = map[quad.Direction]string{
	quad.Subject:   "subject_hash",
	quad.Predicate: "predicate_hash",
	quad.Object:    "object_hash",
	quad.Label:     "label_hash",
}

type hashedQuad [4]refs.ValueHash // subject, predicate, object, label

func (f *sqlFetcher) quadsWith(ctx context.Context, d quad.Direction, vals []quad.Value, keep func(quad.Value) bool) ([]quad.Quad, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	col, ok := dirColumns[d]
	if !ok {
		return nil, fmt.Errorf("bad direction %v", d)
	}
	keys := make([][]byte, 0, len(vals))
	for _, v := range vals {
		if v != nil {
			h := refs.HashOf(v)
			keys = append(keys, h[:])
		}
	}
	var out []quad.Quad
	err := f.inTx(ctx, func(tx *sql.Tx) error {
		var hqs []hashedQuad
		for len(keys) > 0 {
			n := min(sqlBatch, len(keys))
			rows, err := tx.QueryContext(ctx, `SELECT subject_hash, predicate_hash, object_hash, label_hash FROM quads WHERE `+col+` = ANY($1)`, pq.ByteaArray(keys[:n]))
			if err != nil {
				return err
			}
			hqs, err = scanHashedQuads(rows, hqs)
			if err != nil {
				return err
			}
			keys = keys[n:]
		}
		if keep != nil {
			preds := make([]refs.ValueHash, len(hqs))
			for i, q := range hqs {
				preds[i] = q[1]
			}
			if err := f.resolve(ctx, tx, preds); err != nil {
				return err
			}
			hqs = slices.DeleteFunc(hqs, func(q hashedQuad) bool { return !keep(f.names[q[1]]) })
		}
		var err error
		out, err = f.build(ctx, tx, hqs)
		return err
	})
	return out, err
}

// allQuads returns every quad.
func (f *sqlFetcher) allQuads(ctx context.Context) ([]quad.Quad, error) {
	var out []quad.Quad
	err := f.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT subject_hash, predicate_hash, object_hash, label_hash FROM quads`)
		if err != nil {
			return err
		}
		hqs, err := scanHashedQuads(rows, nil)
		if err != nil {
			return err
		}
		// Every quad names nearly every node: one sequential read of the
		// nodes table instead of one indexed lookup per batch of hashes.
		if err := f.resolveAll(ctx, tx); err != nil {
			return err
		}
		out, err = f.build(ctx, tx, hqs)
		return err
	})
	return out, err
}

// nodeColumns are the columns decodeNode reads, in its order.
const nodeColumns = `hash, value, value_string, datatype, language, iri, bnode, value_int, value_bool, value_float, value_time`

// resolveAll names every node of the table.
func (f *sqlFetcher) resolveAll(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+nodeColumns+` FROM nodes`)
	if err != nil {
		return err
	}
	return f.decodeNodes(rows)
}

func (f *sqlFetcher) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := f.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func scanHashedQuads(rows *sql.Rows, out []hashedQuad) ([]hashedQuad, error) {
	defer rows.Close()
	var cols [4][]byte
	for rows.Next() {
		if err := rows.Scan(&cols[0], &cols[1], &cols[2], &cols[3]); err != nil {
			return nil, err
		}
		var q hashedQuad
		for i, c := range cols {
			copy(q[i][:], c) // a NULL label stays the zero hash
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// build names the values of hqs.
func (f *sqlFetcher) build(ctx context.Context, tx *sql.Tx, hqs []hashedQuad) ([]quad.Quad, error) {
	hs := make([]refs.ValueHash, 0, 4*len(hqs))
	for _, q := range hqs {
		hs = append(hs, q[:]...)
	}
	if err := f.resolve(ctx, tx, hs); err != nil {
		return nil, err
	}
	out := make([]quad.Quad, 0, len(hqs))
	for _, q := range hqs {
		var x quad.Quad
		for i, d := range quad.Directions {
			if !q[i].Valid() {
				continue
			}
			v := f.names[q[i]]
			if v == nil {
				return nil, fmt.Errorf("quad value %s has no node: %w", q[i], errConflict)
			}
			x.Set(d, v)
		}
		out = append(out, x)
	}
	return out, nil
}

// resolve names the hashes not named yet.
func (f *sqlFetcher) resolve(ctx context.Context, tx *sql.Tx, hs []refs.ValueHash) error {
	var keys [][]byte
	seen := map[refs.ValueHash]bool{}
	for _, h := range hs {
		if !h.Valid() || seen[h] {
			continue
		}
		seen[h] = true
		if _, ok := f.names[h]; !ok {
			keys = append(keys, append([]byte(nil), h[:]...))
		}
	}
	for len(keys) > 0 {
		n := min(sqlBatch, len(keys))
		if err := f.resolveBatch(ctx, tx, keys[:n]); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}

func (f *sqlFetcher) resolveBatch(ctx context.Context, tx *sql.Tx, keys [][]byte) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+nodeColumns+` FROM nodes WHERE hash = ANY($1)`, pq.ByteaArray(keys))
	if err != nil {
		return err
	}
	return f.decodeNodes(rows)
}

// decodeNodes names the nodes of rows (nodeColumns) and closes rows.
func (f *sqlFetcher) decodeNodes(rows *sql.Rows) error {
	defer rows.Close()
	for rows.Next() {
		var (
			hash, data []byte
			str, typ   sql.NullString
			lang       sql.NullString
			iri, bnode sql.NullBool
			vint       sql.NullInt64
			vbool      sql.NullBool
			vfloat     sql.NullFloat64
			vtime      sql.NullTime
		)
		if err := rows.Scan(&hash, &data, &str, &typ, &lang, &iri, &bnode, &vint, &vbool, &vfloat, &vtime); err != nil {
			return err
		}
		var h refs.ValueHash
		copy(h[:], hash)
		if _, ok := f.names[h]; ok {
			continue // a value never changes its hash
		}
		// As Cayley's sql.QuadStore.NameOf decodes a node.
		var v quad.Value
		switch {
		case str.Valid:
			s := strings.ReplaceAll(str.String, `\x00`, "\u0000")
			switch {
			case iri.Bool:
				v = quad.IRI(s)
			case bnode.Bool:
				v = quad.BNode(s)
			case lang.Valid:
				v = quad.LangString{Value: quad.String(s), Lang: lang.String}
			case typ.Valid:
				v = quad.TypedString{Value: quad.String(s), Type: quad.IRI(typ.String)}
			default:
				v = quad.String(s)
			}
		case vint.Valid:
			v = quad.Int(vint.Int64)
		case vbool.Valid:
			v = quad.Bool(vbool.Bool)
		case vfloat.Valid:
			v = quad.Float(vfloat.Float64)
		case vtime.Valid:
			v = quad.Time(vtime.Time.UTC())
		default:
			var err error
			if v, err = pquads.UnmarshalValue(data); err != nil {
				return fmt.Errorf("node %x: %w", hash, err)
			}
		}
		f.names[h] = v
	}
	return rows.Err()
}

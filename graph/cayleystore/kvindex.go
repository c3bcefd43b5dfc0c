package cayleystore

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/cayleygraph/cayley/graph/kv"
	cproto "github.com/cayleygraph/cayley/graph/proto"
	"github.com/cayleygraph/quad"
	hkv "github.com/hidal-go/hidalgo/kv"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
	"google.golang.org/protobuf/proto"
)

// quadIndexes are the kv quad indexes of a bbolt store: Cayley's defaults
// (subject-predicate, object-predicate-subject), plus predicate-subject and
// label-subject, which answer a QuadIterator by predicate (every relation
// of a predicate, audit entries) or by label (every quad of a document, a
// relation by its statement) with a prefix scan. Without them Cayley's kv
// answers those with a scan of all quads.
//
// Why not single-direction predicate and label indexes: Cayley's kv checks
// whether a quad exists (every deleted quad, and every added quad whose
// nodes all exist already) by reading the entry of every index for the
// quad and intersecting them. A single-direction entry lists every quad
// ever stored with that predicate or label (rdf:type, evidence, a big
// document), so each check would decode a list as long as the store and
// every small write would cost O(store) per quad. Every entry of the
// indexes below is bounded by an entity's own quads (its predicate-subject
// or document-subject pairs).
// Cayley also rewrites a touched entry whole on every write, so the same
// bound keeps the bytes a small write moves independent of the store.
var quadIndexes = append(slices.Clone(kv.DefaultQuadIndexes),
	kv.QuadIndex{Dirs: []quad.Direction{quad.Predicate, quad.Subject}},
	kv.QuadIndex{Dirs: []quad.Direction{quad.Label, quad.Subject}},
)

// legacyQuadIndexes is the layout of stores made before the bounded
// indexes (single-direction predicate and label); openBbolt migrates them.
var legacyQuadIndexes = append(slices.Clone(kv.DefaultQuadIndexes),
	kv.QuadIndex{Dirs: []quad.Direction{quad.Predicate}},
	kv.QuadIndex{Dirs: []quad.Direction{quad.Label}},
)

// keyMetaIndexes is where Cayley's kv store keeps its index list (JSON of
// []kv.QuadIndex), read by kv.New. kv.Init writes the defaults there and
// has no option to choose others.
var keyMetaIndexes = hkv.Key{[]byte("meta"), []byte("indexes")}

// setQuadIndexes records the index list of a store that has no quads yet.
func setQuadIndexes(db hkv.KV, want []kv.QuadIndex) error {
	data, err := json.Marshal(want)
	if err != nil {
		return err
	}
	ctx := context.Background()
	return hkv.Update(ctx, db, func(tx hkv.Tx) error { return tx.Put(ctx, keyMetaIndexes, data) })
}

// storedQuadIndexes reads the index list of a store.
func storedQuadIndexes(tx *bolt.Tx) ([]kv.QuadIndex, error) {
	b := tx.Bucket(keyMetaIndexes[0])
	if b == nil {
		return nil, errors.New("no kv meta bucket")
	}
	data := b.Get(keyMetaIndexes[1])
	if data == nil {
		return nil, errors.New("no kv index list")
	}
	var got []kv.QuadIndex
	if err := json.Unmarshal(data, &got); err != nil {
		return nil, fmt.Errorf("kv index list: %w", err)
	}
	return got, nil
}

func sameIndex(a, b kv.QuadIndex) bool {
	return a.Unique == b.Unique && slices.Equal(a.Dirs, b.Dirs)
}

// indexBucket is the bbolt bucket of a kv quad index (kv's
// QuadIndex.bucket): the prefixes of its directions.
func indexBucket(ind kv.QuadIndex) []byte {
	b := make([]byte, len(ind.Dirs))
	for i, d := range ind.Dirs {
		b[i] = d.Prefix()
	}
	return b
}

// migrateQuadIndexes brings the quad indexes of an existing store to want,
// in one bbolt transaction (a crash leaves the old layout, migrated again
// at the next open): it builds the indexes of want the store lacks from
// the live quads of Cayley's primitive log, drops the buckets of indexes
// not in want, and records want. It returns how many indexes it built
// (0: the store already had want).
func migrateQuadIndexes(db *bolt.DB, want []kv.QuadIndex, log *slog.Logger, path string) (int, error) {
	var have []kv.QuadIndex
	if err := db.View(func(tx *bolt.Tx) (err error) {
		have, err = storedQuadIndexes(tx)
		return err
	}); err != nil {
		return 0, err
	}
	if slices.EqualFunc(have, want, sameIndex) {
		return 0, nil
	}
	var build, drop []kv.QuadIndex
	for _, ind := range want {
		if !slices.ContainsFunc(have, func(h kv.QuadIndex) bool { return sameIndex(h, ind) }) {
			build = append(build, ind)
		}
	}
	for _, ind := range have {
		if !slices.ContainsFunc(want, func(w kv.QuadIndex) bool { return sameIndex(w, ind) }) {
			drop = append(drop, ind)
		}
	}
	log.Info("bbolt store: rebuilding quad indexes (one-time migration)", "path", path,
		"have", fmt.Sprint(have), "want", fmt.Sprint(want))
	t0 := time.Now()
	var links int
	err := db.Update(func(tx *bolt.Tx) error {
		ls, err := liveLinks(tx)
		if err != nil {
			return err
		}
		links = len(ls)
		for _, ind := range drop {
			if err := tx.DeleteBucket(indexBucket(ind)); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
				return fmt.Errorf("drop index %v: %w", ind.Dirs, err)
			}
		}
		for _, ind := range build {
			if err := buildIndex(tx, ind, ls); err != nil {
				return fmt.Errorf("build index %v: %w", ind.Dirs, err)
			}
		}
		data, err := json.Marshal(want)
		if err != nil {
			return err
		}
		return tx.Bucket(keyMetaIndexes[0]).Put(keyMetaIndexes[1], data)
	})
	if err != nil {
		return 0, fmt.Errorf("migrate quad indexes: %w", err)
	}
	log.Info("bbolt store: quad indexes rebuilt", "path", path, "quads", links, "built", len(build),
		"dropped", len(drop), "took", time.Since(t0).Round(time.Millisecond))
	return len(build), nil
}

// link is a live quad of Cayley's log: its ID and node IDs by direction
// (quad.Directions order; 0 = none).
type link struct {
	id   uint64
	dirs [4]uint64
}

// liveLinks reads every live quad of Cayley's primitive log ("log" bucket:
// key = ID, value = protobuf cproto.Primitive; nodes carry a value, quads
// node IDs; a deleted quad is logged again with Deleted set).
func liveLinks(tx *bolt.Tx) ([]link, error) {
	b := tx.Bucket([]byte("log"))
	if b == nil {
		return nil, nil
	}
	var out []link
	var p cproto.Primitive
	err := b.ForEach(func(k, v []byte) error {
		p.Reset()
		if err := proto.Unmarshal(v, &p); err != nil {
			return fmt.Errorf("log entry %x: %w", k, err)
		}
		if len(p.Value) != 0 || p.Deleted || p.Subject == 0 {
			return nil
		}
		out = append(out, link{id: p.ID, dirs: [4]uint64{p.Subject, p.Predicate, p.Object, p.Label}})
		return nil
	})
	return out, err
}

// dirIndex is the position of d in quad.Directions.
func dirIndex(d quad.Direction) int {
	return slices.Index(quad.Directions, d)
}

// buildIndex writes index ind for links into a new bucket, as Cayley's kv
// would have: key = the node IDs of the index's directions (8 bytes each,
// big-endian), value = the quad IDs (uvarints, ascending). Keys are put in
// order into full pages.
func buildIndex(tx *bolt.Tx, ind kv.QuadIndex, links []link) error {
	pos := make([]int, len(ind.Dirs))
	for i, d := range ind.Dirs {
		if pos[i] = dirIndex(d); pos[i] < 0 {
			return fmt.Errorf("bad direction %v", d)
		}
	}
	key := func(l *link) []byte {
		k := make([]byte, 8*len(pos))
		for i, p := range pos {
			binary.BigEndian.PutUint64(k[8*i:], l.dirs[p])
		}
		return k
	}
	slices.SortFunc(links, func(a, b link) int {
		for _, p := range pos {
			if c := cmp.Compare(a.dirs[p], b.dirs[p]); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.id, b.id)
	})
	name := indexBucket(ind)
	if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
		return err
	}
	bk, err := tx.CreateBucket(name)
	if err != nil {
		return err
	}
	bk.FillPercent = 1
	var (
		cur []byte
		val []byte
	)
	for i := range links {
		k := key(&links[i])
		if cur != nil && !bytes.Equal(k, cur) {
			if err := bk.Put(cur, val); err != nil {
				return err
			}
			val = nil
		}
		cur = k
		val = binary.AppendUvarint(val, links[i].id)
	}
	if cur != nil {
		return bk.Put(cur, val)
	}
	return nil
}

// kvCounter counts what Cayley's kv store reads and writes through
// sharedTxKV, so tests can check how a write's cost grows with the store
// (structurally, not by timing). Only set in tests; not synchronised
// beyond what the Store's lock gives.
type kvCounter struct {
	gets      int // keys asked for by Get and GetBatch
	readBytes int // value bytes returned by Get, GetBatch and scans
	scanned   int // entries returned by scans
	puts      int
	putBytes  int
}

// countingTx counts the traffic of one kv transaction.
type countingTx struct {
	hkv.Tx
	c *kvCounter
}

func (t countingTx) Get(ctx context.Context, key hkv.Key) (hkv.Value, error) {
	v, err := t.Tx.Get(ctx, key)
	t.c.gets++
	t.c.readBytes += len(v)
	return v, err
}

func (t countingTx) GetBatch(ctx context.Context, keys []hkv.Key) ([]hkv.Value, error) {
	vs, err := t.Tx.GetBatch(ctx, keys)
	t.c.gets += len(keys)
	for _, v := range vs {
		t.c.readBytes += len(v)
	}
	return vs, err
}

func (t countingTx) Put(ctx context.Context, k hkv.Key, v hkv.Value) error {
	t.c.puts++
	t.c.putBytes += len(v)
	return t.Tx.Put(ctx, k, v)
}

func (t countingTx) Scan(ctx context.Context, opts ...hkv.IteratorOption) hkv.Iterator {
	return countingIter{t.Tx.Scan(ctx, opts...), t.c}
}

type countingIter struct {
	hkv.Iterator
	c *kvCounter
}

func (it countingIter) Next(ctx context.Context) bool {
	ok := it.Iterator.Next(ctx)
	if ok {
		it.c.scanned++
		it.c.readBytes += len(it.Iterator.Val())
	}
	return ok
}

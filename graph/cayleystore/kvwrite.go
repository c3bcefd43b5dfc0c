package cayleystore

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	cproto "github.com/cayleygraph/cayley/graph/proto"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/pquads"
	hkv "github.com/hidal-go/hidalgo/kv"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// appendQuads adds quads to a bbolt store inside the write transaction tx,
// writing Cayley's kv layout exactly as kv.QuadStore.ApplyDeltas does for
// added quads: each value is a node (log entry with the value, "v" bucket
// hash -> ID, "n" bucket hash -> reference count, counted once per quad
// direction it fills), each quad a log entry with its node IDs, listed
// under its key in every quad index; "horizon" (last ID) and "size" (quad
// count) in the meta bucket.
//
// Why not ApplyDeltas: its per-quad work (an existence check decoding and
// intersecting the entries of all indexes, proto marshalling by
// reflection, a hash map of index entries, unsorted puts into bbolt)
// dominates a bulk load. Here the puts go into bbolt sorted per
// bucket and a quad is checked for existence only when all its nodes
// already existed, against its shortest index entry.
//
// A quad that exists already fails the write with cgraph.ErrQuadExists (as
// ApplyDeltas without IgnoreDup); repeated quads in qs are written and
// counted once (ApplyDeltas writes them once but counts every copy's
// references, which then never drop to zero).
// The caller rolls tx back on error.
func appendQuads(ctx context.Context, tx hkv.Tx, indexes []kv.QuadIndex, qs []quad.Quad) error {
	if len(qs) == 0 {
		return nil
	}
	type node struct {
		hash    [quad.HashSize]byte
		val     quad.Value
		refs    uint64
		id      uint64
		existed bool
	}
	var (
		nodes  []*node
		byHash = make(map[[quad.HashSize]byte]*node, len(qs))
		// byVal saves hashing (SHA-1) every occurrence of a value; values
		// that differ but hash alike (the same node) meet in byHash.
		byVal = make(map[quad.Value]*node, len(qs))
		ends  = make([][4]*node, len(qs))
		h     [quad.HashSize]byte
	)
	for i, q := range qs {
		if !q.IsValid() {
			return fmt.Errorf("append quads: invalid quad %v", q)
		}
		for j, d := range quad.Directions {
			v := q.Get(d)
			if v == nil {
				continue
			}
			cacheable := false
			switch v.(type) {
			case quad.IRI, quad.String, quad.LangString, quad.TypedString: // comparable
				cacheable = true
				if n := byVal[v]; n != nil {
					ends[i][j] = n
					continue
				}
			}
			quad.HashTo(v, h[:])
			n := byHash[h]
			if n == nil {
				n = &node{hash: h, val: v}
				byHash[h] = n
				nodes = append(nodes, n)
			}
			if cacheable {
				byVal[v] = n
			}
			ends[i][j] = n
		}
	}
	byVal, byHash = nil, nil
	// Nodes in hash order: the "v" and "n" buckets are sharded by the
	// first two bytes of the hash, so the puts walk them in order.
	slices.SortFunc(nodes, func(a, b *node) int { return bytes.Compare(a.hash[:], b.hash[:]) })

	valKeys := make([]hkv.Key, len(nodes))
	refKeys := make([]hkv.Key, len(nodes))
	for i, n := range nodes {
		valKeys[i] = hkv.Key{{'v', n.hash[0], n.hash[1]}, n.hash[:]}
		refKeys[i] = hkv.Key{{'n', n.hash[0], n.hash[1]}, n.hash[:]}
	}
	horizonKey := hkv.Key{[]byte("meta"), []byte("horizon")}
	horizon, err := metaInt(ctx, tx, horizonKey)
	if err != nil {
		return fmt.Errorf("append quads: %w", err)
	}
	var ids []hkv.Value
	if horizon > 0 { // else nothing is stored: every node is new
		if ids, err = tx.GetBatch(ctx, valKeys); err != nil {
			return fmt.Errorf("append quads: resolve nodes: %w", err)
		}
	}
	var old []int // nodes that exist already
	for i, b := range ids {
		if len(b) == 0 {
			continue
		}
		id, k := binary.Uvarint(b)
		if k <= 0 || id == 0 {
			return fmt.Errorf("append quads: bad node ID %x for %v", b, nodes[i].val)
		}
		nodes[i].id, nodes[i].existed = id, true
		old = append(old, i)
	}
	if len(old) > 0 {
		keys := make([]hkv.Key, len(old))
		for j, i := range old {
			keys[j] = refKeys[i]
		}
		counts, err := tx.GetBatch(ctx, keys)
		if err != nil {
			return fmt.Errorf("append quads: read reference counts: %w", err)
		}
		for j, i := range old {
			c, _ := binary.Uvarint(counts[j])
			nodes[i].refs += c
		}
	}

	// Distinct quads; those whose nodes all existed may exist already.
	var (
		uniq    []int // index in qs of each distinct quad's first occurrence
		probe   [][4]uint64
		probeAt []int // index in qs of each probe
	)
	seen := make(map[[4]*node]bool, len(qs))
	for i := range qs {
		if seen[ends[i]] {
			continue
		}
		seen[ends[i]] = true
		uniq = append(uniq, i)
		var ids [4]uint64
		maybe := true
		for j, n := range ends[i] {
			if n != nil {
				n.refs++ // once per direction of each distinct quad
				ids[j] = n.id
				maybe = maybe && n.existed
			}
		}
		if maybe {
			probe = append(probe, ids)
			probeAt = append(probeAt, i)
		}
	}
	seen = nil
	if len(probe) > 0 {
		found, err := existingLinks(ctx, tx, indexes, probe)
		if err != nil {
			return fmt.Errorf("append quads: %w", err)
		}
		if found >= 0 {
			return fmt.Errorf("append quads: %v: %w", qs[probeAt[found]], cgraph.ErrQuadExists)
		}
	}

	// IDs: new nodes first, then quads, as ApplyDeltas allocates them.
	next := uint64(horizon)
	now := time.Now().UnixNano()
	var logKeys []hkv.Key
	var logVals [][]byte
	for i, n := range nodes {
		if n.existed {
			continue
		}
		next++
		n.id = next
		v, err := pquads.MarshalValue(n.val)
		if err != nil {
			return fmt.Errorf("append quads: node %v: %w", n.val, err)
		}
		logKeys = append(logKeys, logKey(n.id))
		logVals = append(logVals, marshalPrimitive(&cproto.Primitive{ID: n.id, Timestamp: now, Value: v}))
		if err := tx.Put(ctx, valKeys[i], binary.AppendUvarint(nil, n.id)); err != nil {
			return fmt.Errorf("append quads: %w", err)
		}
	}
	for i, n := range nodes {
		if err := tx.Put(ctx, refKeys[i], binary.AppendUvarint(nil, n.refs)); err != nil {
			return fmt.Errorf("append quads: %w", err)
		}
	}
	type link struct {
		ids [4]uint64
		id  uint64
	}
	links := make([]link, len(uniq))
	for j, i := range uniq {
		l := &links[j]
		for d, n := range ends[i] {
			if n != nil {
				l.ids[d] = n.id
			}
		}
		next++
		l.id = next
		logKeys = append(logKeys, logKey(l.id))
		logVals = append(logVals, marshalPrimitive(&cproto.Primitive{
			ID: l.id, Subject: l.ids[0], Predicate: l.ids[1], Object: l.ids[2], Label: l.ids[3], Timestamp: now,
		}))
	}
	for i := range logKeys { // IDs ascending: appends to the log bucket
		if err := tx.Put(ctx, logKeys[i], logVals[i]); err != nil {
			return fmt.Errorf("append quads: %w", err)
		}
	}
	if err := putMetaInt(ctx, tx, horizonKey, int64(next)); err != nil {
		return fmt.Errorf("append quads: %w", err)
	}

	// Index entries: per index, the new quad IDs of each key, appended
	// (ascending) to the stored list.
	for _, ind := range indexes {
		pos := make([]int, len(ind.Dirs))
		for i, d := range ind.Dirs {
			pos[i] = dirIndex(d)
		}
		type entry struct {
			vals [4]uint64 // node IDs of the index's directions
			id   uint64
		}
		es := make([]entry, len(links))
		for i := range links {
			for j, p := range pos {
				es[i].vals[j] = links[i].ids[p]
			}
			es[i].id = links[i].id
		}
		slices.SortFunc(es, func(a, b entry) int {
			for j := range pos {
				if c := cmp.Compare(a.vals[j], b.vals[j]); c != 0 {
					return c
				}
			}
			return cmp.Compare(a.id, b.id) // lists ascend, as Cayley's
		})
		bucket := indexBucket(ind)
		var keys []hkv.Key
		var lists [][]uint64
		for i, e := range es {
			if i > 0 && e.vals == es[i-1].vals {
				lists[len(lists)-1] = append(lists[len(lists)-1], e.id)
				continue
			}
			k := make([]byte, 8*len(pos))
			for j := range pos {
				binary.BigEndian.PutUint64(k[8*j:], e.vals[j])
			}
			keys = append(keys, hkv.Key{bucket, k})
			lists = append(lists, []uint64{e.id})
		}
		cur, err := tx.GetBatch(ctx, keys)
		if err != nil {
			return fmt.Errorf("append quads: index %v: %w", ind.Dirs, err)
		}
		for i, k := range keys {
			old := cur[i]
			grown := len(old)
			for _, id := range lists[i] {
				grown += uvarintLen(id)
			}
			if pruneDue(len(old), grown) {
				if old, err = liveIDs(ctx, tx, old); err != nil {
					return fmt.Errorf("append quads: index %v: %w", ind.Dirs, err)
				}
			}
			v := make([]byte, len(old), len(old)+binary.MaxVarintLen64*len(lists[i]))
			copy(v, old)
			for _, id := range lists[i] {
				v = binary.AppendUvarint(v, id)
			}
			if err := tx.Put(ctx, k, v); err != nil {
				return fmt.Errorf("append quads: index %v: %w", ind.Dirs, err)
			}
		}
	}
	sizeKey := hkv.Key{[]byte("meta"), []byte("size")}
	size, err := metaInt(ctx, tx, sizeKey)
	if err != nil {
		return fmt.Errorf("append quads: %w", err)
	}
	if err := putMetaInt(ctx, tx, sizeKey, size+int64(len(links))); err != nil {
		return fmt.Errorf("append quads: %w", err)
	}
	return nil
}

// existingLinks returns the position in probe of a quad (node IDs by
// direction) that is stored and live, or -1. Each is looked up under its
// shortest index entry; candidates are compared in the log.
func existingLinks(ctx context.Context, tx hkv.Tx, indexes []kv.QuadIndex, probe [][4]uint64) (int, error) {
	for i, ids := range probe {
		keys := make([]hkv.Key, len(indexes))
		for j, ind := range indexes {
			k := make([]byte, 8*len(ind.Dirs))
			for n, d := range ind.Dirs {
				binary.BigEndian.PutUint64(k[8*n:], ids[dirIndex(d)])
			}
			keys[j] = hkv.Key{indexBucket(ind), k}
		}
		lists, err := tx.GetBatch(ctx, keys)
		if err != nil {
			return -1, err
		}
		best := lists[0]
		for _, l := range lists[1:] {
			if len(l) < len(best) {
				best = l
			}
		}
		var cands []hkv.Key
		for b := best; len(b) > 0; {
			id, n := binary.Uvarint(b)
			if n <= 0 {
				return -1, errors.New("bad index entry")
			}
			b = b[n:]
			cands = append(cands, logKey(id))
		}
		if len(cands) == 0 {
			continue
		}
		prims, err := tx.GetBatch(ctx, cands)
		if err != nil {
			return -1, err
		}
		var p cproto.Primitive
		for _, b := range prims {
			if b == nil {
				continue
			}
			p.Reset()
			if err := proto.Unmarshal(b, &p); err != nil {
				return -1, fmt.Errorf("log entry: %w", err)
			}
			if !p.Deleted && [4]uint64{p.Subject, p.Predicate, p.Object, p.Label} == ids {
				return i, nil
			}
		}
	}
	return -1, nil
}

// logKey is the key of primitive id in Cayley's log bucket.
func logKey(id uint64) hkv.Key {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, id)
	return hkv.Key{[]byte("log"), k}
}

// marshalPrimitive encodes p as its protobuf message (proto3: zero fields
// left out), without the reflection of proto.Marshal.
func marshalPrimitive(p *cproto.Primitive) []byte {
	b := make([]byte, 0, 48+len(p.Value))
	for _, f := range []struct {
		num protowire.Number
		v   uint64
	}{{1, p.ID}, {2, p.Subject}, {3, p.Predicate}, {4, p.Object}, {5, p.Label}, {6, p.Replaces}, {7, uint64(p.Timestamp)}} {
		if f.v != 0 {
			b = protowire.AppendTag(b, f.num, protowire.VarintType)
			b = protowire.AppendVarint(b, f.v)
		}
	}
	if len(p.Value) > 0 {
		b = protowire.AppendTag(b, 8, protowire.BytesType)
		b = protowire.AppendBytes(b, p.Value)
	}
	if p.Deleted {
		b = protowire.AppendTag(b, 9, protowire.VarintType)
		b = protowire.AppendVarint(b, 1)
	}
	return b
}

// metaInt reads an integer of Cayley's kv meta bucket (8 bytes,
// little-endian; 0 when missing).
func metaInt(ctx context.Context, tx hkv.Tx, key hkv.Key) (int64, error) {
	v, err := tx.Get(ctx, key)
	if errors.Is(err, hkv.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("bad meta value %x for %s", v, key[1])
	}
	return int64(binary.LittleEndian.Uint64(v)), nil
}

func putMetaInt(ctx context.Context, tx hkv.Tx, key hkv.Key, n int64) error {
	b := make([]byte, 8)
	binary.LittleEndian.PutUint64(b, uint64(n))
	return tx.Put(ctx, key, b)
}

// pruneMinBytes is the size from which an index entry that appendQuads
// grows is pruned of dead quad IDs.
const pruneMinBytes = 256

// pruneDue reports whether an index entry growing from n0 to n1 bytes
// should be pruned: when it crosses a power of two from pruneMinBytes up.
// Cayley's kv never removes the IDs of deleted quads from index entries,
// so an entry rewritten by every write (the generation quad's) would grow
// with the number of writes, and so would every read through it. Pruning
// at doublings reads each listed ID's log entry O(1) times amortised,
// whatever the share of dead IDs.
func pruneDue(n0, n1 int) bool {
	return n1 >= pruneMinBytes && bits.Len(uint(n0)) != bits.Len(uint(n1))
}

// liveIDs returns the index entry list with the IDs of deleted (or
// missing) quads left out.
func liveIDs(ctx context.Context, tx hkv.Tx, list []byte) ([]byte, error) {
	var ids []uint64
	for b := list; len(b) > 0; {
		id, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, errors.New("bad index entry")
		}
		b = b[n:]
		ids = append(ids, id)
	}
	keys := make([]hkv.Key, len(ids))
	for i, id := range ids {
		keys[i] = logKey(id)
	}
	prims, err := tx.GetBatch(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(list))
	var p cproto.Primitive
	for i, b := range prims {
		if b == nil {
			continue
		}
		p.Reset()
		if err := proto.Unmarshal(b, &p); err != nil {
			return nil, fmt.Errorf("log entry %d: %w", ids[i], err)
		}
		if !p.Deleted {
			out = binary.AppendUvarint(out, ids[i])
		}
	}
	return out, nil
}

func uvarintLen(x uint64) int {
	return (bits.Len64(x|1) + 6) / 7
}

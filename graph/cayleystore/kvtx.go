package cayleystore

import (
	"context"
	"errors"
	"fmt"

	hkv "github.com/hidal-go/hidalgo/kv"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// boltTx is the shared bbolt write transaction of sharedTxKV as a hidalgo
// kv.Tx, for Cayley's ApplyDeltas and appendQuads. Unlike hidalgo's own
// bbolt Tx it keeps the buckets it opened (hidalgo calls
// CreateBucketIfNotExists on every Put), and it supports only the keys
// Cayley's kv store uses: a bucket and a key. Scans are not supported:
// Cayley's write path never scans (its reads run in their own read
// transactions), and a scan here fails loudly rather than reading around
// the shared transaction.
type boltTx struct {
	tx      *bolt.Tx
	buckets map[string]*bolt.Bucket
}

var errKeyShape = errors.New("shared bbolt transaction: key is not [bucket, key]")

func newBoltTx(tx *bolt.Tx) *boltTx {
	return &boltTx{tx: tx, buckets: map[string]*bolt.Bucket{}}
}

// bucket returns the bucket of key k (creating it when create), or nil.
func (t *boltTx) bucket(name []byte, create bool) (*bolt.Bucket, error) {
	if b := t.buckets[string(name)]; b != nil {
		return b, nil
	}
	b := t.tx.Bucket(name)
	if b == nil && create {
		var err error
		if b, err = t.tx.CreateBucket(name); err != nil {
			return nil, err
		}
	}
	if b != nil {
		if string(name) == "log" {
			// Keyed by ascending ID: new entries go at the end, so pages
			// can be packed full.
			b.FillPercent = 1
		}
		t.buckets[string(name)] = b
	}
	return b, nil
}

func (t *boltTx) Get(ctx context.Context, k hkv.Key) (hkv.Value, error) {
	if len(k) != 2 {
		return nil, errKeyShape
	}
	b, err := t.bucket(k[0], false)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, hkv.ErrNotFound // Cayley compares with ==
	}
	v := b.Get(k[1])
	if v == nil {
		return nil, hkv.ErrNotFound
	}
	return v, nil
}

func (t *boltTx) GetBatch(ctx context.Context, keys []hkv.Key) ([]hkv.Value, error) {
	vals := make([]hkv.Value, len(keys))
	for i, k := range keys {
		if len(k) != 2 {
			return nil, errKeyShape
		}
		b, err := t.bucket(k[0], false)
		if err != nil {
			return nil, err
		}
		if b != nil {
			vals[i] = b.Get(k[1])
		}
	}
	return vals, nil
}

func (t *boltTx) Put(ctx context.Context, k hkv.Key, v hkv.Value) error {
	if len(k) != 2 {
		return errKeyShape
	}
	b, err := t.bucket(k[0], true)
	if err != nil {
		return err
	}
	return b.Put(k[1], v)
}

func (t *boltTx) Del(ctx context.Context, k hkv.Key) error {
	if len(k) != 2 {
		return errKeyShape
	}
	b, err := t.bucket(k[0], false)
	if err != nil || b == nil {
		return err
	}
	return b.Delete(k[1])
}

func (t *boltTx) Scan(ctx context.Context, opts ...hkv.IteratorOption) hkv.Iterator {
	return errIterator{fmt.Errorf("shared bbolt transaction: scans are not supported")}
}

func (t *boltTx) Commit(ctx context.Context) error {
	t.buckets = nil
	return t.tx.Commit()
}

func (t *boltTx) Close() error {
	t.buckets = nil
	if err := t.tx.Rollback(); err != nil && !errors.Is(err, bolterrors.ErrTxClosed) {
		return err
	}
	return nil
}

// errIterator is an iterator that failed.
type errIterator struct{ err error }

func (it errIterator) Next(context.Context) bool { return false }
func (it errIterator) Err() error                { return it.err }
func (it errIterator) Close() error              { return nil }
func (it errIterator) Reset()                    {}
func (it errIterator) Key() hkv.Key              { return nil }
func (it errIterator) Val() hkv.Value            { return nil }

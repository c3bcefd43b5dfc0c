// Package index is an in-memory read index in front of a graph.Store.
//
// The backing store (Cayley on memory, bbolt or PostgreSQL) stays the system
// of record. An index.Store loads the whole graph once into compact
// in-memory structures — entities by ID, relations by ID, per-entity
// adjacency sorted by relation ID, a name table — and answers every read
// from them without touching the backing store. It loads through
// graph.Dumper (one pass over the stored quads) when the backing store
// has it, else through ScanEntities, ScanRelations and Documents. Writes
// go to the backing store first and, once it has committed them, the
// index reads the touched entities and relations back and applies them,
// so the index never shows a write the backing store did not accept.
//
// Writes made by other processes sharing the backing store (replicas on one
// PostgreSQL database) are picked up through the backing store's
// Generation: a background loop compares it with the generation the index
// reflects every Options.Poll and reloads when it moved. Sync forces the
// check.
//
// Values returned by reads are copies the caller may modify.
package index

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/minhang-kg/kg/graph"
)

// Options tune an index.
type Options struct {
	// Poll is how often the backing store's generation is compared with
	// the index's. 0 means DefaultPoll; negative disables polling (use
	// for backends only this process writes, or call Sync).
	Poll time.Duration

	// SnapshotPath, when set, is a file the index persists itself to
	// (after it was built from the store, and on Close) and starts from
	// when the snapshot still describes the store: same store generation
	// and, with StoreFile, the same store file (device, inode, size,
	// modification time). Otherwise, or when the file is damaged, the
	// index is built from the store as without it. Use it only for a
	// store in a local file that only processes with the same snapshot
	// path write (bbolt); see snapshot.go.
	SnapshotPath string
	// StoreFile is the file the backing store keeps its data in; its
	// identity is recorded in the snapshot and checked on load.
	StoreFile string
}

// DefaultPoll is the default generation poll interval.
const DefaultPoll = time.Second

// scanChunk is how many items a scan copies out per read-lock hold.
const scanChunk = 512

// Store is a graph.Store serving reads from memory. See the package doc.
type Store struct {
	backing graph.Store
	log     *slog.Logger

	// wmu serialises writes and reloads (each reads back and applies).
	wmu sync.Mutex
	// known is the backing generation the index reflects; written under
	// wmu.
	known atomic.Int64

	mu    sync.RWMutex
	st    *state
	gen   int64      // index generation, bumped on every applied change
	quads int64      // backing quad count; valid when !stale
	stale bool       // quads needs a refresh from the backing store
	qmu   sync.Mutex // one quad count refresh at a time

	// Snapshot (see snapshot.go): the path, the store file, and what the
	// file on disk holds (snapOK: written or loaded by this process);
	// under wmu.
	snapPath  string
	storeFile string
	snapOK    bool
	snapGen   int64
	snapFile  fileID

	closed atomic.Bool
	kick   chan struct{}
	stop   context.CancelFunc
	done   chan struct{}
}

var _ graph.Store = (*Store)(nil)

// NewWithOptions loads the graph of backing into memory (or from the
// snapshot of opt) and returns the index. The index owns backing: Close
// closes it.
func NewWithOptions(ctx context.Context, backing graph.Store, log *slog.Logger, opt Options) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{backing: backing, log: log.With("component", "index"), kick: make(chan struct{}, 1), done: make(chan struct{}),
		snapPath: opt.SnapshotPath, storeFile: opt.StoreFile}
	began := time.Now()
	fromSnapshot := s.snapPath != "" && s.loadSnapshot(ctx)
	if !fromSnapshot {
		if err := s.reload(ctx); err != nil {
			return nil, fmt.Errorf("index: initial load: %w", err)
		}
		releaseGarbage()
	}
	st := s.st
	s.log.InfoContext(ctx, "index loaded", "entities", len(st.ents), "relations", len(st.rels),
		"generation", s.known.Load(), "snapshot", fromSnapshot, "took", time.Since(began).Round(time.Millisecond))
	poll := opt.Poll
	if poll == 0 {
		poll = DefaultPoll
	}
	pctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.stop = cancel
	go s.loop(pctx, poll, !fromSnapshot)
	return s, nil
}

// loop reloads when the backing generation moves (every poll) or when kicked.
// With save, it first writes a snapshot of the freshly built index (off
// the start path: reads are served meanwhile, writes wait).
func (s *Store) loop(ctx context.Context, poll time.Duration, save bool) {
	defer close(s.done)
	if save && s.snapPath != "" {
		s.wmu.Lock()
		s.saveSnapshotLocked(ctx, "built from the store")
		s.wmu.Unlock()
	}
	var tick <-chan time.Time
	if poll > 0 {
		t := time.NewTicker(poll)
		defer t.Stop()
		tick = t.C
	}
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		case <-s.kick:
		}
		err := s.Sync(ctx)
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			failing = true
			s.log.WarnContext(ctx, "index: cannot check the backing store; serving the last loaded graph", "err", err)
		case err == nil && failing:
			failing = false
			s.log.InfoContext(ctx, "index: backing store reachable again")
		}
	}
}

// Sync compares the backing store's generation with the index's and
// reloads the index when they differ. It returns once the index reflects
// at least the generation it read.
func (s *Store) Sync(ctx context.Context) error {
	if s.closed.Load() {
		return graph.ErrClosed
	}
	g, err := s.backing.Generation(ctx)
	if err != nil {
		return fmt.Errorf("index: sync: %w", err)
	}
	if g == s.known.Load() {
		return nil
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	// A write through this index may have landed between the read above
	// and the lock: read again, now that no write of ours is in flight.
	if g, err = s.backing.Generation(ctx); err != nil {
		return fmt.Errorf("index: sync: %w", err)
	}
	if g == s.known.Load() {
		return nil
	}
	began := time.Now()
	if err := s.reloadLocked(ctx); err != nil {
		return fmt.Errorf("index: sync: %w", err)
	}
	releaseGarbage()
	s.log.InfoContext(ctx, "index reloaded: the backing store changed", "generation", s.known.Load(), "took", time.Since(began).Round(time.Millisecond))
	return nil
}

func (s *Store) reload(ctx context.Context) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.reloadLocked(ctx)
}

// reloadLocked reads the whole backing store into a fresh state and swaps
// it in. The generation is read before the scans: if a write lands during
// them, the next Sync sees a newer generation and reloads again.
func (s *Store) reloadLocked(ctx context.Context) error {
	if d, ok := s.backing.(graph.Dumper); ok {
		return s.reloadDumpLocked(ctx, d)
	}
	g, err := s.backing.Generation(ctx)
	if err != nil {
		return err
	}
	st := newState()
	var ents []*graph.Entity
	if err := s.backing.ScanEntities(ctx, nil, "", func(e *graph.Entity) bool {
		ents = append(ents, e)
		return true
	}); err != nil {
		return fmt.Errorf("scan entities: %w", err)
	}
	var rels []*graph.Relation
	if err := s.backing.ScanRelations(ctx, func(r *graph.Relation) bool {
		rels = append(rels, r)
		return true
	}); err != nil {
		return fmt.Errorf("scan relations: %w", err)
	}
	docs, err := s.backing.Documents(ctx)
	if err != nil {
		return fmt.Errorf("documents: %w", err)
	}
	st.bulk(ents, rels)
	st.docs = docs
	s.mu.Lock()
	s.st = st
	s.gen++
	// The quad count is the backing store's; counting is a full scan on
	// some backends, so it is fetched when Stats first asks.
	s.stale = true
	s.mu.Unlock()
	s.known.Store(g)
	return nil
}

// releaseGarbage returns the memory a full load leaves behind to the
// operating system at once (runtime/debug.FreeOSMemory: a garbage
// collection, then the freed pages are released). A load from the backing
// store allocates several times the index's own size in decoded quads
// and intermediate maps (at 1e6 quads ~300 MB more than the index); the
// Go runtime would otherwise hand that back only gradually, and the
// process's resident size after start would be that of the load, not of
// the index. It costs one collection, after loads only.
func releaseGarbage() { debug.FreeOSMemory() }

// reloadDumpLocked is reloadLocked from one graph.Dumper pass: one
// consistent read of the backing store, generation and quad count
// included.
func (s *Store) reloadDumpLocked(ctx context.Context, d graph.Dumper) error {
	dump, err := d.Dump(ctx)
	if err != nil {
		return fmt.Errorf("dump: %w", err)
	}
	st := newState()
	st.bulk(dump.Entities, dump.Relations)
	st.docs = dump.Documents
	s.mu.Lock()
	s.st = st
	s.gen++
	s.quads, s.stale = dump.Quads, false
	s.mu.Unlock()
	s.known.Store(dump.Generation)
	return nil
}

// read takes the read lock after checking ctx and Close.
func (s *Store) read(ctx context.Context) (*state, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	if s.closed.Load() {
		return nil, graph.ErrClosed
	}
	s.mu.RLock()
	return s.st, nil
}

// Entities implements graph.Store.
func (s *Store) Entities(ctx context.Context, ids []string) ([]*graph.Entity, error) {
	st, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	out := make([]*graph.Entity, len(ids))
	n := 0
	for _, id := range ids {
		if st.ents[id] != nil {
			n++
		}
	}
	slab := make([]graph.Entity, n)
	n = 0
	for i, id := range ids {
		if e := st.ents[id]; e != nil {
			slab[n] = cloneEntity(e)
			out[i] = &slab[n]
			n++
		}
	}
	return out, nil
}

// ScanEntities implements graph.Store.
func (s *Store) ScanEntities(ctx context.Context, kinds []graph.Kind, after string, fn func(*graph.Entity) bool) error {
	for _, k := range kinds {
		if !k.Valid() {
			return fmt.Errorf("index: scan entities: %w: unknown kind %q", graph.ErrInvalid, k)
		}
	}
	for {
		st, err := s.read(ctx)
		if err != nil {
			return err
		}
		i, _ := slices.BinarySearch(st.entIDs, after)
		if i < len(st.entIDs) && st.entIDs[i] == after {
			i++
		}
		batch := make([]graph.Entity, 0, scanChunk)
		for ; i < len(st.entIDs) && len(batch) < scanChunk; i++ {
			e := st.ents[st.entIDs[i]]
			if len(kinds) == 0 || slices.Contains(kinds, e.Kind) {
				batch = append(batch, cloneEntity(e))
			}
		}
		end := i >= len(st.entIDs)
		if i > 0 {
			after = st.entIDs[i-1]
		}
		s.mu.RUnlock()
		for j := range batch {
			if !fn(&batch[j]) {
				return nil
			}
		}
		if end {
			return nil
		}
	}
}

// RelationsOf implements graph.Store.
func (s *Store) RelationsOf(ctx context.Context, ids []string, f graph.RelationFilter) (map[string][]*graph.Relation, error) {
	if err := checkFilter(f); err != nil {
		return nil, err
	}
	st, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	out := make(map[string][]*graph.Relation, len(ids))
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		adj := st.adj[id]
		n := 0
		for k := range adj {
			if adj[k].match(f) {
				n++
			}
		}
		if n == 0 {
			continue
		}
		slab := make([]graph.Relation, 0, n)
		rels := make([]*graph.Relation, n)
		for k := range adj {
			if adj[k].match(f) {
				slab = append(slab, cloneRelation(adj[k].rel))
				rels[len(slab)-1] = &slab[len(slab)-1]
			}
		}
		out[id] = rels
	}
	return out, nil
}

// Relations implements graph.Store.
func (s *Store) Relations(ctx context.Context, ids []string) ([]*graph.Relation, error) {
	st, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	out := make([]*graph.Relation, len(ids))
	for i, id := range ids {
		if r := st.rels[id]; r != nil {
			c := cloneRelation(r)
			out[i] = &c
		}
	}
	return out, nil
}

// ScanRelations implements graph.Store.
func (s *Store) ScanRelations(ctx context.Context, fn func(*graph.Relation) bool) error {
	after := ""
	for {
		st, err := s.read(ctx)
		if err != nil {
			return err
		}
		i, _ := slices.BinarySearch(st.relIDs, after)
		if i < len(st.relIDs) && st.relIDs[i] == after {
			i++
		}
		end := min(i+scanChunk, len(st.relIDs))
		batch := make([]graph.Relation, 0, end-i)
		for _, id := range st.relIDs[i:end] {
			batch = append(batch, cloneRelation(st.rels[id]))
		}
		if end > 0 {
			after = st.relIDs[end-1]
		}
		last := end >= len(st.relIDs)
		s.mu.RUnlock()
		for j := range batch {
			if !fn(&batch[j]) {
				return nil
			}
		}
		if last {
			return nil
		}
	}
}

// Neighbors implements graph.Store.
func (s *Store) Neighbors(ctx context.Context, ids []string, f graph.RelationFilter) (map[string][]string, error) {
	if err := checkFilter(f); err != nil {
		return nil, err
	}
	st, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	out := make(map[string][]string, len(ids))
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		adj := st.adj[id]
		var ns []string
		for k := range adj {
			if adj[k].match(f) {
				ns = append(ns, adj[k].other)
			}
		}
		if len(ns) == 0 {
			continue
		}
		slices.Sort(ns)
		out[id] = slices.Compact(ns)
	}
	return out, nil
}

// LookupName implements graph.Store. It answers from memory unless some
// entity is stated by several documents: then names that lost the merge
// count too, and only the backing store knows them.
func (s *Store) LookupName(ctx context.Context, name string) ([]string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, nil
	}
	st, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	if st.multiDoc > 0 {
		s.mu.RUnlock()
		return s.backing.LookupName(ctx, name)
	}
	defer s.mu.RUnlock()
	ids := append([]string{}, st.zhNames[name]...)
	for _, n := range st.foldNames[strings.ToLower(name)] {
		if strings.EqualFold(n.name, name) {
			ids = append(ids, n.id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// Documents implements graph.Store.
func (s *Store) Documents(ctx context.Context) ([]graph.Document, error) {
	st, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	return slices.Clone(st.docs), nil
}

// DocumentText implements graph.Store. Texts are not kept in memory; it
// reads through to the backing store.
func (s *Store) DocumentText(ctx context.Context, id string) (string, error) {
	if s.closed.Load() {
		return "", graph.ErrClosed
	}
	return s.backing.DocumentText(ctx, id)
}

// Stats implements graph.Store. Everything but the quad count comes from
// memory; the quad count is the backing store's, refreshed after writes.
func (s *Store) Stats(ctx context.Context) (graph.Stats, error) {
	st, err := s.read(ctx)
	if err != nil {
		return graph.Stats{}, err
	}
	out := graph.Stats{
		Entities:    len(st.ents),
		Relations:   len(st.rels),
		Documents:   len(st.docs),
		ByKind:      make(map[graph.Kind]int, len(st.byKind)),
		ByPredicate: make(map[string]int, len(st.byPred)),
	}
	for k, n := range st.byKind {
		out.ByKind[k] = n
	}
	for p, n := range st.byPred {
		out.ByPredicate[p] = n
	}
	out.Quads = s.quads
	stale := s.stale
	s.mu.RUnlock()
	if stale {
		q, err := s.refreshQuads(ctx)
		if err != nil {
			return graph.Stats{}, fmt.Errorf("index: stats: %w", err)
		}
		out.Quads = q
	}
	return out, nil
}

// refreshQuads fetches the quad count from the backing store; concurrent
// callers share one fetch.
func (s *Store) refreshQuads(ctx context.Context) (int64, error) {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	s.mu.RLock()
	q, stale, gen := s.quads, s.stale, s.gen
	s.mu.RUnlock()
	if !stale {
		return q, nil
	}
	q, err := s.backingQuads(ctx)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	// A write applied meanwhile (gen moved) may not be in q: leave the
	// count stale for the next caller.
	if s.gen == gen {
		s.quads, s.stale = q, false
	}
	s.mu.Unlock()
	return q, nil
}

// backingQuads is the backing store's quad count: from graph.Dumper's
// QuadCount when it has one, else from Stats (which may scan everything).
func (s *Store) backingQuads(ctx context.Context) (int64, error) {
	if d, ok := s.backing.(graph.Dumper); ok {
		return d.QuadCount(ctx)
	}
	bs, err := s.backing.Stats(ctx)
	return bs.Quads, err
}

// Generation implements graph.Store. It is the index's own counter,
// bumped whenever the index changes (a write through it, or a reload after
// another process wrote); it costs no round trip to the backing store.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("index: %w", err)
	}
	if s.closed.Load() {
		return 0, graph.ErrClosed
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.gen, nil
}

// ReplaceDocument implements graph.Store.
func (s *Store) ReplaceDocument(ctx context.Context, facts graph.DocumentFacts) (graph.Change, error) {
	doc := facts.Document.ID
	return s.write(ctx, func(st *state) (graph.Change, []string, []string, error) {
		ch, err := s.backing.ReplaceDocument(ctx, facts)
		if err != nil {
			return ch, nil, nil, err
		}
		ents, rels := touched(doc, facts)
		e, r := st.documentFacts(doc)
		return ch, append(ents, e...), append(rels, r...), nil
	})
}

// SyncDocuments implements graph.Store. The read-back covers the
// entities and relations of the documents the write changed, as given and
// as the index held them (for removed documents: what it held).
func (s *Store) SyncDocuments(ctx context.Context, docs []graph.DocumentFacts) ([]graph.Change, error) {
	var chs []graph.Change
	_, err := s.write(ctx, func(st *state) (graph.Change, []string, []string, error) {
		var err error
		chs, err = s.backing.SyncDocuments(ctx, docs)
		if err != nil {
			return graph.Change{}, nil, nil, err
		}
		// Only the documents the write changed (removed ones included)
		// are read back: their new facts and what the index held of them.
		changed := make(map[string]bool, len(chs))
		for _, ch := range chs {
			if !ch.Unchanged() {
				changed[ch.Document] = true
			}
		}
		var ents, rels []string
		for _, f := range docs {
			if changed[f.Document.ID] {
				e, r := touched(f.Document.ID, f)
				ents, rels = append(ents, e...), append(rels, r...)
			}
		}
		for doc := range changed {
			e, r := st.documentFacts(doc)
			ents, rels = append(ents, e...), append(rels, r...)
			ents = append(ents, doc)
		}
		// One change standing for all of them: write needs to know
		// whether anything changed.
		var sum graph.Change
		for _, ch := range chs {
			sum.QuadsAdded += ch.QuadsAdded
			sum.QuadsRemoved += ch.QuadsRemoved
		}
		return sum, ents, rels, nil
	})
	if err != nil {
		return nil, err
	}
	return chs, nil
}

// PutFacts implements graph.Store.
func (s *Store) PutFacts(ctx context.Context, facts graph.DocumentFacts) (graph.Change, error) {
	return s.write(ctx, func(st *state) (graph.Change, []string, []string, error) {
		ch, err := s.backing.PutFacts(ctx, facts)
		if err != nil {
			return ch, nil, nil, err
		}
		ents, rels := touched(facts.Document.ID, facts)
		return ch, ents, rels, nil
	})
}

// DeleteRelation implements graph.Store.
func (s *Store) DeleteRelation(ctx context.Context, id string) (graph.Change, error) {
	return s.write(ctx, func(st *state) (graph.Change, []string, []string, error) {
		ch, err := s.backing.DeleteRelation(ctx, id)
		if err != nil {
			return ch, nil, nil, err
		}
		var ents []string
		if r := st.rels[id]; r != nil {
			ents = append(ents, r.Subject, r.Object)
		}
		return ch, ents, []string{id}, nil
	})
}

// touched lists the entities and relations a write of facts may change.
func touched(doc string, facts graph.DocumentFacts) (ents, rels []string) {
	for _, e := range facts.Entities {
		ents = append(ents, e.ID)
	}
	ents = append(ents, doc)
	for _, r := range facts.Relations {
		id := r.ID
		if id == "" {
			id = graph.RelationID(doc, r.Subject, r.Predicate, r.Object)
		}
		rels = append(rels, id)
		ents = append(ents, r.Subject, r.Object)
	}
	return ents, rels
}

// write runs one write through the backing store and applies its result:
// do performs the backing write (with a read-only view of the current
// state, under wmu so no other write or reload interleaves) and names the
// entities and relations it may have changed; they are read back from the
// backing store and swapped into the index.
func (s *Store) write(ctx context.Context, do func(st *state) (graph.Change, []string, []string, error)) (graph.Change, error) {
	if err := ctx.Err(); err != nil {
		return graph.Change{}, fmt.Errorf("index: %w", err)
	}
	if s.closed.Load() {
		return graph.Change{}, graph.ErrClosed
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	// Writers hold wmu, so st is only changed by us below; reading it
	// without mu is safe here.
	st := s.st
	ch, ents, rels, err := do(st)
	if err != nil {
		// A failed write may still have reached the backing store (e.g. a
		// lost connection after commit): let the loop check.
		s.kickSync()
		return ch, err
	}
	if ch.Unchanged() {
		return ch, nil
	}
	if err := s.applyLocked(context.WithoutCancel(ctx), ents, rels); err != nil {
		// The backing store has the write; the index could not read it
		// back. Reload on the next check rather than serve a half update.
		s.known.Store(-1)
		s.kickSync()
		s.log.ErrorContext(ctx, "index: applying a committed write failed; will reload", "err", err)
		return ch, nil
	}
	return ch, nil
}

func (s *Store) kickSync() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// applyLocked reads the named entities and relations back from the backing
// store and applies them. Called with wmu held, after a committed write.
func (s *Store) applyLocked(ctx context.Context, entIDs, relIDs []string) error {
	before := s.known.Load()
	slices.Sort(entIDs)
	entIDs = slices.Compact(entIDs)
	slices.Sort(relIDs)
	relIDs = slices.Compact(relIDs)
	rels, err := s.backing.Relations(ctx, relIDs)
	if err != nil {
		return fmt.Errorf("read back relations: %w", err)
	}
	for _, r := range rels {
		if r != nil {
			entIDs = append(entIDs, r.Subject, r.Object)
		}
	}
	slices.Sort(entIDs)
	entIDs = slices.Compact(entIDs)
	ents, err := s.backing.Entities(ctx, entIDs)
	if err != nil {
		return fmt.Errorf("read back entities: %w", err)
	}
	docs, err := s.backing.Documents(ctx)
	if err != nil {
		return fmt.Errorf("read back documents: %w", err)
	}
	g, err := s.backing.Generation(ctx)
	if err != nil {
		return fmt.Errorf("read back generation: %w", err)
	}
	s.mu.Lock()
	s.st.apply(entIDs, ents, relIDs, rels)
	s.st.docs = docs
	s.gen++
	s.stale = true
	s.mu.Unlock()
	// Each write bumps the backing generation by one: if it moved by more,
	// another process wrote too and only a reload shows it.
	if before >= 0 && g == before+1 {
		s.known.Store(g)
	} else {
		s.kickSync()
	}
	return nil
}

// AppendAudit implements graph.Store (through to the backing store).
func (s *Store) AppendAudit(ctx context.Context, e graph.AuditEntry) error {
	if s.closed.Load() {
		return graph.ErrClosed
	}
	if err := s.backing.AppendAudit(ctx, e); err != nil {
		return err
	}
	s.mu.Lock()
	s.stale = true
	s.mu.Unlock()
	return nil
}

// Audit implements graph.Store (through to the backing store).
func (s *Store) Audit(ctx context.Context, limit int) ([]graph.AuditEntry, error) {
	if s.closed.Load() {
		return nil, graph.ErrClosed
	}
	return s.backing.Audit(ctx, limit)
}

// ExportNQuads implements graph.Store (through to the backing store, which
// holds the quads).
func (s *Store) ExportNQuads(ctx context.Context, w io.Writer) error {
	if s.closed.Load() {
		return graph.ErrClosed
	}
	return s.backing.ExportNQuads(ctx, w)
}

// Ping implements graph.Store: the index is only as ready as its backing
// store.
func (s *Store) Ping(ctx context.Context) error {
	if s.closed.Load() {
		return graph.ErrClosed
	}
	return s.backing.Ping(ctx)
}

// Close stops the poll loop, writes a snapshot when one is configured and
// the one on disk is out of date, and closes the backing store.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return graph.ErrClosed
	}
	s.stop()
	<-s.done
	// Wait for a write or reload in flight.
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.saveSnapshotLocked(context.Background(), "close")
	return s.backing.Close()
}

func checkFilter(f graph.RelationFilter) error {
	if f.Direction != graph.Both && f.Direction != graph.Out && f.Direction != graph.In {
		return fmt.Errorf("index: %w: unknown direction %d", graph.ErrInvalid, f.Direction)
	}
	for _, p := range f.Predicates {
		if _, ok := graph.LookupPredicate(p); !ok {
			return fmt.Errorf("index: %w: predicate %q is not in the vocabulary", graph.ErrInvalid, p)
		}
	}
	return nil
}

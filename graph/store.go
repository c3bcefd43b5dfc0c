package graph

import (
	"context"
	"errors"
	"io"
	"time"
)

// Errors returned by stores. Wrap them with %w; test them with errors.Is.
var (
	// ErrNotFound: the named entity, relation or document does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the input breaks a rule of the model (unknown kind or
	// predicate, dangling reference, empty name, ...). Nothing was written.
	ErrInvalid = errors.New("invalid input")
	// ErrLocked: the store file is held by another process.
	ErrLocked = errors.New("store is locked by another process")
	// ErrUnavailable: the backing database cannot be reached right now.
	ErrUnavailable = errors.New("store unavailable")
	// ErrClosed: the store has been closed.
	ErrClosed = errors.New("store closed")
)

// RelationFilter narrows relation reads.
type RelationFilter struct {
	Direction  Direction // Both, Out (entity is subject) or In (entity is object)
	Predicates []string  // empty means all predicates
}

// Stats summarises the stored graph.
type Stats struct {
	Entities    int            `json:"entities"`
	Relations   int            `json:"relations"`
	Quads       int64          `json:"quads"`
	Documents   int            `json:"documents"`
	ByKind      map[Kind]int   `json:"byKind"`
	ByPredicate map[string]int `json:"byPredicate"`
}

// Change summarises what a write did.
type Change struct {
	Document         string `json:"document"`
	EntitiesAdded    int    `json:"entitiesAdded"`
	EntitiesRemoved  int    `json:"entitiesRemoved"`
	EntitiesChanged  int    `json:"entitiesChanged"`
	RelationsAdded   int    `json:"relationsAdded"`
	RelationsRemoved int    `json:"relationsRemoved"`
	QuadsAdded       int    `json:"quadsAdded"`
	QuadsRemoved     int    `json:"quadsRemoved"`
	// DocumentRemoved is set when the write removed the document itself
	// (SyncDocuments, for a stored document it was not given).
	DocumentRemoved bool `json:"documentRemoved,omitempty"`
}

// Unchanged reports whether the write changed nothing.
func (c Change) Unchanged() bool { return c.QuadsAdded == 0 && c.QuadsRemoved == 0 }

// DocumentFacts is everything one document states: the unit of atomic
// replacement.
type DocumentFacts struct {
	Document  Document
	Entities  []Entity
	Relations []Relation
}

// Store keeps the knowledge graph. Implementations are safe for concurrent
// use by many goroutines. Every method takes a non-nil ctx and returns
// promptly with ctx.Err() (wrapped) once it is cancelled.
//
// An entity's facts may come from several documents; reads merge them: the
// first document (by ID) that gives a kind, name, English name or
// description wins, aliases, attributes and evidence are the union.
type Store interface {
	// Entities returns the entities with the given IDs, in the same order;
	// the slot of an unknown ID is nil. It makes one round trip to the
	// backend however many IDs are given.
	Entities(ctx context.Context, ids []string) ([]*Entity, error)

	// ScanEntities calls fn for every entity, ordered by ID, starting after
	// the ID `after` ("" for the start), restricted to the kinds given
	// (none means all). It stops early, returning nil, when fn returns false.
	ScanEntities(ctx context.Context, kinds []Kind, after string, fn func(*Entity) bool) error

	// RelationsOf returns, for each given entity ID, its relations matching
	// the filter, ordered by relation ID. Symmetric relations are returned
	// for both ends whatever the direction. IDs without relations map to an
	// empty (absent) entry.
	RelationsOf(ctx context.Context, ids []string, f RelationFilter) (map[string][]*Relation, error)

	// Relations returns the relations with the given IDs in the same order;
	// the slot of an unknown ID is nil.
	Relations(ctx context.Context, ids []string) ([]*Relation, error)

	// ScanRelations calls fn for every stored relation, ordered by ID,
	// until fn returns false.
	ScanRelations(ctx context.Context, fn func(*Relation) bool) error

	// Neighbors returns, for each given entity ID, the IDs of the entities
	// one relation away (through relations matching f), sorted and without
	// duplicates.
	Neighbors(ctx context.Context, ids []string, f RelationFilter) (map[string][]string, error)

	// LookupName returns the IDs of entities whose Chinese name, English
	// name or alias equals name exactly (English case-insensitively).
	LookupName(ctx context.Context, name string) ([]string, error)

	// Documents lists the loaded documents (without Text), ordered by ID.
	Documents(ctx context.Context) ([]Document, error)

	// DocumentText returns the full text of a loaded document, or
	// ErrNotFound.
	DocumentText(ctx context.Context, id string) (string, error)

	// Stats counts what is stored.
	Stats(ctx context.Context) (Stats, error)

	// Generation returns a number that changes whenever the stored graph
	// changes (through this process or another sharing the backend). Caches
	// built from reads compare it to know when to rebuild.
	Generation(ctx context.Context) (int64, error)

	// ReplaceDocument atomically replaces every fact of facts.Document.ID
	// with the given ones: afterwards the store holds exactly these facts
	// for that document and the facts of other documents are untouched.
	// Either all of it is applied or none (even if the process is killed).
	// Relation IDs are computed with RelationID when empty. Entities
	// referenced by relations must exist in facts or in another document,
	// else ErrInvalid. Replacing with identical facts changes nothing.
	ReplaceDocument(ctx context.Context, facts DocumentFacts) (Change, error)

	// SyncDocuments makes the store's source documents exactly docs, in
	// one atomic write: a document of docs not stored yet is added, a
	// stored one has its facts replaced (as by ReplaceDocument), and a
	// stored document not in docs is removed completely (its text, title,
	// entity facts, relations and DOCUMENT entity). CurationDocument is
	// never touched and may not be in docs. Either all of it is applied or
	// none (even if the process is killed). References are checked against
	// the state after the write: a relation whose end no document states
	// any more (for example a curated relation to an entity only a removed
	// document stated) is ErrInvalid naming the relation and the entity,
	// as is a document given twice. It returns one Change per document of
	// docs, in the order given, then one per removed document (by ID,
	// DocumentRemoved set). Syncing with the stored documents changes
	// nothing.
	SyncDocuments(ctx context.Context, docs []DocumentFacts) ([]Change, error)

	// PutFacts adds or updates (by ID) entities and relations of one
	// document, atomically, without removing its other facts. Used by
	// curation. An entity given here replaces that document's facts about it.
	PutFacts(ctx context.Context, facts DocumentFacts) (Change, error)

	// DeleteRelation removes one relation by ID, atomically. ErrNotFound if
	// there is none.
	DeleteRelation(ctx context.Context, id string) (Change, error)

	// AppendAudit records one curation change in the audit trail, durably,
	// in the same backend as the graph. At and ID are set when empty.
	AppendAudit(ctx context.Context, e AuditEntry) error

	// Audit returns audit entries, newest first, at most limit of them.
	Audit(ctx context.Context, limit int) ([]AuditEntry, error)

	// ExportNQuads writes the whole stored graph as N-Quads, sorted: the
	// facts of every document and the audit trail, but not the
	// store-internal generation, so equal graphs export to equal bytes
	// whatever their history.
	ExportNQuads(ctx context.Context, w io.Writer) error

	// Ping checks that the backend answers (for /readyz).
	Ping(ctx context.Context) error

	// Close releases the store. Further calls return ErrClosed.
	Close() error
}

// Dumper is implemented by stores that can read their whole graph in one
// sequential pass, much faster than ScanEntities, ScanRelations and
// Documents (which look every entity and relation up again by ID). Read
// indexes use it when the store offers it and fall back to the scans
// otherwise.
type Dumper interface {
	// Dump returns, from one consistent view of the store, exactly what
	// ScanEntities (all kinds), ScanRelations, Documents, Generation and
	// Stats().Quads would return at that instant.
	Dump(ctx context.Context) (*Dump, error)

	// QuadCount returns Stats().Quads without the rest of Stats (which may
	// need full scans).
	QuadCount(ctx context.Context) (int64, error)
}

// Importer is implemented by stores that can restore a backup.
type Importer interface {
	// ImportNQuads replaces everything stored (every document, the
	// curated facts and the audit trail) with the quads read from r,
	// N-Quads as ExportNQuads writes them, in one atomic write: afterwards
	// ExportNQuads writes exactly the quads read (sorted). Quads of the
	// store-internal meta graph in the input are ignored; the store's own
	// generation moves when anything changed. Input that is not N-Quads,
	// or a quad without a graph label (every stored quad has one), is
	// ErrInvalid naming name:line, and nothing is written. The change
	// counts the quads added and removed.
	ImportNQuads(ctx context.Context, r io.Reader, name string) (Change, error)
}

// Dump is the whole graph of a store, as read by Dumper.Dump.
type Dump struct {
	Generation int64
	Quads      int64
	Documents  []Document  // ordered by ID, without Text
	Entities   []*Entity   // ordered by ID
	Relations  []*Relation // ordered by ID
}

// AuditEntry is one change made through the curation API.
type AuditEntry struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`  // who (token name or "admin")
	Action string    `json:"action"` // upsertEntity, addRelation, removeRelation
	Target string    `json:"target"` // entity or relation ID
	Detail string    `json:"detail"` // JSON of the input
}

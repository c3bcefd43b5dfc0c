package index

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/minhang-kg/kg/graph"
)

// A snapshot is the index's graph (entities, relations, documents) written
// beside a file-backed store so the next start can load it with one
// sequential read instead of scanning the store. It is tagged with the
// backing store's generation at the time it was written and with the
// identity of the store file (device, inode, size, modification time); it
// is used only when both still match, so a write by any process, a
// replaced or restored store file, or an older snapshot is never served.
//
// Layout (integers big-endian):
//
//	magic   [8]byte  "KGINDEX\x00"
//	version uint32   snapshotVersion
//	payload          see encodeSnapshot
//	length  uint64   payload length in bytes
//	crc     uint32   CRC-32C of the payload
//	magic   [8]byte  "KGINDEX\x00"
//
// The payload encodes strings as uvarint length + bytes and slices as
// uvarint (n+1), 0 for nil, so reads from a loaded snapshot are identical
// to reads from a fresh build (nil and empty slices stay apart). It starts
// with a fingerprint of the Go model types it encodes: a change to
// graph.Entity, graph.Relation, graph.Document, graph.Evidence or
// graph.Attribute invalidates old snapshots even if snapshotVersion was not
// bumped.
//
// Snapshots are written to a temporary file in the same directory, synced
// and renamed over the old one, so a crash leaves either the old snapshot or
// the new one, never a torn file.

// snapshotVersion is the snapshot format version. 2: documents carry
// Date and Period, relations ValidFrom, ValidTo and Attributes.
const snapshotVersion uint32 = 2

var snapMagic = [8]byte{'K', 'G', 'I', 'N', 'D', 'E', 'X', 0}

const (
	snapHeaderLen = 8 + 4
	snapFooterLen = 8 + 4 + 8
)

// errSnapshotStale marks a snapshot that decoded fine but no longer
// describes the store.
var errSnapshotStale = errors.New("stale")

// modelFingerprint describes the encoded model types; see the package
// comment on snapshots.
var modelFingerprint = func() string {
	var b strings.Builder
	for _, v := range []any{graph.Document{}, graph.Entity{}, graph.Attribute{}, graph.Evidence{}, graph.Relation{}} {
		t := reflect.TypeOf(v)
		b.WriteString(t.Name())
		b.WriteByte('{')
		for i := range t.NumField() {
			f := t.Field(i)
			fmt.Fprintf(&b, "%s %s;", f.Name, f.Type)
		}
		b.WriteByte('}')
	}
	return b.String()
}()

// fileID identifies the content of the store file a snapshot was taken of.
type fileID struct {
	Dev, Ino uint64
	Size     int64
	ModNano  int64
}

func statFileID(path string) (fileID, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileID{}, err
	}
	dev, ino := devIno(fi)
	return fileID{Dev: dev, Ino: ino, Size: fi.Size(), ModNano: fi.ModTime().UnixNano()}, nil
}

// snapshot is what a snapshot file holds.
type snapshot struct {
	generation int64
	file       fileID
	docs       []graph.Document
	ents       []*graph.Entity
	rels       []*graph.Relation
}

// writeSnapshotFile writes snap to path atomically (temp file, fsync,
// rename, fsync of the directory).
func writeSnapshotFile(ctx context.Context, path string, snap *snapshot) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	var hdr [snapHeaderLen]byte
	copy(hdr[:], snapMagic[:])
	binary.BigEndian.PutUint32(hdr[8:], snapshotVersion)
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	cw := &countWriter{w: io.MultiWriter(w, crc)}
	if err := encodeSnapshot(ctx, cw, snap); err != nil {
		return err
	}
	var ftr [snapFooterLen]byte
	binary.BigEndian.PutUint64(ftr[0:], uint64(cw.n))
	binary.BigEndian.PutUint32(ftr[8:], crc.Sum32())
	copy(ftr[12:], snapMagic[:])
	if _, err := w.Write(ftr[:]); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		// Make the rename durable; not every platform can sync a directory.
		_ = d.Sync()
		d.Close()
	}
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// readSnapshotFile reads and verifies the snapshot at path. Any damage
// (truncation, a flipped bit, a foreign file) is an error.
func readSnapshotFile(ctx context.Context, path string) (*snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	if size < snapHeaderLen+snapFooterLen {
		return nil, fmt.Errorf("truncated: %d bytes", size)
	}
	var hdr [snapHeaderLen]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return nil, err
	}
	if [8]byte(hdr[:8]) != snapMagic {
		return nil, errors.New("not an index snapshot")
	}
	if v := binary.BigEndian.Uint32(hdr[8:]); v != snapshotVersion {
		return nil, fmt.Errorf("format version %d, want %d", v, snapshotVersion)
	}
	var ftr [snapFooterLen]byte
	if _, err := f.ReadAt(ftr[:], size-snapFooterLen); err != nil {
		return nil, err
	}
	if [8]byte(ftr[12:]) != snapMagic {
		return nil, errors.New("truncated: no trailer")
	}
	plen := binary.BigEndian.Uint64(ftr[0:])
	if plen != uint64(size-snapHeaderLen-snapFooterLen) {
		return nil, fmt.Errorf("truncated: payload %d bytes, trailer says %d", size-snapHeaderLen-snapFooterLen, plen)
	}
	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	body := io.NewSectionReader(f, snapHeaderLen, int64(plen))
	d := &decoder{r: bufio.NewReaderSize(io.TeeReader(body, crc), 1<<20), intern: map[string]string{}, max: plen}
	snap, err := d.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	// Anything the decoder left unread is damage too.
	if n, err := io.Copy(io.Discard, d.r); err != nil {
		return nil, err
	} else if n != 0 {
		return nil, fmt.Errorf("%d unexpected bytes after the payload", n)
	}
	if got, want := crc.Sum32(), binary.BigEndian.Uint32(ftr[8:]); got != want {
		return nil, fmt.Errorf("checksum mismatch: %08x, want %08x", got, want)
	}
	return snap, nil
}

// encodeSnapshot writes the payload: model fingerprint, generation, store
// file identity, documents, entities, relations.
func encodeSnapshot(ctx context.Context, w io.Writer, snap *snapshot) error {
	e := &encoder{w: w}
	e.str(modelFingerprint)
	e.int(snap.generation)
	e.uint(snap.file.Dev)
	e.uint(snap.file.Ino)
	e.int(snap.file.Size)
	e.int(snap.file.ModNano)
	e.uint(uint64(len(snap.docs)))
	for i := range snap.docs {
		d := &snap.docs[i]
		e.str(d.ID)
		e.str(d.Title)
		e.str(d.TitleEn)
		e.str(d.Text)
		e.str(d.Digest)
		e.str(d.Date)
		e.str(d.Period)
	}
	e.uint(uint64(len(snap.ents)))
	for i, x := range snap.ents {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		e.str(x.ID)
		e.str(string(x.Kind))
		e.str(x.Name)
		e.str(x.NameEn)
		e.strs(x.Aliases)
		e.str(x.Description)
		e.str(x.DescriptionEn)
		e.attributes(x.Attributes)
		e.evidence(x.Evidence)
		e.strs(x.Documents)
		if e.err != nil {
			return e.err
		}
	}
	e.uint(uint64(len(snap.rels)))
	for i, r := range snap.rels {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		e.str(r.ID)
		e.str(r.Subject)
		e.str(r.Predicate)
		e.str(r.Object)
		e.evidence(r.Evidence)
		e.bool(r.Inferred)
		e.str(r.Document)
		e.str(r.ValidFrom)
		e.str(r.ValidTo)
		e.attributes(r.Attributes)
		if e.err != nil {
			return e.err
		}
	}
	return e.err
}

type encoder struct {
	w   io.Writer
	buf [binary.MaxVarintLen64]byte
	err error
}

func (e *encoder) write(p []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(p)
	}
}

func (e *encoder) uint(v uint64) { e.write(binary.AppendUvarint(e.buf[:0], v)) }
func (e *encoder) int(v int64)   { e.write(binary.AppendVarint(e.buf[:0], v)) }

func (e *encoder) bool(v bool) {
	if v {
		e.uint(1)
	} else {
		e.uint(0)
	}
}

func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

// sliceLen writes n+1, or 0 for a nil slice.
func (e *encoder) sliceLen(isNil bool, n int) {
	if isNil {
		e.uint(0)
	} else {
		e.uint(uint64(n) + 1)
	}
}

func (e *encoder) strs(ss []string) {
	e.sliceLen(ss == nil, len(ss))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *encoder) attributes(as []graph.Attribute) {
	e.sliceLen(as == nil, len(as))
	for _, a := range as {
		e.str(a.Key)
		e.str(a.Value)
		e.str(a.Unit)
		e.str(string(a.Type))
	}
}

func (e *encoder) evidence(ev []graph.Evidence) {
	e.sliceLen(ev == nil, len(ev))
	for _, x := range ev {
		e.str(x.Document)
		e.str(x.Quote)
		e.int(int64(x.Start))
		e.int(int64(x.End))
		e.str(x.Section)
		e.str(x.URL)
		e.str(x.Note)
	}
}

type decoder struct {
	r      *bufio.Reader
	err    error
	intern map[string]string
	// max bounds every length read (the payload size: each string byte
	// and slice element takes at least one byte), so a damaged file cannot
	// make the decoder allocate more than the file before the checksum
	// is checked.
	max uint64
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		d.err = err
	}
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(d.r)
	if err != nil {
		d.fail(err)
	}
	return v
}

func (d *decoder) int() int64 {
	if d.err != nil {
		return 0
	}
	v, err := binary.ReadVarint(d.r)
	if err != nil {
		d.fail(err)
	}
	return v
}

func (d *decoder) length() int {
	n := d.uint()
	if n > d.max {
		d.fail(fmt.Errorf("length %d out of range", n))
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.length()
	if d.err != nil || n == 0 {
		return ""
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(d.r, b); err != nil {
		d.fail(err)
		return ""
	}
	return string(b)
}

// common returns a string from a small set (kinds, predicates, document
// IDs, sections), shared between all values that use it.
func (d *decoder) common() string {
	n := d.length()
	if d.err != nil || n == 0 {
		return ""
	}
	if n > 256 {
		// Not a small-set value after all; don't grow the intern table.
		b := make([]byte, n)
		if _, err := io.ReadFull(d.r, b); err != nil {
			d.fail(err)
		}
		return string(b)
	}
	var buf [256]byte
	b := buf[:n]
	if _, err := io.ReadFull(d.r, b); err != nil {
		d.fail(err)
		return ""
	}
	if s, ok := d.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	d.intern[s] = s
	return s
}

// sliceLen reads a slice length written by encoder.sliceLen: -1 for nil.
func (d *decoder) sliceLen() int {
	n := d.length()
	return n - 1
}

func (d *decoder) strs(common bool) []string {
	n := d.sliceLen()
	if n < 0 || d.err != nil {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		if common {
			out[i] = d.common()
		} else {
			out[i] = d.str()
		}
	}
	return out
}

func (d *decoder) attributes() []graph.Attribute {
	n := d.sliceLen()
	if n < 0 || d.err != nil {
		return nil
	}
	out := make([]graph.Attribute, n)
	for j := range out {
		a := &out[j]
		a.Key = d.common()
		a.Value = d.str()
		a.Unit = d.common()
		a.Type = graph.AttrType(d.common())
	}
	return out
}

func (d *decoder) evidence() []graph.Evidence {
	n := d.sliceLen()
	if n < 0 || d.err != nil {
		return nil
	}
	out := make([]graph.Evidence, n)
	for i := range out {
		x := &out[i]
		x.Document = d.common()
		x.Quote = d.str()
		x.Start = d.smallInt()
		x.End = d.smallInt()
		x.Section = d.common()
		x.URL = d.str()
		x.Note = d.str()
	}
	return out
}

func (d *decoder) smallInt() int {
	v := d.int()
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.fail(fmt.Errorf("offset %d out of range", v))
	}
	return int(v)
}

func (d *decoder) snapshot(ctx context.Context) (*snapshot, error) {
	if fp := d.str(); d.err == nil && fp != modelFingerprint {
		return nil, errors.New("written for other model types")
	}
	snap := &snapshot{generation: d.int()}
	snap.file = fileID{Dev: d.uint(), Ino: d.uint(), Size: d.int(), ModNano: d.int()}
	n := d.length()
	if d.err != nil {
		return nil, d.err
	}
	snap.docs = make([]graph.Document, 0, min(n, 1024))
	for range n {
		doc := graph.Document{ID: d.common(), Title: d.str(), TitleEn: d.str(), Text: d.str(), Digest: d.str(), Date: d.str(), Period: d.str()}
		if d.err != nil {
			return nil, d.err
		}
		snap.docs = append(snap.docs, doc)
	}
	n = d.length()
	if d.err != nil {
		return nil, d.err
	}
	slab := make([]graph.Entity, 0, min(n, 1<<20))
	snap.ents = make([]*graph.Entity, 0, min(n, 1<<20))
	for i := range n {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if len(slab) == cap(slab) {
			slab = make([]graph.Entity, 0, 4096)
		}
		slab = append(slab, graph.Entity{})
		x := &slab[len(slab)-1]
		x.ID = d.str()
		x.Kind = graph.Kind(d.common())
		x.Name = d.str()
		x.NameEn = d.str()
		x.Aliases = d.strs(false)
		x.Description = d.str()
		x.DescriptionEn = d.str()
		x.Attributes = d.attributes()
		x.Evidence = d.evidence()
		x.Documents = d.strs(true)
		if d.err != nil {
			return nil, d.err
		}
		snap.ents = append(snap.ents, x)
	}
	n = d.length()
	if d.err != nil {
		return nil, d.err
	}
	rslab := make([]graph.Relation, 0, min(n, 1<<20))
	snap.rels = make([]*graph.Relation, 0, min(n, 1<<20))
	for i := range n {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if len(rslab) == cap(rslab) {
			rslab = make([]graph.Relation, 0, 4096)
		}
		rslab = append(rslab, graph.Relation{})
		r := &rslab[len(rslab)-1]
		r.ID = d.str()
		r.Subject = d.str()
		r.Predicate = d.common()
		r.Object = d.str()
		r.Evidence = d.evidence()
		switch d.uint() {
		case 0:
		case 1:
			r.Inferred = true
		default:
			d.fail(errors.New("bad boolean"))
		}
		r.Document = d.common()
		r.ValidFrom = d.common()
		r.ValidTo = d.common()
		r.Attributes = d.attributes()
		if d.err != nil {
			return nil, d.err
		}
		snap.rels = append(snap.rels, r)
	}
	return snap, d.err
}

// snapshotOf captures the current state; called with wmu held (the state
// does not change) for the generation the state reflects.
func (s *Store) snapshotOf(gen int64, file fileID) *snapshot {
	st := s.st
	snap := &snapshot{generation: gen, file: file, docs: st.docs}
	snap.ents = make([]*graph.Entity, 0, len(st.entIDs))
	for _, id := range st.entIDs {
		snap.ents = append(snap.ents, st.ents[id])
	}
	snap.rels = make([]*graph.Relation, 0, len(st.relIDs))
	for _, id := range st.relIDs {
		snap.rels = append(snap.rels, st.rels[id])
	}
	return snap
}

// saveSnapshotLocked writes a snapshot of the state if it is known to be
// exactly the backing store's current generation and differs from the last
// snapshot written or loaded. Called with wmu held.
func (s *Store) saveSnapshotLocked(ctx context.Context, why string) {
	if s.snapPath == "" {
		return
	}
	known := s.known.Load()
	if known < 0 {
		return
	}
	g, err := s.backing.Generation(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "index snapshot not written: cannot read the store generation", "path", s.snapPath, "err", err)
		return
	}
	if g != known {
		// Another process wrote and the index has not caught up: the
		// state is not the store's current content.
		s.log.InfoContext(ctx, "index snapshot not written: the index is behind the store", "path", s.snapPath,
			"index", known, "store", g)
		return
	}
	file, err := statFileID(s.storeFile)
	if s.storeFile == "" {
		file, err = fileID{}, nil
	}
	if err != nil {
		s.log.WarnContext(ctx, "index snapshot not written: cannot stat the store file", "path", s.snapPath, "err", err)
		return
	}
	if s.snapOK && s.snapGen == known && s.snapFile == file {
		return // the snapshot on disk is current
	}
	began := time.Now()
	if err := writeSnapshotFile(ctx, s.snapPath, s.snapshotOf(known, file)); err != nil {
		if ctx.Err() != nil {
			// Close interrupted the write after a build; Close writes it.
			s.log.InfoContext(ctx, "index snapshot write interrupted", "path", s.snapPath, "err", err)
			return
		}
		s.log.WarnContext(ctx, "index snapshot not written", "path", s.snapPath, "err", err)
		return
	}
	s.snapOK, s.snapGen, s.snapFile = true, known, file
	s.log.InfoContext(ctx, "index snapshot written", "path", s.snapPath, "why", why, "generation", known,
		"took", time.Since(began).Round(time.Millisecond))
}

// loadSnapshot installs the snapshot at s.snapPath when it matches the
// backing store. It reports whether it did; every reason not to is logged.
func (s *Store) loadSnapshot(ctx context.Context) bool {
	began := time.Now()
	// Temporary files of a write a crash interrupted. Only the process
	// holding the store writes its snapshot, and that is us.
	if tmps, _ := filepath.Glob(s.snapPath + ".tmp*"); len(tmps) > 0 {
		for _, f := range tmps {
			os.Remove(f)
		}
		s.log.InfoContext(ctx, "removed temporary files of an interrupted index snapshot write", "files", tmps)
	}
	snap, err := readSnapshotFile(ctx, s.snapPath)
	if errors.Is(err, os.ErrNotExist) {
		s.log.InfoContext(ctx, "no index snapshot; building the index from the store", "path", s.snapPath)
		return false
	}
	if err == nil {
		err = s.checkSnapshot(ctx, snap)
	}
	if err != nil {
		s.log.WarnContext(ctx, "index snapshot ignored; building the index from the store", "path", s.snapPath, "err", err)
		return false
	}
	st := newState()
	st.bulk(snap.ents, snap.rels)
	st.docs = snap.docs
	s.mu.Lock()
	s.st = st
	s.gen++
	s.stale = true
	s.mu.Unlock()
	s.known.Store(snap.generation)
	s.snapOK, s.snapGen, s.snapFile = true, snap.generation, snap.file
	s.log.InfoContext(ctx, "index snapshot loaded", "path", s.snapPath, "generation", snap.generation,
		"took", time.Since(began).Round(time.Millisecond))
	return true
}

// checkSnapshot returns errSnapshotStale (wrapped) unless snap describes
// the backing store as it is now.
func (s *Store) checkSnapshot(ctx context.Context, snap *snapshot) error {
	g, err := s.backing.Generation(ctx)
	if err != nil {
		return fmt.Errorf("store generation: %w", err)
	}
	if g != snap.generation {
		return fmt.Errorf("%w: snapshot of generation %d, store at %d", errSnapshotStale, snap.generation, g)
	}
	if s.storeFile != "" {
		file, err := statFileID(s.storeFile)
		if err != nil {
			return fmt.Errorf("stat store file: %w", err)
		}
		if file != snap.file {
			return fmt.Errorf("%w: the store file changed since the snapshot (%+v, now %+v)", errSnapshotStale, snap.file, file)
		}
	}
	return nil
}

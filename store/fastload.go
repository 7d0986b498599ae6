package store

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/dgraph-io/badger/v4/pb"
)

// Load fills an empty store in one pass: fn writes through a Writer whose
// writes stay in memory (reads see them), and when fn returns they are
// sorted and written straight into Badger's bottom level with its
// StreamWriter, as one commit described by o. It is the fast path for a
// first import; every check a Writer makes (ends exist, kinds fit,
// citations, the overlap rules) runs exactly as in Update, and the keys
// written are the same, so Check passes afterwards.
//
// Conditions, because Badger's StreamWriter replaces the whole database:
//
//   - the store must be empty (only the format version written by Open);
//     otherwise Load returns ErrNotEmpty and writes nothing;
//   - nothing else may read the store while Load runs (the CLI import
//     holds the directory alone; a serving process must use BulkUpdate);
//   - fn may use the Writer's point reads and PutEntity, PutFact and
//     DeleteFact, but not its scans (Edges, ByKind, search, ...): they
//     read Badger, which holds none of the load until it commits.
//
// All or nothing: if fn fails nothing is written. The format version is
// written last, in its own commit after the streamed tables are synced, so
// a process that dies while streaming leaves a directory that Open refuses
// (ErrFormat: no format version in a non-empty directory) rather than a
// store with part of the load in it; delete that directory and load again.
//
// Memory: the whole load is held in memory until it is written, about
// twice the size of its keys and values.
//
// On a replica (WithCommitter) Load is one recorded transaction through
// the log, refused with ErrNotEmpty as here once the replica holds more
// than its format version.
func (db *DB) Load(o UpdateOptions, fn func(*Writer) error) (time.Time, error) {
	if db.committer != nil {
		return db.updateReplicated(o, func(w *Writer) error {
			if w.ts > formatTs {
				return ErrNotEmpty
			}
			return fn(w)
		})
	}
	if err := db.lockWriter(); err != nil {
		return time.Time{}, err
	}
	defer db.wmu.Unlock()
	base := db.lastTs.Load()
	if base > formatTs || db.nextID > 1 {
		return time.Time{}, ErrNotEmpty
	}
	old, format, err := db.allVersions(base)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: load: %w", err)
	}
	mem := newMemKV(db.nextID)
	mem.chunks, mem.opBlocks = newPrefaulter[byte](memChunk), newPrefaulter[memOp](memBlock)
	defer mem.stopPrefaulting()
	mem.presort = newPresorter(presortQueue)
	defer mem.presort.stop()
	mem.keep(old)
	txn := db.bdb.NewTransactionAt(base, false)
	w := &Writer{Reader: Reader{db: db, txn: txn, ts: base, at: base, mem: mem}, next: db.nextID, seq0: db.nextID}
	err = fn(w)
	txn.Discard()
	if err != nil || !w.dirty {
		return tsTime(base), err
	}
	ts := db.commitTs(o.At, base)
	if err := w.finish(ts, true); err != nil {
		return time.Time{}, err
	}
	c := &Commit{Author: o.Author, Note: o.Note, Changes: w.changed}
	if err := w.writeCommit(ts, c); err != nil {
		return time.Time{}, err
	}
	mem.stopPrefaulting() // the rest writes a few keys, or none
	if err := db.roomToLoad(mem); err != nil {
		return time.Time{}, err
	}
	if err := db.stream(mem, format, ts); err != nil {
		return time.Time{}, fmt.Errorf("store: load: %w", err)
	}
	db.nextID = w.next
	db.publishCleared(ts) // the StreamWriter replaced everything the cache may hold
	db.feed.publish(commitEvent(ts, c))
	return tsTime(ts), nil
}

// memKV is a Load's writes: every operation in order, grouped by key tag
// (each tag is one stream of the StreamWriter, and tags never share a key
// range), plus an index of the keys the Writer may read back.
//
// Keys and values are copied into large byte chunks and referred to by
// offsets, and the index is keyed by a hash: a large load holds millions
// of keys, and holding them as Go strings and slices would make the
// garbage collector rescan all of them again and again.
type memKV struct {
	arena arena // chunks of memChunk bytes, appended to
	// blocks holds the operations by key tag while the load runs, in
	// blocks of memBlock, so that no growth of a slice copies a load's
	// millions of operations again. stream merges each tag's blocks,
	// sorted, into one slice, byTag.
	blocks [256][][]memOp
	byTag  [256][]memOp
	// blockLen is the operations per block, 1<<blockShift: memBlock but
	// in tests (see testBlockShift).
	blockLen   int
	blockShift uint
	// presort sorts full blocks while the load runs (nil: stream sorts
	// every block), and handed holds, per tag and block, the block as
	// handed to it (nil: not handed; see fastload_sort.go).
	presort *presorter
	handed  [256][]*sortedBlock
	seq     uint32 // operations so far
	// read indexes the keys of read tags: per tag, hash of a key -> index
	// of its last operation among the tag's (one map per tag keeps the maps that
	// most lookups hit, slugs and records, small).
	read [256]map[uint64]uint32
	// dense indexes the keys of read tags that hold a number the load
	// allocated, records, fact locators and out-edges, by that number
	// (from base on): slot n-base holds 1 + the index of the last
	// operation on the key, 0 for none. Hashed, these millions of keys
	// miss the CPU caches on every lookup; the numbers come one by one,
	// so a slice holds them. A key that another key with the same number
	// replaces in its slot moves to read (see index).
	dense [256][]uint32
	base  uint64 // the first number the load allocates
	// clash holds the keys whose hash an earlier, different key already
	// had (no 64-bit clash is expected, but one must not lose a write).
	clash map[string]memAt
	// ents holds the entity records the load has decoded, by number (a
	// write of the record drops its entry), and nums the numbers of the
	// entities it has looked up, by slug key (a write of the slug drops
	// its entry): every fact looks up its ends and sources, and finding
	// them in the index of all slugs, facts' included, then checking the
	// key in the arena, would be the largest cost of a load.
	ents map[uint64]*domain.Entity
	nums numIndex
	seed maphash.Seed
	// hashMask is ANDed into every key's hash: all ones, but a test
	// narrows it to make keys clash.
	hashMask uint64
	// chunks and opBlocks, while a load applies its writes, hand out
	// arena chunks and operation blocks already in memory (see
	// prefaulter); nil, they allocate.
	chunks   *prefaulter[byte]
	opBlocks *prefaulter[memOp]
	// whole says that the memKV holds every key of the store (keep put
	// the store's own keys in it before the load began; all but the
	// format version, which no write reads), so a key it does not hold is
	// in no version of the store: get answers it without reading Badger.
	whole bool
}

// numIndex maps slug keys to entity numbers (memKV.nums). Keys of up to
// 31 bytes, which most IDs make, are held inline in the map's slots, so
// that a lookup compares them without following a pointer to a string's
// bytes elsewhere in the heap: every fact looks up its ends and sources,
// and that second cache miss per lookup adds up over a load. Longer keys
// go to a map of strings.
type numIndex struct {
	short map[shortKey]uint64
	long  map[string]uint64
}

// shortKey is a key of up to 31 bytes: its length, then its bytes,
// zero-padded.
type shortKey [32]byte

func newNumIndex() numIndex {
	return numIndex{short: map[shortKey]uint64{}, long: map[string]uint64{}}
}

// asShort returns k as a shortKey, or false if it is too long.
func asShort(k []byte) (sk shortKey, ok bool) {
	if len(k) >= len(sk) {
		return sk, false
	}
	sk[0] = byte(len(k))
	copy(sk[1:], k)
	return sk, true
}

func (x numIndex) get(k []byte) (uint64, bool) {
	if sk, ok := asShort(k); ok {
		n, found := x.short[sk]
		return n, found
	}
	n, found := x.long[string(k)]
	return n, found
}

func (x numIndex) set(k []byte, n uint64) {
	if sk, ok := asShort(k); ok {
		x.short[sk] = n
		return
	}
	x.long[string(k)] = n
}

func (x numIndex) drop(k []byte) {
	if sk, ok := asShort(k); ok {
		delete(x.short, sk)
		return
	}
	delete(x.long, string(k))
}

// stopPrefaulting stops the load's prefaulters; later chunks and blocks
// are allocated where they are needed.
func (m *memKV) stopPrefaulting() {
	if m.chunks != nil {
		m.chunks.stop()
		m.opBlocks.stop()
	}
}

// memChunk is the size of one arena chunk; a record is at most a few
// MiB (lines are at most 1 MiB), far below it.
const memChunk = 32 << 20

// memRef locates bytes in the arena.
type memRef struct{ chunk, off, n uint32 }

// memBlock is the number of operations in one block of memKV.blocks,
// 1<<memBlockShift.
const (
	memBlockShift = 16
	memBlock      = 1 << memBlockShift
)

// testBlockShift, set only by tests, makes a load's blocks 1<<it
// operations long (0: memBlock), so that a small load spans many blocks.
var testBlockShift uint

// memAt locates an operation: its tag and index in the tag's operations.
type memAt struct {
	tag byte
	i   uint32
}

// memOp is one write of a Load.
type memOp struct {
	key, val memRef
	// head, head2 and head3 are the key's bytes 1 to 24 after the tag, 8
	// at a time, big-endian and zero-padded: sorting and comparing
	// compare them and the key's length before the bytes in the arena,
	// which keys of up to headLen bytes then never need and longer ones
	// (edges: 27 bytes) only to tell apart two facts between the same
	// ends. Reading the arena at random was most of a large load's sort;
	// with two heads, the edges of one entity and predicate still tied,
	// their second 8 bytes being the predicate and the other end's upper,
	// zero, bytes.
	head, head2, head3 uint64
	del                bool   // a delete, not a set
	seq                uint32 // order of writes, so the last one to a key wins
	ver                uint64 // the version to write: a kept key's own, or 0 for the load's (stream gives those its commit's)
}

// newMemKV returns an empty memKV for a load whose first new number is
// base.
func newMemKV(base uint64) *memKV {
	m := &memKV{base: base, clash: map[string]memAt{}, ents: map[uint64]*domain.Entity{}, nums: newNumIndex(), seed: maphash.MakeSeed(), hashMask: ^uint64(0)}
	m.blockShift = memBlockShift
	if testBlockShift > 0 {
		m.blockShift = min(testBlockShift, memBlockShift)
	}
	m.blockLen = 1 << m.blockShift
	for t, ok := range readTags {
		if ok {
			m.read[t] = map[uint64]uint32{}
		}
	}
	return m
}

// readTags are the tags of keys that the write path reads by point
// lookups (Reader.get): slugs, records, external IDs, fact locators,
// out-edges, documents and meta. Keys of other tags (in-edges, kind, word,
// by-time, dated, history, commit) are only written during a load, so
// they need no index.
var readTags = [256]bool{tagSlug: true, tagNode: true, tagXID: true, tagFact: true, tagOut: true, tagBlob: true, tagMeta: true}

// copyIn appends b to the arena.
func (m *memKV) copyIn(b []byte) memRef {
	last := len(m.arena) - 1
	if last < 0 || len(m.arena[last])+len(b) > cap(m.arena[last]) {
		var c []byte
		if len(b) > memChunk {
			c = make([]byte, 0, len(b))
		} else {
			c = m.chunks.get(memChunk)
		}
		m.arena = append(m.arena, c)
		last++
	}
	off := len(m.arena[last])
	m.arena[last] = append(m.arena[last], b...)
	return memRef{chunk: uint32(last), off: uint32(off), n: uint32(len(b))}
}

// bytes returns the arena bytes at r (see arena.bytes).
func (m *memKV) bytes(r memRef) []byte { return m.arena.bytes(r) }

func (m *memKV) set(k, v []byte) { m.put(k, v, false) }
func (m *memKV) del(k []byte)    { m.put(k, nil, true) }

func (m *memKV) put(k, v []byte, del bool) { m.putAt(k, v, del, 0) }

// putAt writes k at version ver (0: the load's own; see memOp.ver).
func (m *memKV) putAt(k, v []byte, del bool, ver uint64) {
	m.seq++
	op := memOp{key: m.copyIn(k), head: keyHead(k, 1), head2: keyHead(k, 9), head3: keyHead(k, 17), del: del, seq: m.seq, ver: ver}
	if !del {
		op.val = m.copyIn(v)
	}
	tag := keyTag(k)
	at := m.appendOp(tag, op)
	if readTags[tag] {
		m.index(k, at)
	}
	if tag == tagNode || tag == tagSlug {
		key, err := ParseKey(k)
		switch {
		case err != nil:
		case tag == tagNode:
			delete(m.ents, key.Num)
		case key.Kind != domain.KindFact:
			m.nums.drop(k)
		}
	}
}

// index makes at the operation that get finds for key k: by the number
// in k for the tags that hold one (see dense), else by k's hash.
func (m *memKV) index(k []byte, at memAt) {
	if i, ok := m.denseSlot(k); ok {
		d := &m.dense[at.tag]
		if i >= len(*d) {
			*d = append(*d, make([]uint32, i+1-len(*d))...)
		}
		// Another key with the same number (an edge that a fact's
		// update moved) leaves the slot for the hash index, so that get
		// still finds its last operation, a delete in practice.
		if prev := (*d)[i]; prev != 0 && !m.sameKeyAt(memAt{at.tag, prev - 1}, k) {
			m.hashIndex(m.keyOf(memAt{at.tag, prev - 1}), memAt{at.tag, prev - 1})
		}
		(*d)[i] = at.i + 1
		return
	}
	m.hashIndex(k, at)
}

// hashIndex indexes k by its hash (see read and clash).
func (m *memKV) hashIndex(k []byte, at memAt) {
	h := m.hash(k)
	if prev, ok := m.read[at.tag][h]; !ok || m.sameKeyAt(memAt{at.tag, prev}, k) {
		m.read[at.tag][h] = at.i
	} else {
		m.clash[string(k)] = at
	}
}

// hash is the key of k in read.
func (m *memKV) hash(k []byte) uint64 { return maphash.Bytes(m.seed, k) & m.hashMask }

// sameKeyAt reports whether the operation at at writes key k.
func (m *memKV) sameKeyAt(at memAt, k []byte) bool { return bytes.Equal(m.keyOf(at), k) }

// maxDense bounds dense's slices: a number further than this past the
// load's first is indexed by hash (a load allocates its numbers one by
// one, so only a load of billions of records would get there).
const maxDense = 1 << 30

// denseSlot returns the slot of k in dense: its number's distance from
// the load's first number, for a record (N | n8), a fact locator (F |
// n8) or an out-edge (O | src8 | pred2 | dst8 | fact8, by the fact).
func (m *memKV) denseSlot(k []byte) (int, bool) {
	tag := keyTag(k)
	if tag != tagNode && tag != tagFact && tag != tagOut {
		return 0, false
	}
	key, err := ParseKey(k)
	if err != nil {
		return 0, false
	}
	n := key.Fact
	if tag == tagNode {
		n = key.Num
	}
	if n < m.base || n-m.base >= maxDense {
		return 0, false
	}
	return int(n - m.base), true
}

// appendOp appends op to tag's operations and returns where it is. A
// block that fills goes to the presorter when the next one begins.
func (m *memKV) appendOp(tag byte, op memOp) memAt {
	bs := m.blocks[tag]
	if len(bs) == 0 || len(bs[len(bs)-1]) == m.blockLen {
		if n := len(bs); n > 0 {
			m.handed[tag] = append(m.handed[tag], m.presort.add(bs[n-1], m.arena))
		}
		bs = append(bs, m.opBlocks.get(memBlock))
		m.blocks[tag] = bs
	}
	last := &bs[len(bs)-1]
	*last = append(*last, op)
	return memAt{tag: tag, i: uint32((len(bs)-1)*m.blockLen + len(*last) - 1)}
}

// count returns how many operations tag has.
func (m *memKV) count(tag byte) int {
	bs := m.blocks[tag]
	if len(bs) == 0 {
		return 0
	}
	return (len(bs)-1)*m.blockLen + len(bs[len(bs)-1])
}

// op returns the operation at at.
func (m *memKV) op(at memAt) *memOp {
	return &m.blocks[at.tag][at.i>>m.blockShift][int(at.i)&(m.blockLen-1)]
}

func (m *memKV) keyOf(at memAt) []byte { return m.bytes(m.op(at).key) }

// entity returns entity n, decoded once per load (see ents). Callers
// inside a load share the *Entity and must not change it; the write path
// only reads it.
func (m *memKV) entity(r *Reader, n uint64) (*domain.Entity, error) {
	if e, ok := m.ents[n]; ok {
		return e, nil
	}
	e, err := r.decodeEntityAt(n)
	if err == nil {
		m.ents[n] = e
	}
	return e, err
}

// get returns the value of k written in this load: found reports whether
// the load wrote or deleted it, or, once the memKV is whole, whether
// anything need be read at all; v is nil when deleted (or absent).
func (m *memKV) get(k []byte) (v []byte, found bool) {
	at, ok := m.lookup(k)
	if !ok {
		return nil, m.whole
	}
	op := m.op(at)
	if op.del {
		return nil, true
	}
	return m.bytes(op.val), true
}

// lookup returns the last operation on k, if the load has one.
func (m *memKV) lookup(k []byte) (memAt, bool) {
	tag := keyTag(k)
	if i, ok := m.denseSlot(k); ok && i < len(m.dense[tag]) {
		if p := m.dense[tag][i]; p != 0 && m.sameKeyAt(memAt{tag, p - 1}, k) {
			return memAt{tag, p - 1}, true
		}
	}
	i, ok := m.read[tag][m.hash(k)]
	at := memAt{tag, i}
	if ok && !m.sameKeyAt(at, k) {
		at, ok = m.clash[string(k)]
	}
	return at, ok
}

// keep puts every version of every key already in the store (an empty
// store's first commit; kvs from allVersions, in Badger's order) into m,
// at their own versions, so that the load writes them again and reads
// them from m; m is then whole.
func (m *memKV) keep(kvs []*pb.KV) {
	// Badger's order is newest first within a key; put the newest last,
	// so that it is the one get finds.
	for _, kv := range slices.Backward(kvs) {
		m.putAt(kv.Key, kv.Value, false, kv.Version)
	}
	m.whole = true
}

// allVersions returns every live version of every key at or below ts,
// except the format version, which it returns apart.
func (db *DB) allVersions(ts uint64) (kvs []*pb.KV, format []byte, err error) {
	txn := db.bdb.NewTransactionAt(ts, false)
	defer txn.Discard()
	opts := badgerIterOpts(nil)
	opts.AllVersions = true
	it := txn.NewIterator(opts)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		if item.IsDeletedOrExpired() {
			continue
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return nil, nil, err
		}
		if bytes.Equal(item.Key(), metaKey(metaFormat)) {
			format = v
			continue
		}
		kvs = append(kvs, &pb.KV{Key: item.KeyCopy(nil), Value: v, Version: item.Version()})
	}
	if format == nil {
		return nil, nil, errors.New("no format version to keep")
	}
	return kvs, format, nil
}

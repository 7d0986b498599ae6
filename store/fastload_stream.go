package store

import (
	"cmp"
	"errors"
	"slices"
	"sync"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/ristretto/v2/z"
	"google.golang.org/protobuf/encoding/protowire"
)

// stream writes the load in mem (which holds the store's own keys too,
// see keep) into Badger with a StreamWriter, then the format version in
// a commit of its own (see Load). The caller holds the writer lock.
func (db *DB) stream(mem *memKV, format []byte, ts uint64) error {
	var tags []byte
	for t := range mem.blocks {
		if mem.count(byte(t)) > 0 {
			tags = append(tags, byte(t))
		}
	}
	sw := db.bdb.NewStreamWriter()
	defer sw.Cancel()
	if err := sw.Prepare(); err != nil {
		return err
	}
	mem.read, mem.dense, mem.clash, mem.ents, mem.nums = [256]map[uint64]uint32{}, [256][]uint32{}, nil, nil, numIndex{} // not needed any more: let them go
	// Merge each tag's sorted blocks (see fastload_sort.go), largest tags
	// first so that two workers finish together; then cut them into
	// ranges of at most streamOps, each its own stream, which two workers
	// write. StreamWriter.Write may be called concurrently, most of its
	// work (decoding what putKV encoded) happens outside its lock, and
	// each stream builds its tables on a goroutine of its own: many short
	// streams keep both cores busy where one stream per tag left the
	// largest tags to one.
	slices.SortFunc(tags, func(a, b byte) int { return cmp.Compare(mem.count(b), mem.count(a)) })
	mem.presort.finish()
	err := parallel(tags, func(_ int, t byte) error {
		mem.merge(t, ts)
		return nil
	})
	if err != nil {
		return err
	}
	var ranges []memRange
	for _, t := range tags {
		ranges = mem.cut(ranges, t)
	}
	// One buffer per worker, reused from range to range: a fresh one per
	// range would be fresh memory for the kernel to fault in each time.
	var bufs [workers]*z.Buffer
	for w := range bufs {
		bufs[w] = z.NewBuffer(streamFlushAt+(1<<20), "alliancegraph.load")
		defer bufs[w].Release()
	}
	err = parallel(ranges, func(w int, r memRange) error { return mem.streamRange(sw, r, bufs[w]) })
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	txn := db.bdb.NewTransactionAt(formatTs, true)
	defer txn.Discard()
	if err := txn.Set(metaKey(metaFormat), format); err != nil {
		return err
	}
	return txn.CommitAt(formatTs, nil)
}

// streamOps bounds the operations of one stream (see stream).
const streamOps = 1 << 17

// memRange is a run of one tag's sorted operations written as one stream.
type memRange struct {
	tag    byte
	lo, hi int
	id     uint32 // the stream's ID
}

// cut appends tag t's ranges to rs. A range never ends between two
// operations on the same key: streams must not share a key.
func (m *memKV) cut(rs []memRange, t byte) []memRange {
	ops := m.byTag[t]
	for lo := 0; lo < len(ops); {
		hi := min(lo+streamOps, len(ops))
		for hi < len(ops) && m.arena.sameKey(&ops[hi], &ops[hi-1]) {
			hi++
		}
		rs = append(rs, memRange{tag: t, lo: lo, hi: hi, id: uint32(len(rs) + 1)})
		lo = hi
	}
	return rs
}

// streamFlushAt is how many bytes of encoded KVs streamRange hands to
// StreamWriter.Write at once.
const streamFlushAt = 8 << 20

// streamRange writes range r of sorted operations to sw as stream r.id,
// the last write of a key and version winning and deletes dropped, then
// closes the stream so that its last table is built at once. It encodes
// them in buf, which it resets first and which it may reuse once Write
// returns (Write copies what it keeps).
func (m *memKV) streamRange(sw *badger.StreamWriter, r memRange, buf *z.Buffer) error {
	ops := m.byTag[r.tag][r.lo:r.hi]
	buf.Reset()
	for i, op := range ops {
		if op.del {
			continue // deleted during the load
		}
		key := m.bytes(op.key)
		if i+1 < len(ops) && ops[i+1].ver == op.ver && m.arena.sameKey(&ops[i+1], &op) {
			continue // a later write of the same version wins
		}
		putKV(buf, streamKV{key: key, val: m.bytes(op.val), ver: op.ver, stream: r.id})
		if buf.LenNoPadding() >= streamFlushAt {
			if err := sw.Write(buf); err != nil {
				return err
			}
			buf.Reset()
		}
	}
	putKV(buf, streamKV{stream: r.id, done: true})
	return sw.Write(buf)
}

// streamKV is one KV for a StreamWriter: the fields of Badger's pb.KV
// that a load sets.
type streamKV struct {
	key, val []byte
	ver      uint64
	stream   uint32
	done     bool // the stream's last message, which carries nothing else
}

// The field numbers of pb.KV (badgerpb4.proto) that streamKV fills.
const (
	kvKey        protowire.Number = 1
	kvValue      protowire.Number = 2
	kvVersion    protowire.Number = 4
	kvStreamID   protowire.Number = 10
	kvStreamDone protowire.Number = 11
)

// putKV appends kv to buf as StreamWriter.Write reads it: one slice of
// buf holding a protobuf-encoded pb.KV, as badger.KVToBuffer writes it.
// It encodes the five fields by hand, with protowire, where KVToBuffer
// sizes and marshals a *pb.KV by reflection, a large share of the write
// phase's CPU. Zero fields are left out, as proto3 does;
// TestPutKVMatchesKVToBuffer compares the bytes.
func putKV(buf *z.Buffer, kv streamKV) {
	n := 0
	if len(kv.key) > 0 {
		n += protowire.SizeTag(kvKey) + protowire.SizeBytes(len(kv.key))
	}
	if len(kv.val) > 0 {
		n += protowire.SizeTag(kvValue) + protowire.SizeBytes(len(kv.val))
	}
	if kv.ver != 0 {
		n += protowire.SizeTag(kvVersion) + protowire.SizeVarint(kv.ver)
	}
	if kv.stream != 0 {
		n += protowire.SizeTag(kvStreamID) + protowire.SizeVarint(uint64(kv.stream))
	}
	if kv.done {
		n += protowire.SizeTag(kvStreamDone) + protowire.SizeVarint(1)
	}
	b := buf.SliceAllocate(n)[:0]
	if len(kv.key) > 0 {
		b = protowire.AppendTag(b, kvKey, protowire.BytesType)
		b = protowire.AppendBytes(b, kv.key)
	}
	if len(kv.val) > 0 {
		b = protowire.AppendTag(b, kvValue, protowire.BytesType)
		b = protowire.AppendBytes(b, kv.val)
	}
	if kv.ver != 0 {
		b = protowire.AppendTag(b, kvVersion, protowire.VarintType)
		b = protowire.AppendVarint(b, kv.ver)
	}
	if kv.stream != 0 {
		b = protowire.AppendTag(b, kvStreamID, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(kv.stream))
	}
	if kv.done {
		b = protowire.AppendTag(b, kvStreamDone, protowire.VarintType)
		b = protowire.AppendVarint(b, 1)
	}
	if len(b) != n {
		panic("store: putKV sized a KV wrong") // a bug here, not bad input
	}
}

// workers is how many goroutines parallel runs.
const workers = 2

// parallel calls fn for each item on workers goroutines, passing the
// goroutine's index, and returns the errors it returned; after an error
// a goroutine skips the rest.
func parallel[T any](items []T, fn func(worker int, it T) error) error {
	next := make(chan T, len(items))
	for _, it := range items {
		next <- it
	}
	close(next)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range errs {
		wg.Go(func() {
			for it := range next {
				if errs[w] == nil {
					errs[w] = fn(w, it)
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

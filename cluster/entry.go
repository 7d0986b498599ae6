package cluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/alliancegraph/alliancegraph/store"
)

// A log entry is the value of one revision of the log key:
//
//	'I' id[16] changeset          the change set inline
//	'S' id[16] chunks size sha256 the change set staged in chunks
//	'B' id[16] chunks size sha256 a backup staged in chunks: the start of
//	                              a cluster restored from it (genesis.go)
//
// id names the commit attempt, so a writer whose transaction's outcome it
// did not hear can tell whether the entry after its base is its own.
const (
	entryInline = 'I'
	entryStaged = 'S'
	entryBackup = 'B'
	idLen       = 16
)

// maxInline is the largest change set carried in the log entry itself;
// larger ones are staged in chunks of this size. etcd refuses requests
// over 1.5 MiB by default (--max-request-bytes).
const maxInline = 1 << 20

type entryID [idLen]byte

func newEntryID() entryID {
	var id entryID
	rand.Read(id[:])
	return id
}

func (id entryID) String() string { return hex.EncodeToString(id[:]) }

// entry is a decoded log entry; staged entries carry where their chunks are.
type entry struct {
	kind   byte
	id     entryID
	inline []byte // the change set, for an inline entry
	chunks uint64
	size   uint64
	sum    [sha256.Size]byte
}

func encodeInline(id entryID, cs []byte) []byte {
	b := make([]byte, 0, 1+idLen+len(cs))
	b = append(append(append(b, entryInline), id[:]...), cs...)
	return b
}

func encodeStaged(kind byte, id entryID, chunks, size uint64, sum [sha256.Size]byte) []byte {
	b := append([]byte{kind}, id[:]...)
	b = binary.AppendUvarint(b, chunks)
	b = binary.AppendUvarint(b, size)
	return append(b, sum[:]...)
}

func decodeEntry(v []byte) (entry, error) {
	var e entry
	if len(v) < 1+idLen {
		return e, errors.New("cluster: log entry too short")
	}
	copy(e.id[:], v[1:1+idLen])
	e.kind = v[0]
	rest := v[1+idLen:]
	switch v[0] {
	case entryInline:
		e.inline = rest
		return e, nil
	case entryStaged, entryBackup:
		var n int
		if e.chunks, n = binary.Uvarint(rest); n <= 0 {
			return e, errors.New("cluster: staged log entry: bad chunk count")
		}
		rest = rest[n:]
		if e.size, n = binary.Uvarint(rest); n <= 0 {
			return e, errors.New("cluster: staged log entry: bad size")
		}
		rest = rest[n:]
		if len(rest) != sha256.Size {
			return e, errors.New("cluster: staged log entry: bad checksum")
		}
		copy(e.sum[:], rest)
		return e, nil
	}
	return e, fmt.Errorf("cluster: log entry of unknown type %q", v[0])
}

// stagePrefix is where the chunks of entry id are.
func (k keys) stagePrefix(id entryID) string { return k.stage + id.String() + "/" }

func (k keys) chunkKey(id entryID, i int) string {
	return fmt.Sprintf("%s%08d", k.stagePrefix(id), i)
}

// stage writes a large change set (or, kind entryBackup, a backup) in
// chunks under a lease, so chunks a writer leaves behind when it dies
// expire, and returns the log entry that names them.
func (n *Node) stage(ctx context.Context, kind byte, id entryID, r io.Reader) ([]byte, error) {
	lease, err := n.cli.Grant(ctx, int64(stageTTL.Seconds()))
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	buf := make([]byte, maxInline)
	var chunks, size uint64
	for {
		k, err := io.ReadFull(r, buf)
		if k > 0 {
			h.Write(buf[:k])
			if _, err := n.cli.Put(ctx, n.keys.chunkKey(id, int(chunks)), string(buf[:k]), clientv3.WithLease(lease.ID)); err != nil {
				return nil, err
			}
			chunks++
			size += uint64(k)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return encodeStaged(kind, id, chunks, size, sum), nil
}

// unstaged reads the chunks of a staged entry committed at rev, as they
// stood just before the commit deleted them, into w, and checks them
// against the entry.
func (n *Node) unstaged(ctx context.Context, e entry, rev int64, w io.Writer) error {
	h := sha256.New()
	var size uint64
	for i := range int(e.chunks) {
		resp, err := n.cli.Get(ctx, n.keys.chunkKey(e.id, i), clientv3.WithRev(rev-1))
		if err != nil {
			return err
		}
		if len(resp.Kvs) != 1 {
			return fmt.Errorf("cluster: entry at revision %d: chunk %d of %d is missing", rev, i, e.chunks)
		}
		v := resp.Kvs[0].Value
		h.Write(v)
		size += uint64(len(v))
		if _, err := w.Write(v); err != nil {
			return err
		}
	}
	var sum [sha256.Size]byte
	if h.Sum(sum[:0]); size != e.size || sum != e.sum {
		return fmt.Errorf("cluster: entry at revision %d: chunks do not match the entry's checksum", rev)
	}
	return nil
}

// changeSet reads the change set of an entry committed at rev: inline, or
// its chunks as they stood just before the commit deleted them.
func (n *Node) changeSet(ctx context.Context, e entry, rev int64) (*store.ChangeSet, error) {
	if e.inline != nil {
		return store.ParseChangeSet(e.inline)
	}
	var b bytes.Buffer
	b.Grow(int(min(e.size, 1<<30)))
	if err := n.unstaged(ctx, e, rev, &b); err != nil {
		return nil, err
	}
	return store.ParseChangeSet(b.Bytes())
}

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

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/alliancegraph/alliancegraph/store"
)

// A log entry is the value of one revision of the log key:
//
//	'I' id[16] changeset          the change set inline
//	'S' id[16] chunks size sha256 the change set staged in chunks
//
// id names the commit attempt, so a writer whose transaction's outcome it
// did not hear can tell whether the entry after its base is its own.
const (
	entryInline = 'I'
	entryStaged = 'S'
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

func encodeStaged(id entryID, chunks, size uint64, sum [sha256.Size]byte) []byte {
	b := append([]byte{entryStaged}, id[:]...)
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
	rest := v[1+idLen:]
	switch v[0] {
	case entryInline:
		e.inline = rest
		return e, nil
	case entryStaged:
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

// stage writes a large change set in chunks under a lease, so chunks a
// writer leaves behind when it dies expire, and returns the log entry that
// names them.
func (n *Node) stage(ctx context.Context, id entryID, cs []byte) ([]byte, error) {
	lease, err := n.cli.Grant(ctx, int64(stageTTL.Seconds()))
	if err != nil {
		return nil, err
	}
	chunks := 0
	for off := 0; off < len(cs); off += maxInline {
		end := min(off+maxInline, len(cs))
		if _, err := n.cli.Put(ctx, n.keys.chunkKey(id, chunks), string(cs[off:end]), clientv3.WithLease(lease.ID)); err != nil {
			return nil, err
		}
		chunks++
	}
	return encodeStaged(id, uint64(chunks), uint64(len(cs)), sha256.Sum256(cs)), nil
}

// changeSet reads the change set of an entry committed at rev: inline, or
// its chunks as they stood just before the commit deleted them.
func (n *Node) changeSet(ctx context.Context, e entry, rev int64) (*store.ChangeSet, error) {
	if e.inline != nil {
		return store.ParseChangeSet(e.inline)
	}
	resp, err := n.cli.Get(ctx, n.keys.stagePrefix(e.id), clientv3.WithPrefix(), clientv3.WithRev(rev-1),
		clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend))
	if err != nil {
		return nil, err
	}
	if uint64(len(resp.Kvs)) != e.chunks {
		return nil, fmt.Errorf("cluster: change set at revision %d: %d of %d chunks", rev, len(resp.Kvs), e.chunks)
	}
	var b bytes.Buffer
	b.Grow(int(e.size))
	for _, kv := range resp.Kvs {
		b.Write(kv.Value)
	}
	if uint64(b.Len()) != e.size || sha256.Sum256(b.Bytes()) != e.sum {
		return nil, fmt.Errorf("cluster: change set at revision %d: chunks do not match the entry's checksum", rev)
	}
	return store.ParseChangeSet(b.Bytes())
}

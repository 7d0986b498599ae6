package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"sync"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"
	"google.golang.org/protobuf/proto"
)

// Backup file layout: a magic line, Badger's own backup stream (every
// version of every key, so restored stores keep their whole transaction
// time), then a trailer holding the stream's length and the SHA-256 of
// everything before the trailer. Restore checks the trailer before it
// touches the target, so a truncated or corrupted file is refused.
const (
	backupMagic   = "alliancegraph-backup/1\n"
	trailerMagic  = "AGEND"
	trailerLen    = 8 + sha256.Size + len(trailerMagic)
	maxBackupSize = 1 << 40
)

// Backup writes a consistent snapshot of the store, with every version of
// every record, to w. Writes may continue meanwhile; they are not in the
// snapshot. It returns the number of bytes written.
func (db *DB) Backup(w io.Writer) (int64, error) {
	if db.closed.Load() {
		return 0, ErrClosed
	}
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(w, h)}
	if _, err := io.WriteString(cw, backupMagic); err != nil {
		return cw.n, err
	}
	start := cw.n
	if err := db.streamAllVersions(cw); err != nil {
		return cw.n, fmt.Errorf("store: backup: %w", err)
	}
	trailer := binary.BigEndian.AppendUint64(nil, uint64(cw.n-start))
	trailer = append(trailer, h.Sum(nil)...)
	trailer = append(trailer, trailerMagic...)
	n, err := w.Write(trailer)
	return cw.n + int64(n), err
}

// bitDelete is Badger's tombstone bit in an entry's meta byte.
const bitDelete = 1

// streamAllVersions writes every version of every key, tombstones
// included, in the framing Badger's DB.Load reads (a little-endian uint64
// length, then a protobuf KVList). Badger's own Stream.Backup stops at a
// key's newest tombstone and drops the versions behind it, which would
// lose the history that knownAt reads.
func (db *DB) streamAllVersions(w io.Writer) error {
	stream := db.bdb.NewStreamAt(db.lastTs.Load())
	stream.LogPrefix = "alliancegraph backup"
	stream.KeyToList = func(key []byte, it *badger.Iterator) (*pb.KVList, error) {
		list := &pb.KVList{}
		for ; it.Valid(); it.Next() {
			item := it.Item()
			if !bytes.Equal(item.Key(), key) {
				break
			}
			kv := &pb.KV{Key: item.KeyCopy(nil), Version: item.Version(), UserMeta: []byte{item.UserMeta()}}
			if item.IsDeletedOrExpired() {
				kv.Meta = []byte{bitDelete}
			} else {
				v, err := item.ValueCopy(nil)
				if err != nil {
					return nil, err
				}
				kv.Value = v
			}
			list.Kv = append(list.Kv, kv)
		}
		return list, nil
	}
	var mu sync.Mutex // Send may be called from several goroutines
	stream.Send = func(buf *z.Buffer) error {
		list, err := badger.BufferToKVList(buf)
		if err != nil {
			return err
		}
		out := list.Kv[:0]
		for _, kv := range list.Kv {
			if !kv.StreamDone {
				out = append(out, kv)
			}
		}
		list.Kv = out
		b, err := proto.Marshal(list)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if err := binary.Write(w, binary.LittleEndian, uint64(len(b))); err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	return stream.Orchestrate(context.Background())
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

// VerifyBackup reads a whole backup and checks its framing and checksum.
func VerifyBackup(r io.Reader) error {
	h := sha256.New()
	br := bufio.NewReaderSize(r, 1<<20)
	magic := make([]byte, len(backupMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != backupMagic {
		return fmt.Errorf("%w: it does not start with the backup header", ErrBadBackup)
	}
	h.Write(magic)
	// Hash everything but the last trailerLen bytes, which are kept back in
	// a sliding tail.
	tail := make([]byte, 0, trailerLen)
	buf := make([]byte, 1<<20)
	var body int64
	for {
		n, err := br.Read(buf)
		chunk := append(tail, buf[:n]...)
		if len(chunk) > trailerLen {
			h.Write(chunk[:len(chunk)-trailerLen])
			body += int64(len(chunk) - trailerLen)
			tail = append(make([]byte, 0, trailerLen), chunk[len(chunk)-trailerLen:]...)
		} else {
			tail = chunk
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if body > maxBackupSize {
			return fmt.Errorf("%w: larger than %d bytes", ErrBadBackup, int64(maxBackupSize))
		}
	}
	if len(tail) != trailerLen || string(tail[8+sha256.Size:]) != trailerMagic {
		return fmt.Errorf("%w: the trailer is missing (truncated file?)", ErrBadBackup)
	}
	if got := binary.BigEndian.Uint64(tail[:8]); got != uint64(body) {
		return fmt.Errorf("%w: the trailer says %d bytes of data, the file has %d (truncated file?)", ErrBadBackup, got, body)
	}
	if !bytes.Equal(h.Sum(nil), tail[8:8+sha256.Size]) {
		return fmt.Errorf("%w: checksum mismatch (corrupted file)", ErrBadBackup)
	}
	return nil
}

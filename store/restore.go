package store

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"google.golang.org/protobuf/proto"
)

// RestoreFile loads the backup at path into dir, which must not exist or
// be empty. The whole file is verified first (its checksum, then every
// frame of its stream), so nothing is written for a file that is not a
// complete backup. The store is built in a new directory beside dir and
// renamed to dir only once it is complete and passes the invariant
// checker (ErrBadBackup naming the violations otherwise): a file whose
// checksum was recomputed after its keys were changed frames and loads
// like a good one, and would serve wrong answers. A restore that fails leaves
// dir as it was, and one that is killed leaves it as it was too, with a
// partial directory beside it (dir's name, prefixed with a dot and
// followed by ".restoring-" and a number) that can be deleted.
func RestoreFile(dir, path string, o Options) error {
	if o.memTable < MinMemTableBytes {
		return fmt.Errorf("%w: memtable size %d MiB is below the minimum of %d MiB", domain.ErrInvalid, o.memTable>>20, MinMemTableBytes>>20)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := VerifyBackup(f); err != nil {
		return err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%w: restore target %s is not empty", domain.ErrInvalid, dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size() - int64(len(backupMagic)) - int64(trailerLen)
	body := func() (io.Reader, error) {
		_, err := f.Seek(int64(len(backupMagic)), io.SeekStart)
		return io.LimitReader(f, size), err
	}
	r, err := body()
	if err != nil {
		return err
	}
	if err := checkFrames(r, size); err != nil {
		return err
	}
	if r, err = body(); err != nil {
		return err
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := roomToRestore(parent, size, o.memTable); err != nil {
		return err
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(filepath.Clean(dir))+".restoring-")
	if err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	if err := loadBackup(tmp, r, o); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("store: restore: %w", err)
	}
	if err := checkRestored(tmp, o); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	// dir is absent or empty (checked above); an empty one gives the
	// store its permissions, and Remove refuses it if something has
	// filled it since.
	if fi, err := os.Stat(dir); err == nil {
		if err := os.Chmod(tmp, fi.Mode().Perm()); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("store: restore: %w", err)
		}
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		os.RemoveAll(tmp)
		return fmt.Errorf("store: restore: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("store: restore: %w", err)
	}
	return syncDir(parent)
}

// loadBackup writes the backup stream r into a new Badger directory.
func loadBackup(dir string, r io.Reader, o Options) error {
	bo := badger.DefaultOptions(dir).WithNumVersionsToKeep(1<<31 - 1).WithLogger(badgerLogger{o.logger}).WithSyncWrites(true).
		WithMemTableSize(o.memTable) // what roomToRestore counts on
	if o.logger == nil {
		bo = bo.WithLogger(nil)
	}
	bdb, err := badger.OpenManaged(bo)
	if err != nil {
		return err
	}
	if err := bdb.Load(r, 256); err != nil {
		bdb.Close()
		return err
	}
	if restoreFault != nil {
		if err := restoreFault(); err != nil {
			bdb.Close()
			return err
		}
	}
	return bdb.Close()
}

// restoreCheckLimit bounds the violations a restore's check collects:
// one is enough to refuse, and a few show what is wrong.
const restoreCheckLimit = 20

// restoreShown is how many violations a refused restore names.
const restoreShown = 3

// checkRestored opens the store a restore built in dir, read-only so the
// check changes nothing in it, and refuses it with ErrBadBackup when it
// does not open (another on-disk format) or breaks an invariant.
func checkRestored(dir string, o Options) error {
	db, err := Open(dir, o.WithReadOnly(true))
	if err != nil {
		return fmt.Errorf("%w: the restored store does not open: %v", ErrBadBackup, err)
	}
	defer db.Close()
	vs, err := db.Check(time.Time{}, restoreCheckLimit)
	if err != nil {
		return fmt.Errorf("store: restore: checking the restored store: %w", err)
	}
	if len(vs) == 0 {
		return nil
	}
	count := fmt.Sprint(len(vs))
	if len(vs) == restoreCheckLimit {
		count = "at least " + count
	}
	var shown []string
	for _, v := range vs[:min(len(vs), restoreShown)] {
		shown = append(shown, v.String())
	}
	return fmt.Errorf("%w: the restored store breaks the store's invariants (%s violations, e.g. %s); it was not put in place",
		ErrBadBackup, count, strings.Join(shown, "; "))
}

// restoreFault, set only by tests, makes a restore fail after Badger has
// written the store, as a full disk would at the end.
var restoreFault func() error

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("store: restore: %w", err)
	}
	return nil
}

// maxFrame bounds one frame of a backup's stream. Badger hands a
// backup's writer batches of a few MiB; a longer length is a corrupt
// file, and Badger's Load would try to allocate it (a length near 2^64
// panics it).
const maxFrame = 1 << 30

// checkFrames reads a backup's stream, size bytes, and checks that it is
// what streamAllVersions writes: frames of a little-endian length and a
// protobuf KVList, ending exactly at the end, whose entries have a key, a
// version, and no meta bit but the tombstone's. Anything else is
// ErrBadBackup: a file whose checksum was made to match, or a bug in an
// older writer, must not reach Badger's Load.
func checkFrames(r io.Reader, size int64) error {
	br := bufio.NewReaderSize(r, 1<<20)
	var buf []byte
	for off := int64(0); off < size; {
		var n [8]byte
		if _, err := io.ReadFull(br, n[:]); err != nil {
			return fmt.Errorf("%w: the stream's frame at byte %d is cut off", ErrBadBackup, off)
		}
		sz := binary.LittleEndian.Uint64(n[:])
		if sz > maxFrame || sz > uint64(size-off-8) {
			return fmt.Errorf("%w: the stream's frame at byte %d claims %d bytes", ErrBadBackup, off, sz)
		}
		buf = slices.Grow(buf[:0], int(sz))[:sz]
		if _, err := io.ReadFull(br, buf); err != nil {
			return fmt.Errorf("%w: the stream's frame at byte %d: %v", ErrBadBackup, off, err)
		}
		var list pb.KVList
		if err := proto.Unmarshal(buf, &list); err != nil {
			return fmt.Errorf("%w: the stream's frame at byte %d: %v", ErrBadBackup, off, err)
		}
		for _, kv := range list.Kv {
			if len(kv.Key) == 0 || kv.Version == 0 || kv.ExpiresAt != 0 || kv.StreamDone || len(kv.Meta) > 1 || len(kv.Meta) == 1 && kv.Meta[0]&^bitDelete != 0 {
				return fmt.Errorf("%w: the stream's frame at byte %d holds an entry no backup writes", ErrBadBackup, off)
			}
		}
		off += 8 + int64(sz)
	}
	return nil
}

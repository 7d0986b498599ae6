package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4/pb"
	"google.golang.org/protobuf/proto"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestBackupRestore: a backup restored into an empty directory dumps the
// same graph, now and at an earlier transaction time, and passes the
// checker; truncated and corrupted files are refused before the target is
// touched.
func TestBackupRestore(t *testing.T) {
	src := natoDB(t)
	before := src.LastCommit()
	err := src.Update("test", func(w *store.Writer) error { return w.DeleteFact("fact/swe-member-of-nato") })
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := writeBackup(t, src, filepath.Join(dir, "backup.agb"))

	target := filepath.Join(dir, "restored")
	if err := store.RestoreFile(target, file, store.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	dst, err := store.Open(target, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	for _, at := range []time.Time{{}, before} {
		var a, b bytes.Buffer
		if err := src.Dump(at, &a); err != nil {
			t.Fatal(err)
		}
		if err := dst.Dump(at, &b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("restored dump at %v differs", at)
		}
	}
	if vs, err := dst.Check(time.Time{}, 0); err != nil || len(vs) > 0 {
		t.Fatalf("check: %v %v", vs, err)
	}
	if !dst.LastCommit().Equal(src.LastCommit()) {
		t.Errorf("last commit %v, source %v", dst.LastCommit(), src.LastCommit())
	}

	whole, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{
		"truncated":    whole[:len(whole)/2],
		"no trailer":   whole[:len(whole)-10],
		"flipped byte": flip(whole, len(whole)/2),
		"not a backup": []byte("hello"),
		"empty":        nil,
		"header only":  whole[:30],
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, "bad-"+name)
			if err := os.WriteFile(p, bad, 0o644); err != nil {
				t.Fatal(err)
			}
			target := filepath.Join(dir, "target-"+name)
			err := store.RestoreFile(target, p, store.DefaultOptions())
			if !errors.Is(err, store.ErrBadBackup) {
				t.Fatalf("err %v, want ErrBadBackup", err)
			}
			if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("target was created: %v", err)
			}
		})
	}
	if err := store.RestoreFile(target, file, store.DefaultOptions()); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("restore into a non-empty directory: %v", err)
	}
}

// writeBackup writes a backup of db to path and returns path.
func writeBackup(t *testing.T, db *store.DB, path string) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := db.Backup(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x40
	return c
}

func TestGCValueLog(t *testing.T) {
	db, err := store.Open(t.TempDir(), store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.GCValueLog(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := db.GCValueLog(); !errors.Is(err, store.ErrClosed) {
		t.Errorf("after close: %v", err)
	}
}

// backupOf frames body as a backup file: the header, body, and a trailer
// whose length and checksum are right.
func backupOf(body []byte) []byte {
	var file bytes.Buffer
	file.WriteString("alliancegraph-backup/1\n")
	file.Write(body)
	h := sha256.Sum256(file.Bytes())
	file.Write(binary.BigEndian.AppendUint64(nil, uint64(len(body))))
	file.Write(h[:])
	file.WriteString("AGEND")
	return file.Bytes()
}

// frame is one frame of a backup's stream holding kvs.
func frame(t *testing.T, kvs ...*pb.KV) []byte {
	t.Helper()
	b, err := proto.Marshal(&pb.KVList{Kv: kvs})
	if err != nil {
		t.Fatal(err)
	}
	return append(binary.LittleEndian.AppendUint64(nil, uint64(len(b))), b...)
}

// TestRestoreRefusesBadFrames: a file whose checksum is right but whose
// stream is not what a backup writes is refused before anything is
// written (Badger's Load panicked on a length near 2^64, and would load
// entries with meta bits no backup sets).
func TestRestoreRefusesBadFrames(t *testing.T) {
	good := &pb.KV{Key: []byte("Mformat"), Value: []byte("v"), Version: 1, UserMeta: []byte{0}}
	huge := binary.LittleEndian.AppendUint64(nil, 1<<63)
	dir := t.TempDir()
	for name, body := range map[string][]byte{
		"garbage":            []byte("this is not a Badger backup stream, but its checksum is right"),
		"length near 2^64":   append(huge, "abc"...),
		"frame past the end": frame(t, good)[:20],
		"length cut off":     append(frame(t, good), 1, 2, 3),
		"not a KVList":       append(binary.LittleEndian.AppendUint64(nil, 3), 0xff, 0xff, 0xff),
		"no key":             frame(t, &pb.KV{Value: []byte("v"), Version: 1}),
		"no version":         frame(t, &pb.KV{Key: []byte("k"), Value: []byte("v")}),
		"value pointer bit":  frame(t, &pb.KV{Key: []byte("k"), Value: []byte("v"), Version: 1, Meta: []byte{2}}),
		"expiry":             frame(t, &pb.KV{Key: []byte("k"), Value: []byte("v"), Version: 1, ExpiresAt: 9}),
		"stream done":        frame(t, good, &pb.KV{StreamDone: true, Key: []byte("k"), Version: 1}),
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, "bad.agb")
			if err := os.WriteFile(p, backupOf(body), 0o644); err != nil {
				t.Fatal(err)
			}
			target := filepath.Join(dir, "target")
			if err := store.RestoreFile(target, p, store.DefaultOptions()); !errors.Is(err, store.ErrBadBackup) {
				t.Fatalf("restore: %v, want ErrBadBackup", err)
			}
			if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("target was created: %v", err)
			}
		})
	}
	// The same framing of a real store's entries restores.
	empty, err := store.Open(filepath.Join(dir, "empty"), store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	p := filepath.Join(dir, "good.agb")
	if err := os.WriteFile(p, backupOf(frame(t, backupKVs(t, writeBackup(t, empty, filepath.Join(dir, "empty.agb")))...)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := store.RestoreFile(filepath.Join(dir, "restored"), p, store.DefaultOptions()); err != nil {
		t.Fatalf("restore of a good frame: %v", err)
	}
}

// TestRestoreLeavesNothingHalfDone: a restore that fails after Badger has
// written leaves the target as it was (absent, or empty) and no partial
// directory behind; one that succeeds fills an empty target.
func TestRestoreLeavesNothingHalfDone(t *testing.T) {
	src := natoDB(t)
	dir := t.TempDir()
	file := writeBackup(t, src, filepath.Join(dir, "nato.agb"))
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	disk := errors.New("disk full")
	undo := store.SetRestoreFault(disk)
	for _, target := range []string{filepath.Join(dir, "absent"), empty} {
		if err := store.RestoreFile(target, file, store.DefaultOptions()); !errors.Is(err, disk) {
			t.Fatalf("restore into %s: %v, want the injected failure", filepath.Base(target), err)
		}
		entries, err := os.ReadDir(target)
		switch {
		case target == empty && (err != nil || len(entries) > 0):
			t.Errorf("the empty target holds %v after a failed restore (%v)", entries, err)
		case target != empty && !errors.Is(err, os.ErrNotExist):
			t.Errorf("the absent target exists after a failed restore (%v)", err)
		}
	}
	undo()
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	if want := []string{"empty", "nato.agb"}; !slices.Equal(names, want) {
		t.Errorf("the directory holds %v after failed restores, want %v", names, want)
	}
	before, err := os.Stat(empty)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.RestoreFile(empty, file, store.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(empty); err != nil || fi.Mode() != before.Mode() {
		t.Errorf("the restored directory's mode: %v (%v), want the empty target's %v", fi.Mode(), err, before.Mode())
	}
	dst, err := store.Open(empty, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	var a, b bytes.Buffer
	if err := src.Dump(time.Time{}, &a); err != nil {
		t.Fatal(err)
	}
	if err := dst.Dump(time.Time{}, &b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the store restored into an empty directory differs from its source")
	}
}

// backupKVs returns every entry of the backup file at path's stream.
func backupKVs(t *testing.T, path string) []*pb.KV {
	t.Helper()
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body := whole[len("alliancegraph-backup/1\n") : len(whole)-(8+sha256.Size+len("AGEND"))]
	var kvs []*pb.KV
	for len(body) > 0 {
		n := binary.LittleEndian.Uint64(body)
		var list pb.KVList
		if err := proto.Unmarshal(body[8:8+n], &list); err != nil {
			t.Fatal(err)
		}
		kvs = append(kvs, list.Kv...)
		body = body[8+n:]
	}
	return kvs
}

// TestRestoreRefusesAnInconsistentStore: a backup whose keys were
// changed and whose checksum was then recomputed frames and loads like a
// good one; the restored store is checked before it is put in place, and
// one that breaks the store's invariants (here every index entry removed,
// which made memberCount 0 while memberships exist) is refused, naming
// the violations, with the target left as it was.
func TestRestoreRefusesAnInconsistentStore(t *testing.T) {
	dir := t.TempDir()
	kvs := backupKVs(t, writeBackup(t, natoDB(t), filepath.Join(dir, "nato.agb")))
	var kept []*pb.KV
	for _, kv := range kvs {
		if !bytes.ContainsRune([]byte("FSXIKWTED"), rune(kv.Key[0])) {
			kept = append(kept, kv)
		}
	}
	if len(kept) == len(kvs) {
		t.Fatal("the backup holds no index entries to remove")
	}
	for name, kvs := range map[string][]*pb.KV{"indexes removed": kept, "as it was": kvs} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, "tampered.agb")
			if err := os.WriteFile(p, backupOf(frame(t, kvs...)), 0o644); err != nil {
				t.Fatal(err)
			}
			target := filepath.Join(t.TempDir(), "restored")
			err := store.RestoreFile(target, p, store.DefaultOptions())
			if name == "as it was" {
				if err != nil {
					t.Fatalf("restore of the re-framed backup: %v", err)
				}
				return
			}
			if !errors.Is(err, store.ErrBadBackup) || !strings.Contains(err.Error(), "breaks the store's invariants") || !strings.Contains(err.Error(), "(key ") {
				t.Fatalf("restore of a backup without index entries: %v, want ErrBadBackup naming the violations", err)
			}
			if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the target exists after a refused restore (%v)", err)
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(target), ".restored.restoring-*")); len(left) > 0 {
				t.Errorf("a refused restore left %v", left)
			}
		})
	}
}

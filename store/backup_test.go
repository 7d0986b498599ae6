package store_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

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
	file := filepath.Join(dir, "backup.agb")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Backup(f); err != nil {
		t.Fatal(err)
	}
	f.Close()

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
	if err := store.RestoreFile(target, file, store.DefaultOptions()); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("restore into a non-empty directory: %v", err)
	}
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

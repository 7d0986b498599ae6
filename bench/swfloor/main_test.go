package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/store"
)

// natoStore returns the directory of a closed store holding the NATO
// dataset.
func natoStore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(dir, store.DefaultOptions().WithSyncWrites(false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.LoadNATO(db); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// everyVersion lists every key version of the Badger directory dir as
// "key@version=value" lines, deleted versions too.
func everyVersion(t *testing.T, dir string) []string {
	t.Helper()
	db, err := badger.OpenManaged(store.DefaultOptions().Badger(dir).WithReadOnly(true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	txn := db.NewTransactionAt(math.MaxUint64, false)
	defer txn.Discard()
	o := badger.DefaultIteratorOptions
	o.AllVersions = true
	it := txn.NewIterator(o)
	defer it.Close()
	var out []string
	for it.Rewind(); it.Valid(); it.Next() {
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%x@%d=%x", it.Item().Key(), it.Item().Version(), v))
	}
	return out
}

// The streams written must make the very same store: otherwise the time
// measured is not the time of writing it.
func TestWriteCopiesTheStore(t *testing.T) {
	src := natoStore(t)
	want := everyVersion(t, src)
	for _, per := range []int{1, 7, 1 << 17} {
		t.Run(fmt.Sprint(per), func(t *testing.T) {
			streams, n, size, err := encode(store.DefaultOptions().Badger(src).WithReadOnly(true), per)
			if err != nil {
				t.Fatal(err)
			}
			defer release(streams)
			if n != len(want) || size <= 0 {
				t.Fatalf("encode read %d KVs of %d bytes; the store has %d", n, size, len(want))
			}
			if wantStreams := (n + per - 1) / per; len(streams) != wantStreams {
				t.Fatalf("%d streams for %d KVs at %d each, want %d", len(streams), n, per, wantStreams)
			}
			dst := t.TempDir()
			took, err := write(store.DefaultOptions().Badger(dst), streams, 2)
			if err != nil {
				t.Fatal(err)
			}
			if took <= 0 {
				t.Fatalf("write took %v", took)
			}
			if got := everyVersion(t, dst); !slices.Equal(got, want) {
				t.Fatalf("the copy differs: %d KVs, want %d", len(got), len(want))
			}
			db, err := store.Open(dst, store.DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if vs, err := db.Check(time.Time{}, 10); err != nil || len(vs) > 0 {
				t.Fatalf("check of the copy: %v %v", vs, err)
			}
		})
	}
}

// A load writes no deleted versions, so encode leaves them out.
func TestEncodeLeavesOutDeletes(t *testing.T) {
	dir := natoStore(t)
	db, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update("test", func(w *store.Writer) error { return w.DeleteFact("fact/brussels-located-in-belgium") }); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	all := len(everyVersion(t, dir))
	streams, n, _, err := encode(store.DefaultOptions().Badger(dir).WithReadOnly(true), 1<<17)
	if err != nil {
		t.Fatal(err)
	}
	release(streams)
	// The fact's record, locator, slug and index keys were deleted: at
	// least four versions fewer.
	if n > all-4 {
		t.Fatalf("encode read %d of %d versions after a delete", n, all)
	}
}

func TestRun(t *testing.T) {
	src := natoStore(t)
	n := len(everyVersion(t, src))
	var out, errs bytes.Buffer
	if err := run(context.Background(), []string{"-data", src, "-rounds", "2", "-stream", "50", "-out", t.TempDir()}, &out, &errs); err != nil {
		t.Fatalf("run: %v (%s)", err, errs.String())
	}
	want := regexp.MustCompile(fmt.Sprintf(`^read %d KVs \(\d+ MB of keys and values\) in %d streams; \d+ workers
round 1: StreamWriter wrote %d KVs in [0-9.]+ s \(\d+ KVs/s\)
round 2: StreamWriter wrote %d KVs in [0-9.]+ s \(\d+ KVs/s\)
$`, n, (n+49)/50, n, n))
	if !want.MatchString(out.String()) {
		t.Fatalf("output:\n%s", out.String())
	}
}

func TestRunRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "-data is required"},
		{[]string{"-data", "x", "-rounds", "0"}, "at least 1"},
		{[]string{"-data", "x", "-workers", "0"}, "at least 1"},
		{[]string{"-data", "x", "-stream", "-1"}, "at least 1"},
		{[]string{"-nope"}, "flag provided but not defined"},
		{[]string{"-data", t.TempDir() + "/missing"}, "missing"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errs bytes.Buffer
			err := run(context.Background(), tc.args, &out, &errs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("run(%q) = %v, want an error containing %q", tc.args, err, tc.want)
			}
		})
	}
}

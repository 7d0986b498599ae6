package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// bigChangeSets records, on a replica with the default memtable, a small
// write and then a 2.4 MB one (60 entities of 40 KB): more than one
// transaction holds on a replica with the smallest memtable.
func bigChangeSets(t *testing.T) [][]byte {
	t.Helper()
	var sets [][]byte
	l := &memLog{}
	src := openReplicas(t, l, 1)[0]
	src.committer = &recordingLog{memLog: l, sets: &sets}
	if _, err := src.UpdateWith(UpdateOptions{Author: "test"}, func(w *Writer) error {
		_, err := w.PutEntity(person("person/small", "Small"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := src.BulkUpdate(UpdateOptions{Author: "test"}, func(b *Bulk) error {
		for i := range 60 {
			e := person(fmt.Sprintf("person/big%d", i), "Big")
			for j := range 10 {
				e.Props = append(e.Props, domain.Prop{Key: fmt.Sprintf("p%d", j), Type: domain.PropString, Value: strings.Repeat("word ", 800)})
			}
			if _, err := b.Writer().PutEntity(e); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return sets
}

func applyAll(t *testing.T, db *DB, sets [][]byte, from int) error {
	t.Helper()
	for i := from; i < len(sets); i++ {
		cs, err := ParseChangeSet(sets[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Apply(cs, uint64(i+1)); err != nil {
			return err
		}
	}
	return nil
}

// TestReplicaAppliesMoreThanItsMemtableHolds: a node with a smaller
// memtable than the writer's must still apply every change set (it used
// to retry one that did not fit forever), showing the same store.
func TestReplicaAppliesMoreThanItsMemtableHolds(t *testing.T) {
	sets := bigChangeSets(t)
	want := openOpts(t, t.TempDir(), DefaultOptions().WithCommitter(&memLog{}))
	small := openOpts(t, t.TempDir(), DefaultOptions().WithMemTableSize(MinMemTableBytes).WithCommitter(&memLog{}))
	for _, db := range []*DB{want, small} {
		if err := applyAll(t, db, sets, 0); err != nil {
			t.Fatalf("apply: %v", err)
		}
	}
	if got, w := dumpAt(t, small, small.LastCommit()), dumpAt(t, want, want.LastCommit()); got != w {
		t.Errorf("the small replica differs:\n%.2000s\n---\n%.2000s", got, w)
	}
	if small.Revision() != 2 {
		t.Errorf("revision %d, want 2", small.Revision())
	}
}

// TestReplicaDiesBetweenChunks: a replica that stops after some chunks of
// a change set shows none of it, after reopening too (online or offline),
// and refuses offline writes; the same change set applied again
// completes it, identical to a replica that never stopped.
func TestReplicaDiesBetweenChunks(t *testing.T) {
	sets := bigChangeSets(t)
	want := openOpts(t, t.TempDir(), DefaultOptions().WithCommitter(&memLog{}))
	if err := applyAll(t, want, sets, 0); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	opts := DefaultOptions().WithMemTableSize(MinMemTableBytes).WithCommitter(&memLog{})
	db, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := applyAll(t, db, sets[:1], 0); err != nil {
		t.Fatal(err)
	}
	before := dumpAt(t, db, db.LastCommit())
	beforeTs := db.LastCommit()
	applyChunkFault = errors.New("killed between chunks")
	err = applyAll(t, db, sets, 1)
	applyChunkFault = nil
	if err == nil {
		t.Fatal("the fault did not stop the apply")
	}
	if got := dumpAt(t, db, db.LastCommit()); got != before || db.Revision() != 1 {
		t.Errorf("after the failed apply (revision %d):\n%.2000s", db.Revision(), got)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	offline, err := Open(dir, DefaultOptions().WithMemTableSize(MinMemTableBytes))
	if err != nil {
		t.Fatal(err)
	}
	if got := dumpAt(t, offline, offline.LastCommit()); got != before || !offline.LastCommit().Equal(beforeTs) {
		t.Errorf("opened offline at %v (want %v):\n%.2000s", offline.LastCommit(), beforeTs, got)
	}
	if err := offline.Update("test", func(w *Writer) error {
		_, err := w.PutEntity(person("person/local", "Local"))
		return err
	}); !errors.Is(err, ErrReplicaDir) {
		t.Errorf("an offline write: %v, want ErrReplicaDir", err)
	}
	if err := offline.Close(); err != nil {
		t.Fatal(err)
	}

	db = openOpts(t, dir, opts)
	if got := dumpAt(t, db, db.LastCommit()); got != before || db.Revision() != 1 {
		t.Errorf("reopened as a replica at revision %d:\n%.2000s", db.Revision(), got)
	}
	if err := applyAll(t, db, sets, 1); err != nil {
		t.Fatalf("applying the change set again: %v", err)
	}
	if got, w := dumpAt(t, db, db.LastCommit()), dumpAt(t, want, want.LastCommit()); got != w {
		t.Errorf("after applying again:\n%.2000s\n---\n%.2000s", got, w)
	}
	if got, w := dumpAt(t, db, beforeTs.Add(time.Nanosecond)), dumpAt(t, want, beforeTs.Add(time.Nanosecond)); got != w {
		t.Errorf("at the first commit:\n%.2000s\n---\n%.2000s", got, w)
	}
}

// TestApplyWhenOnlyTheRevisionDoesNotFit: a change set that fills one
// transaction to the last key leaves no room for the revision and the
// log's name that Apply adds; it is applied in chunks rather than
// refused (it was refused, and the follower retried it forever).
func TestApplyWhenOnlyTheRevisionDoesNotFit(t *testing.T) {
	db := openOpts(t, t.TempDir(), DefaultOptions().WithMemTableSize(MinMemTableBytes).WithCommitter(&memLog{}))
	val := []byte(strings.Repeat("v", 1000))
	key := func(i int) []byte { return metaKey(fmt.Sprintf("pad%06d", i)) }
	tiny := func(i int) []byte { return metaKey(fmt.Sprintf("t%05d", i)) }
	probe := db.bdb.NewTransactionAt(db.lastTs.Load(), true)
	n, m := 0, 0
	for ; probe.Set(key(n), val) == nil; n++ {
	}
	for ; probe.Set(tiny(m), nil) == nil; m++ {
	}
	probe.Discard()
	cs := &ChangeSet{commit: db.lastTs.Load() + 1}
	for i := range n {
		cs.ops = append(cs.ops, kvOp{key: key(i), val: val})
	}
	for i := range m {
		cs.ops = append(cs.ops, kvOp{key: tiny(i), val: nil})
	}
	if err := db.Apply(cs, 1); err != nil {
		t.Fatalf("a change set of %d keys, as many as one transaction holds: %v", n+m, err)
	}
	if db.Revision() != 1 {
		t.Errorf("revision %d, want 1", db.Revision())
	}
}

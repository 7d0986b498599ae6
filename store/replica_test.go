package store

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// memLog is an in-process replicated log for the store's own tests: it
// commits a change set if it was validated at the newest revision and
// applies it, in order, to every replica. (The etcd one is package
// cluster, tested against real etcd.)
type memLog struct {
	mu       sync.Mutex
	rev      uint64
	replicas []*DB
	stale    int // refuse this many commits with ErrStale first
}

func (l *memLog) Origin() string { return "memlog" }

func (l *memLog) Commit(cs *ChangeSet) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stale > 0 {
		l.stale--
		return ErrStale
	}
	if cs.Revision() != l.rev {
		return ErrStale
	}
	b, err := cs.MarshalBinary()
	if err != nil {
		return err
	}
	l.rev++
	for _, db := range l.replicas {
		got, err := ParseChangeSet(b)
		if err != nil {
			return err
		}
		if err := db.Apply(got, l.rev); err != nil {
			return err
		}
	}
	return nil
}

func openReplicas(t testing.TB, l *memLog, n int) []*DB {
	t.Helper()
	for range n {
		dir := t.TempDir()
		l.replicas = append(l.replicas, openOpts(t, dir, DefaultOptions().WithCommitter(l)))
	}
	return l.replicas
}

func person(id, name string) domain.Entity {
	return domain.Entity{ID: id, Kind: domain.KindPerson, Name: name}
}

func TestReplicasHoldTheSameVersions(t *testing.T) {
	l := &memLog{}
	dbs := openReplicas(t, l, 2)
	var mid time.Time
	for i := range 4 {
		at, err := dbs[i%2].UpdateWith(UpdateOptions{Author: "test"}, func(w *Writer) error {
			_, err := w.PutEntity(person(fmt.Sprintf("person/r%d", i), fmt.Sprintf("R %d", i)))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			mid = at
		}
	}
	for _, at := range []time.Time{{}, mid} {
		var dumps []string
		for _, db := range dbs {
			if db.Revision() != 4 {
				t.Fatalf("replica at revision %d, want 4", db.Revision())
			}
			rev, err := db.RevisionAt(at)
			if err != nil {
				t.Fatal(err)
			}
			ts := at
			if ts.IsZero() {
				ts = db.LastCommit()
			}
			dumps = append(dumps, fmt.Sprintf("revision %d\n%s", rev, dumpAt(t, db, ts)))
		}
		if dumps[0] != dumps[1] {
			t.Errorf("replicas differ at %v:\n%s\n---\n%s", at, dumps[0], dumps[1])
		}
	}
	if rev, _ := dbs[0].RevisionAt(mid); rev != 2 {
		t.Errorf("RevisionAt(second write's time) = %d, want 2", rev)
	}
}

func dumpAt(t *testing.T, db *DB, at time.Time) string {
	t.Helper()
	var b strings.Builder
	if err := db.Dump(at, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestReplicaWriteRetriesWhenStale(t *testing.T) {
	put := func(db *DB) error {
		_, err := db.UpdateWith(UpdateOptions{}, func(w *Writer) error {
			_, err := w.PutEntity(person("person/stale", "Stale"))
			return err
		})
		return err
	}
	l := &memLog{stale: 3}
	db := openReplicas(t, l, 1)[0]
	if err := put(db); err != nil {
		t.Fatalf("a write that lost three times: %v", err)
	}
	err := put(openReplicas(t, &memLog{stale: maxReplicaAttempts}, 1)[0])
	if domain.CodeOf(err) != domain.CodeConflict {
		t.Errorf("a write that always loses: %v, want CONFLICT", err)
	}
}

func TestApplyKeepsLogOrder(t *testing.T) {
	l := &memLog{}
	src := openReplicas(t, l, 1)[0]
	var sets [][]byte
	capture := &recordingLog{memLog: l, sets: &sets}
	src.committer = capture
	for i := range 2 {
		if _, err := src.UpdateWith(UpdateOptions{}, func(w *Writer) error {
			_, err := w.PutEntity(person(fmt.Sprintf("person/o%d", i), "O"))
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	dst := openOpts(t, t.TempDir(), DefaultOptions().WithCommitter(l))
	second, _ := ParseChangeSet(sets[1])
	first, _ := ParseChangeSet(sets[0])
	if err := dst.Apply(second, 2); err != nil {
		t.Fatal(err)
	}
	if err := dst.Apply(first, 3); !errors.Is(err, ErrReplicated) {
		t.Errorf("an older change set after a newer one: %v, want ErrReplicated", err)
	}
	if err := dst.Apply(first, 1); err != nil || dst.Revision() != 2 {
		t.Errorf("replaying an applied revision: %v, revision %d; want a no-op at 2", err, dst.Revision())
	}
}

// recordingLog is memLog that keeps every change set it commits.
type recordingLog struct {
	*memLog
	sets *[][]byte
}

func (r *recordingLog) Commit(cs *ChangeSet) error {
	b, _ := cs.MarshalBinary()
	*r.sets = append(*r.sets, b)
	return r.memLog.Commit(cs)
}

func TestParseChangeSetRefusesDamage(t *testing.T) {
	var sets [][]byte
	l := &memLog{}
	db := openReplicas(t, l, 1)[0]
	db.committer = &recordingLog{memLog: l, sets: &sets}
	if _, err := db.UpdateWith(UpdateOptions{Author: "a", Note: "n"}, func(w *Writer) error {
		_, err := w.PutEntity(person("person/p", "P"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	good := sets[0]
	if _, err := ParseChangeSet(good); err != nil {
		t.Fatal(err)
	}
	for n := range len(good) {
		if _, err := ParseChangeSet(good[:n]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("truncated to %d of %d bytes: %v, want ErrCorrupt", n, len(good), err)
		}
	}
	if _, err := ParseChangeSet(append(append([]byte(nil), good...), 0)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("trailing byte: %v", err)
	}
}

func TestReplicaDirRefusesLocalWrites(t *testing.T) {
	dir := t.TempDir()
	l := &memLog{}
	db := openOpts(t, dir, DefaultOptions().WithCommitter(l))
	l.replicas = []*DB{db}
	if err := db.Update("a", func(w *Writer) error { _, err := w.PutEntity(person("person/x", "X")); return err }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	alone := openOpts(t, dir, DefaultOptions())
	err := alone.Update("a", func(w *Writer) error { _, err := w.PutEntity(person("person/y", "Y")); return err })
	if !errors.Is(err, ErrReplicaDir) || domain.CodeOf(err) != domain.CodeForbidden {
		t.Errorf("a local write to a replica's directory: %v, want ErrReplicaDir (FORBIDDEN)", err)
	}
}

// TestReplicaRefusesAWriteTooBigForOneTransaction: a replica commits a
// write as one change set, so a bulk write that outgrows one Badger
// transaction is refused as invalid, saying how to get it in, and nothing
// reaches the log.
func TestReplicaRefusesAWriteTooBigForOneTransaction(t *testing.T) {
	l := &memLog{}
	db := openOpts(t, t.TempDir(), DefaultOptions().WithMemTableSize(MinMemTableBytes).WithCommitter(l))
	l.replicas = append(l.replicas, db)
	_, err := db.BulkUpdate(UpdateOptions{Author: "test"}, func(b *Bulk) error {
		for i := range 60 { // 40 KB each, 2.4 MB: above 15% of 8 MiB
			e := person(fmt.Sprintf("person/big%d", i), "Big")
			for j := range 10 {
				e.Props = append(e.Props, domain.Prop{Key: fmt.Sprintf("p%d", j), Type: domain.PropString, Value: strings.Repeat("word ", 800)})
			}
			if _, err := b.Writer().PutEntity(e); err != nil {
				return err
			}
			if err := b.Flush(); err != nil {
				return err
			}
		}
		return nil
	})
	if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), "cluster") || !strings.Contains(err.Error(), "smaller") {
		t.Fatalf("a 2.4 MB bulk write on a replica: %v, want ErrInvalid saying to split it", err)
	}
	if l.rev != 0 {
		t.Errorf("the log is at revision %d, want nothing committed", l.rev)
	}
}

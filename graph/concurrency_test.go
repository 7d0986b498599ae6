package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

// The two alliances states move between, and the states.
var (
	moveAlliances = []string{"org/alpha", "org/beta"}
	moveStates    = []string{"country/FIN", "country/SWE", "country/NOR", "country/DNK", "country/EST", "country/ISL"}
)

// TestMembershipMoves: 8 goroutines move states between two alliances,
// each move ending the state's open membership and starting one in the
// other alliance in one transaction, while readers, through the store and
// through GraphQL over HTTP, check every snapshot they read: each state has
// at most one membership per alliance at any day (no two of its facts with
// one alliance overlap), and exactly one open membership across the two.
// Run under -race; the checker is clean at the end.
func TestMembershipMoves(t *testing.T) {
	db, err := store.Open(t.TempDir(), store.DefaultOptions().WithSyncWrites(false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := dataset.LoadNATO(db); err != nil {
		t.Fatal(err)
	}
	cite := []domain.Citation{{Source: "doc/seed-rutte-takes-over"}}
	err = db.Update("test", func(w *store.Writer) error {
		for _, a := range moveAlliances {
			if _, err := w.PutEntity(domain.Entity{ID: a, Kind: domain.KindOrganization, Name: a}); err != nil {
				return err
			}
		}
		for _, s := range moveStates {
			f := domain.Fact{ID: "fact/move-" + s[len("country/"):] + "-0", Predicate: domain.MemberOf, From: s, To: moveAlliances[0],
				Valid: domain.Interval{From: domain.MustDate("2000-01-01")}, Citations: cite}
			if _, err := w.PutFact(f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := servertest.New(t, servertest.DB(db))
	defer srv.Stop(t)

	const movers, movesEach = 8, 25
	var moved atomic.Int64
	var wg, readers sync.WaitGroup
	stop := make(chan struct{})
	errc := make(chan error, 64)
	for m := range movers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(m), 3))
			for range movesEach {
				if err := moveState(db, moveStates[rng.IntN(len(moveStates))], cite); err != nil {
					errc <- err
					return
				}
				moved.Add(1)
			}
		}()
	}
	var storeReads, httpReads atomic.Int64
	// read starts n readers that run check until stop closes, counting
	// each check that passes.
	read := func(n int, count *atomic.Int64, check func() error) {
		for range n {
			readers.Add(1)
			go func() {
				defer readers.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if err := check(); err != nil {
						errc <- err
						return
					}
					count.Add(1)
				}
			}()
		}
	}
	read(3, &storeReads, func() error { return db.View(time.Time{}, checkMoveSnapshot) })
	read(2, &httpReads, func() error { return checkMoveHTTP(srv.URL) })
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	// One more read of each kind on the final state, whatever the timing.
	if err := db.View(time.Time{}, checkMoveSnapshot); err != nil {
		t.Error(err)
	}
	if err := checkMoveHTTP(srv.URL); err != nil {
		t.Error(err)
	}
	if moved.Load() != movers*movesEach {
		t.Errorf("%d moves, want %d", moved.Load(), movers*movesEach)
	}
	if vs, err := db.Check(time.Time{}, 0); err != nil || len(vs) > 0 {
		t.Fatalf("checker: %v %v", vs, err)
	}
	t.Logf("%d moves; %d store snapshots and %d GraphQL responses checked while moving", moved.Load(), storeReads.Load(), httpReads.Load())
}

// moveState ends s's open membership and starts one in the other
// alliance the next day, in one transaction.
func moveState(db *store.DB, s string, cite []domain.Citation) error {
	return db.Update("mover", func(w *store.Writer) error {
		open, n, err := moveFacts(&w.Reader, s)
		if err != nil {
			return err
		}
		if len(open) != 1 {
			return fmt.Errorf("%s has %d open memberships before a move", s, len(open))
		}
		cur := *open[0]
		next := domain.DateOf(cur.Valid.From.Time().AddDate(0, 0, 1))
		cur.Valid.To = next
		if _, err := w.PutFact(cur); err != nil {
			return err
		}
		to := moveAlliances[0]
		if cur.To == to {
			to = moveAlliances[1]
		}
		f := domain.Fact{ID: fmt.Sprintf("fact/move-%s-%d", s[len("country/"):], n), Predicate: domain.MemberOf, From: s, To: to,
			Valid: domain.Interval{From: next}, Citations: cite}
		_, err = w.PutFact(f)
		return err
	})
}

// moveFacts returns s's open memberships in the two alliances and how many
// it has had in them.
func moveFacts(r *store.Reader, s string) (open []*domain.Fact, n int, err error) {
	fs, err := r.Edges(s, store.EdgeFilter{Dir: store.Out, Predicates: []domain.Predicate{domain.MemberOf}})
	if err != nil {
		return nil, 0, err
	}
	for _, f := range fs {
		if !slices.Contains(moveAlliances, f.To) {
			continue
		}
		n++
		if f.Valid.To.IsZero() {
			open = append(open, f)
		}
	}
	return open, n, nil
}

// checkMoveSnapshot checks one snapshot: per state, no two memberships in
// one alliance overlap, and exactly one is open.
func checkMoveSnapshot(r *store.Reader) error {
	for _, s := range moveStates {
		fs, err := r.Edges(s, store.EdgeFilter{Dir: store.Out, Predicates: []domain.Predicate{domain.MemberOf}})
		if err != nil {
			return err
		}
		open := 0
		for i, f := range fs {
			if !slices.Contains(moveAlliances, f.To) {
				continue
			}
			if f.Valid.To.IsZero() {
				open++
			}
			for _, g := range fs[i+1:] {
				if g.To == f.To && overlaps(f.Valid, g.Valid) {
					return fmt.Errorf("snapshot %v: %s is in %s twice at once: %s %v and %s %v", r.KnownAt(), s, f.To, f.ID, f.Valid, g.ID, g.Valid)
				}
			}
		}
		if open != 1 {
			return fmt.Errorf("snapshot %v: %s has %d open memberships in the two alliances", r.KnownAt(), s, open)
		}
	}
	return nil
}

func overlaps(a, b domain.Interval) bool {
	endsAfter := func(iv domain.Interval, d domain.Date) bool { return iv.To.IsZero() || iv.To > d }
	return endsAfter(a, b.From) && endsAfter(b, a.From)
}

// checkMoveHTTP reads both alliances' members on a day after every move
// in one GraphQL request (one snapshot): every state is in exactly one.
func checkMoveHTTP(url string) error {
	q := `{ a: alliance(id: "org/alpha") { members(asOf: "2999-01-01", first: 100) { edges { node { id } } } }
	        b: alliance(id: "org/beta") { members(asOf: "2999-01-01", first: 100) { edges { node { id } } } } }`
	body, _ := json.Marshal(map[string]any{"query": q})
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r servertest.Response
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return err
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("members: %+v", r.Errors)
	}
	type conn struct {
		Members struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	var d struct{ A, B conn }
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return err
	}
	seen := map[string]int{}
	for _, c := range []conn{d.A, d.B} {
		for _, e := range c.Members.Edges {
			seen[e.Node.ID]++
		}
	}
	for _, s := range moveStates {
		if seen[s] != 1 {
			return fmt.Errorf("GraphQL: %s is a member of %d of the two alliances at once: %s", s, seen[s], r.Data)
		}
	}
	if len(seen) != len(moveStates) {
		return fmt.Errorf("GraphQL: unexpected members %v", seen)
	}
	return nil
}

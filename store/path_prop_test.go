package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestPathsMatchBFS compares Paths on random graphs with a plain
// breadth-first count of shortest paths over the same undirected
// multigraph: the lengths agree and, with a high limit, so do the counts.
// Odd seeds give graphs with hubs (one end of most edges drawn from three
// nodes); every graph is searched with the search pausing a side after
// every edge, every few edges and at the default step.
func TestPathsMatchBFS(t *testing.T) {
	for _, step := range []int{1, 3, 64} {
		t.Run(fmt.Sprint("step", step), func(t *testing.T) {
			defer store.SetPathStep(step)()
			for seed := uint64(1); seed <= 8; seed++ {
				t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { pathsMatchBFS(t, seed) })
			}
		})
	}
}

func pathsMatchBFS(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 99))
	db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 25
	adj := make([][]int, n)
	err = db.Update("test", func(w *store.Writer) error {
		if _, err := w.PutEntity(domain.Entity{ID: "doc/src", Name: "Source"}); err != nil {
			return err
		}
		for i := range n {
			if _, err := w.PutEntity(domain.Entity{ID: fmt.Sprintf("person/p%02d", i), Name: fmt.Sprintf("P %d", i)}); err != nil {
				return err
			}
		}
		for f := range 45 {
			a, b := rng.IntN(n), rng.IntN(n)
			if seed%2 == 1 && rng.IntN(4) > 0 {
				a = rng.IntN(3) // a hub
			}
			if a == b {
				continue
			}
			adj[a] = append(adj[a], b)
			adj[b] = append(adj[b], a)
			_, err := w.PutFact(domain.Fact{ID: fmt.Sprintf("fact/k%02d", f), Predicate: domain.Knows,
				From: fmt.Sprintf("person/p%02d", a), To: fmt.Sprintf("person/p%02d", b),
				Citations: []domain.Citation{{Source: "doc/src"}}})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for trial := 0; trial < 40; trial++ {
		s, d := rng.IntN(n), rng.IntN(n)
		hops := 1 + rng.IntN(6)
		dist, count := bfsCount(adj, s, d)
		if dist > hops {
			dist, count = -1, 0
		}
		// A high limit must give every shortest path; a low one that many
		// of them (the search may stop before its last layer is read).
		for _, limit := range []int{1000, 1, 3} {
			err := db.View(time.Time{}, func(r *store.Reader) error {
				ps, err := r.Paths(context.Background(), store.PathQuery{From: fmt.Sprintf("person/p%02d", s), To: fmt.Sprintf("person/p%02d", d), MaxHops: hops, Limit: limit})
				if err != nil {
					return err
				}
				if want := min(count, limit); len(ps) != want {
					t.Errorf("%d -> %d, limit %d: %d paths, want %d (BFS: %d of length %d)", s, d, limit, len(ps), want, count, dist)
				}
				seen := map[string]bool{}
				for _, p := range ps {
					if len(p)-1 != dist {
						t.Errorf("%d -> %d: path length %d, BFS distance %d", s, d, len(p)-1, dist)
					}
					key := pathKey(t, p)
					if seen[key] {
						t.Errorf("%d -> %d: path %s twice", s, d, key)
					}
					seen[key] = true
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}

// pathKey checks that each step of p follows its fact from the previous
// entity, and returns the path's facts in order.
func pathKey(t *testing.T, p store.Path) string {
	t.Helper()
	key := p[0].Entity.ID
	for i := 1; i < len(p); i++ {
		f, from, to := p[i].Fact, p[i-1].Entity.ID, p[i].Entity.ID
		if !p[i].Out {
			from, to = to, from
		}
		if f.From != from || f.To != to {
			t.Errorf("step %d: fact %s (%s -> %s) does not join %s and %s", i, f.ID, f.From, f.To, p[i-1].Entity.ID, p[i].Entity.ID)
		}
		key += " " + f.ID
	}
	return key
}

// bfsCount returns the distance from s to d and the number of shortest
// paths (each parallel edge counts separately); distance -1 if none.
func bfsCount(adj [][]int, s, d int) (int, int) {
	dist := make([]int, len(adj))
	ways := make([]int, len(adj))
	for i := range dist {
		dist[i] = -1
	}
	dist[s], ways[s] = 0, 1
	queue := []int{s}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, v := range adj[u] {
			if dist[v] < 0 {
				dist[v] = dist[u] + 1
				queue = append(queue, v)
			}
			if dist[v] == dist[u]+1 {
				ways[v] += ways[u]
			}
		}
	}
	if dist[d] < 0 {
		return -1, 0
	}
	return dist[d], ways[d]
}

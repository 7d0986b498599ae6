package store_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/store"
)

// TestPathsMatchBFS compares Paths on random graphs with a plain
// breadth-first count of shortest paths over the same undirected
// multigraph: the lengths agree and, with a high limit, so do the counts.
func TestPathsMatchBFS(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			const n = 25
			adj := make([][]int, n)
			err = db.Update("test", func(w *store.Writer) error {
				if _, err := w.PutEntity(store.Entity{ID: "doc/src", Name: "Source"}); err != nil {
					return err
				}
				for i := range n {
					if _, err := w.PutEntity(store.Entity{ID: fmt.Sprintf("person/p%02d", i), Name: fmt.Sprintf("P %d", i)}); err != nil {
						return err
					}
				}
				for f := range 45 {
					a, b := rng.IntN(n), rng.IntN(n)
					if a == b {
						continue
					}
					adj[a] = append(adj[a], b)
					adj[b] = append(adj[b], a)
					_, err := w.PutFact(store.Fact{ID: fmt.Sprintf("fact/k%02d", f), Predicate: store.Knows,
						From: fmt.Sprintf("person/p%02d", a), To: fmt.Sprintf("person/p%02d", b),
						Citations: []store.Citation{{Source: "doc/src"}}})
					if err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for trial := 0; trial < 20; trial++ {
				s, d := rng.IntN(n), rng.IntN(n)
				dist, count := bfsCount(adj, s, d)
				err := db.View(time.Time{}, func(r *store.Reader) error {
					ps, err := r.Paths(store.PathQuery{From: fmt.Sprintf("person/p%02d", s), To: fmt.Sprintf("person/p%02d", d), MaxHops: 6, Limit: 1000})
					if err != nil {
						return err
					}
					if dist > 6 {
						dist, count = -1, 0
					}
					if len(ps) != count {
						t.Errorf("%d -> %d: %d paths, BFS counts %d (distance %d)", s, d, len(ps), count, dist)
					}
					for _, p := range ps {
						if len(p)-1 != dist {
							t.Errorf("%d -> %d: path length %d, BFS distance %d", s, d, len(p)-1, dist)
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
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

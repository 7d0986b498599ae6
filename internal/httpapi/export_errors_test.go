package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

// bigDB builds a graph of n KNOWS facts between n/10 people, enough that
// an export takes many writes.
func buildKnowsGraph(db *store.DB, people, facts int) error {
	err := db.Update("test", func(w *store.Writer) error {
		_, err := w.PutEntity(domain.Entity{ID: "doc/synthetic", Name: "Synthetic source"})
		for i := 0; err == nil && i < people; i++ {
			_, err = w.PutEntity(domain.Entity{ID: fmt.Sprintf("person/p%06d", i), Name: fmt.Sprintf("Person %d", i)})
		}
		return err
	})
	for start := 0; err == nil && start < facts; start += 5000 {
		err = db.Update("test", func(w *store.Writer) error {
			for i := start; i < min(start+5000, facts); i++ {
				from, to := i%people, (i/people+1+i)%people
				if from == to {
					to = (to + 1) % people
				}
				_, err := w.PutFact(domain.Fact{ID: fmt.Sprintf("fact/k%07d", i), Predicate: domain.Knows,
					From: fmt.Sprintf("person/p%06d", from), To: fmt.Sprintf("person/p%06d", to),
					Valid:     domain.Interval{From: domain.Date(10000 + i%5000)},
					Citations: []domain.Citation{{Source: "doc/synthetic"}}})
				if err != nil {
					return err
				}
			}
			return nil
		})
	}
	return err
}

// TestExportHTTPClientGoesAway: a client that stops reading and hangs up
// part-way ends the export on the server, which has then written only part
// of the file.
func TestExportHTTPClientGoesAway(t *testing.T) {
	var written atomic.Int64
	done := make(chan struct{}, 2) // one per request, when its handler returns
	srv := servertest.New(t,
		servertest.Load(func(db *store.DB) error { return buildKnowsGraph(db, 2000, 20000) }),
		servertest.Wrap(func(inner http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer func() { done <- struct{}{} }()
				defer func() {
					if p := recover(); p != nil && p != http.ErrAbortHandler {
						panic(p)
					}
				}()
				inner.ServeHTTP(&countingResponse{ResponseWriter: w, n: &written}, r)
			})
		}))
	full := func() int {
		_, b := servertest.GetExport(t, srv.URL, "graphml", nil)
		return len(b)
	}()
	<-done

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/export?format=graphml", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	written.Store(0)
	if _, err := io.ReadFull(resp.Body, make([]byte, 4096)); err != nil {
		t.Fatal(err)
	}
	cancel()
	resp.Body.Close()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the export went on after the client left")
	}
	if n := written.Load(); n >= int64(full) {
		t.Errorf("server wrote %d bytes of a %d-byte export after the client left", n, full)
	}
}

type countingResponse struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c *countingResponse) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n.Add(int64(n))
	return n, err
}

func (c *countingResponse) Unwrap() http.ResponseWriter { return c.ResponseWriter }

package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// heldInStore is a field's context that stops the field the second time
// Err is asked: the first look is acquireSearch's, before it takes a
// search slot; the second is the store's, while the count reads under
// that slot. It tells holding, then waits for gate.
type heldInStore struct {
	context.Context
	looks   atomic.Int32
	holding chan<- struct{}
	gate    <-chan struct{}
}

func (c *heldInStore) Err() error {
	if c.looks.Add(1) == 2 {
		c.holding <- struct{}{}
		<-c.gate
	}
	return c.Context.Err()
}

// TestOneQueryTakesOneSearchSlot: the search slots (--max-searches) are
// shared by every request, and a query of many counts (issue 17 item 7's
// 15 aliased totalCount) ran its fields at once, each taking a slot, so
// one client with one request in flight held every slot and every other
// client's path search waited behind all its counts (in the attack soak,
// normal reads went from a p99 of 10 ms to a second). One operation now
// holds one slot at a time: while one of its counts reads, its others
// wait, and another client's path search takes a free slot and answers.
func TestOneQueryTakesOneSearchSlot(t *testing.T) {
	holding := make(chan struct{}, 3)
	gate := make(chan struct{})
	srv := servertest.New(t, servertest.OnDisk(), servertest.Load(loadSynthetic), servertest.Config(func(c *httpapi.Config) {
		c.MaxSearches = 2
		c.Limits.Timeout = 10 * time.Second
		c.FieldHook = func(ctx context.Context, next graphql.Resolver) (any, error) {
			if graphql.GetFieldContext(ctx).Field.Alias == "held" {
				ctx = &heldInStore{Context: ctx, holding: holding, gate: gate}
			}
			return next(ctx)
		}
	}))
	var counts strings.Builder
	counts.WriteString("{ ")
	for i := range 3 {
		fmt.Fprintf(&counts, "k%d: facts(predicate: KNOWS, first: 1) { held: totalCount } ", i)
	}
	counts.WriteString("}")
	type answer struct {
		r   servertest.Response
		err error
	}
	done := make(chan answer, 1)
	go func() {
		r, err := postQuery(srv.URL, counts.String())
		done <- answer{r, err}
	}()
	released := false
	release := func() {
		if !released {
			released = true
			close(gate)
		}
	}
	defer release()
	select {
	case <-holding:
	case a := <-done:
		t.Fatalf("the counts answered before any of them read: %s %+v %v", a.r.Data, a.r.Errors, a.err)
	case <-time.After(answerBound):
		t.Fatal("no count took a search slot")
	}

	// One count holds a slot and reads; the other slot is free for
	// another client's search.
	g := servertest.GQL(t, srv.URL, "", `{ path(from: "person/p0000001", to: "person/p0000002", maxHops: 3) { length } }`, nil)
	if len(g.Errors) > 0 {
		t.Errorf("a path search while one query's count holds a slot: %+v, want an answer", g.Errors)
	}
	if n := len(holding); n > 0 {
		t.Errorf("%d more counts of the same query took a slot while its first one held one", n)
	}
	release()
	a := <-done
	if a.err != nil {
		t.Fatal(a.err)
	}
	var d map[string]struct{ Held int }
	if len(a.r.Errors) > 0 || json.Unmarshal(a.r.Data, &d) != nil || len(d) != 3 {
		t.Fatalf("the counts: %s %+v", a.r.Data, a.r.Errors)
	}
	for k, v := range d {
		if v.Held != syntheticShape.Knows {
			t.Errorf("%s: totalCount %d, want %d", k, v.Held, syntheticShape.Knows)
		}
	}
}

// postQuery posts q to url's /graphql and decodes the answer, for use off
// the test's goroutine.
func postQuery(url, q string) (servertest.Response, error) {
	var r servertest.Response
	body, _ := json.Marshal(map[string]string{"query": q})
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return r, err
	}
	defer resp.Body.Close()
	return r, json.NewDecoder(resp.Body).Decode(&r)
}

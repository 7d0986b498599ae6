package cluster_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentEndsOfOneFact: two writers end the same fact at once
// through different nodes; one wins, the other is told CONFLICT, and
// every node shows the winner's end only.
func TestConcurrentEndsOfOneFact(t *testing.T) {
	etcd := startEtcd(t, 1)
	c := newAGCluster(t, etcd.endpoints(), 2)
	urls := []string{c.start(0).URL, c.start(1).URL}
	const end = `mutation($id: ID!, $to: Date!) { endFact(input: {id: $id, validTo: $to}) { fact { validTo } } }`
	for _, country := range []string{"bel", "can", "dnk", "isl", "ita", "lux"} {
		id := "fact/" + country + "-member-of-nato"
		ends := []string{"2030-01-01", "2031-01-01"}
		replies := make([]reply, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 2 {
			wg.Go(func() {
				<-start
				replies[i], errs[i] = gql(t.Context(), urls[i], end, map[string]any{"id": id, "to": ends[i]}, 0)
			})
		}
		close(start)
		wg.Wait()
		won := -1
		for i, r := range replies {
			switch {
			case errs[i] != nil:
				t.Fatalf("%s through node %d: %v", id, i, errs[i])
			case len(r.Errors) == 0 && won == -1:
				won = i
			case len(r.Errors) == 0:
				t.Fatalf("%s: both ends succeeded: %s and %s", id, replies[0].Data, replies[1].Data)
			case r.code() != "CONFLICT":
				t.Fatalf("%s through node %d: %s (%s), want CONFLICT", id, i, r.Errors[0].Message, r.code())
			}
		}
		if won == -1 {
			t.Fatalf("%s: neither end succeeded: %+v %+v", id, replies[0].Errors, replies[1].Errors)
		}
		rev := max(replies[0].Extensions.Revision, replies[1].Extensions.Revision)
		for i, u := range urls {
			got := mustGQL(t, u, `query($id: ID!) { fact(id: $id) { validTo } }`, map[string]any{"id": id}, rev)
			if want := fmt.Sprintf(`"validTo":"%s"`, ends[won]); !bytes.Contains(got.Data, []byte(want)) {
				t.Errorf("%s on node %d: %s, want the winner's end %s", id, i, got.Data, ends[won])
			}
		}
	}
}

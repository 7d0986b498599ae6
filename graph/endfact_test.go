package graph_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

const endFactQ = `mutation($in: EndFactInput!) { endFact(input: $in) { fact { id validTo } } }`

func endFactVars(id, validTo string, expected any) map[string]any {
	in := map[string]any{"id": id, "validTo": validTo}
	if expected != nil {
		in["expectedValidTo"] = expected
	}
	return map[string]any{"in": in}
}

// storedEnd reads a fact's validTo straight from the store.
func storedEnd(t *testing.T, db *store.DB, id string) string {
	t.Helper()
	var end string
	err := db.View(db.LastCommit(), func(r *store.Reader) error {
		f, err := r.Fact(id)
		if err == nil {
			end = f.Valid.To.String()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return end
}

// TestEndFactOnEndedFact: ending a fact that already has an end would
// silently replace that end; it is CONFLICT unless the caller names the
// end it expects to replace.
func TestEndFactOnEndedFact(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	const id = "fact/fin-member-of-nato"
	send := func(validTo string, expected any) func() servertest.Response {
		return func() servertest.Response {
			return servertest.GQL(t, srv.URL, servertest.AliceToken, endFactQ, endFactVars(id, validTo, expected))
		}
	}
	refused(t, db, "CONFLICT", "fact/fin-member-of-nato is open, not ending on 2030-01-01 (expectedValidTo)", send("2031-01-01", "2030-01-01"))
	servertest.OK(t, send("2030-01-01", nil)(), nil)
	refused(t, db, "CONFLICT", "fact/fin-member-of-nato already ended on 2030-01-01: pass expectedValidTo: \"2030-01-01\" to move that end, or use correctFact", send("2031-01-01", nil))
	refused(t, db, "CONFLICT", "fact/fin-member-of-nato ends on 2030-01-01, not 2029-01-01 (expectedValidTo)", send("2031-01-01", "2029-01-01"))
	var e struct {
		EndFact struct{ Fact struct{ ValidTo string } }
	}
	servertest.OK(t, send("2031-01-01", "2030-01-01")(), &e)
	if e.EndFact.Fact.ValidTo != "2031-01-01" || storedEnd(t, db, id) != "2031-01-01" {
		t.Errorf("endFact with the right expectedValidTo: answered %+v, stored %s", e, storedEnd(t, db, id))
	}
	servertest.Check(t, db)
}

// TestConcurrentEndFacts: writers racing to end one open fact with
// different dates: exactly one is told ok, the others CONFLICT, and the
// stored end is the winner's.
func TestConcurrentEndFacts(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	const id = "fact/swe-member-of-nato"
	ends := make([]string, 16)
	codes := make([]string, len(ends))
	var wg sync.WaitGroup
	for i := range ends {
		ends[i] = fmt.Sprintf("2030-01-%02d", i+1)
		wg.Go(func() {
			r := servertest.GQL(t, srv.URL, []string{servertest.AliceToken, servertest.BobToken}[i%2], endFactQ, endFactVars(id, ends[i], nil))
			codes[i] = r.Code()
			if len(r.Errors) == 0 {
				var e struct {
					EndFact struct{ Fact struct{ ValidTo string } }
				}
				json.Unmarshal(r.Data, &e)
				if e.EndFact.Fact.ValidTo != ends[i] {
					t.Errorf("writer %d was told the end is %q, want %s", i, e.EndFact.Fact.ValidTo, ends[i])
				}
			}
		})
	}
	wg.Wait()
	winner := -1
	for i, c := range codes {
		switch c {
		case "":
			if winner >= 0 {
				t.Errorf("writers %d and %d were both told ok", winner, i)
			}
			winner = i
		case "CONFLICT":
		default:
			t.Errorf("writer %d: code %s", i, c)
		}
	}
	if winner < 0 {
		t.Fatal("no writer won")
	}
	if got := storedEnd(t, db, id); got != ends[winner] {
		t.Errorf("stored end %s, but the writer told ok set %s", got, ends[winner])
	}
	servertest.Check(t, db)
}

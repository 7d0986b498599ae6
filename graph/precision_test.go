package graph_test

import (
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestDatePrecisionThroughAPI: a fact written with a month-precision
// validFrom shows it as MONTH, an exact bound shows DAY and an open one
// null; a bound that is not where its precision stores it is refused with
// BAD_USER_INPUT on assert and on correct, and the store is left alone.
func TestDatePrecisionThroughAPI(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	in := func(from string) map[string]any {
		return map[string]any{
			"predicate": "KNOWS", "from": "person/mark-rutte", "to": "person/jens-stoltenberg",
			"validFrom":  from,
			"properties": []any{map[string]any{"key": "validFromPrecision", "value": "month"}},
			"citations":  seedCite(),
		}
	}
	refused(t, db, "BAD_USER_INPUT", "validFrom 2010-10-14 is not the first day of its month", func() servertest.Response {
		return servertest.GQL(t, srv.URL, servertest.AliceToken, assertFactQ, map[string]any{"in": in("2010-10-14")})
	})

	var a struct {
		AssertFact struct{ Fact struct{ ID string } }
	}
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, assertFactQ, map[string]any{"in": in("2010-10-01")}), &a)
	id := a.AssertFact.Fact.ID

	const read = `query($id: ID!) { fact(id: $id) { validFrom validFromPrecision validTo validToPrecision } }`
	type bounds struct {
		Fact struct {
			ValidFrom          string
			ValidFromPrecision *string
			ValidTo            *string
			ValidToPrecision   *string
		}
	}
	var b bounds
	servertest.OK(t, servertest.GQL(t, srv.URL, "", read, map[string]any{"id": id}), &b)
	if b.Fact.ValidFrom != "2010-10-01" || b.Fact.ValidFromPrecision == nil || *b.Fact.ValidFromPrecision != "MONTH" ||
		b.Fact.ValidTo != nil || b.Fact.ValidToPrecision != nil {
		t.Fatalf("month-precision fact reads %+v", b.Fact)
	}

	refused(t, db, "BAD_USER_INPUT", "validFromPrecision month requires", func() servertest.Response {
		return servertest.GQL(t, srv.URL, servertest.AliceToken, `mutation($id: ID!) { correctFact(input: {id: $id, validFrom: "2010-10-14"}) { fact { id } } }`, map[string]any{"id": id})
	})

	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, `mutation($id: ID!) { endFact(input: {id: $id, validTo: "2024-10-01"}) { fact { id } } }`, map[string]any{"id": id}), nil)
	b = bounds{}
	servertest.OK(t, servertest.GQL(t, srv.URL, "", read, map[string]any{"id": id}), &b)
	if b.Fact.ValidTo == nil || *b.Fact.ValidTo != "2024-10-01" || b.Fact.ValidToPrecision == nil || *b.Fact.ValidToPrecision != "DAY" {
		t.Fatalf("ended fact reads %+v", b.Fact)
	}
}

package graph_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

// refused asserts that a request fails with code and a message containing
// msg, and that the store did not change.
func refused(t *testing.T, db *store.DB, code, msg string, send func() servertest.Response) {
	t.Helper()
	before, last := servertest.Dump(t, db), db.LastCommit()
	r := send()
	if r.Code() != code || !strings.Contains(r.Errors[0].Message, msg) {
		t.Errorf("got %s %q, want %s containing %q", r.Code(), r.FirstMessage(), code, msg)
	}
	if after := servertest.Dump(t, db); after != before || !db.LastCommit().Equal(last) {
		t.Errorf("a refused write changed the store")
	}
}

const assertFactQ = `mutation($in: AssertFactInput!) { assertFact(input: $in) { clientMutationId fact { id predicate validFrom validTo from { id } to { id } citations { source { id } span { start end } } } } }`

func seedCite() []any {
	return []any{map[string]any{"source": "doc/seed-rutte-takes-over", "span": map[string]any{"start": 38, "end": 106}}}
}

func TestMutationsNeedAToken(t *testing.T) {
	upsert := `mutation { upsertEntity(input: {id: "place/x", kind: PLACE, name: "X"}) { changed } }`
	for _, tt := range []struct {
		name, token, code, msg string
		edit                   func(*httpapi.Config)
	}{
		{"no header", "", "UNAUTHENTICATED", "Authorization: Bearer", nil},
		{"wrong token", "alice-0123456789abcdeX", "UNAUTHENTICATED", "not valid", nil},
		{"read-only mirror", servertest.AliceToken, "FORBIDDEN", "read-only", func(c *httpapi.Config) { c.Policy.ReadOnly = true }},
		{"no tokens configured", servertest.AliceToken, "FORBIDDEN", "no tokens are configured", func(c *httpapi.Config) { c.Policy.Tokens = nil }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := servertest.New(t, servertest.OnDisk(), servertest.Config(tt.edit))
			db := srv.DB
			refused(t, db, tt.code, tt.msg, func() servertest.Response { return servertest.GQL(t, srv.URL, tt.token, upsert, nil) })
			// Reads stay open.
			var d struct{ Country struct{ Name string } }
			servertest.OK(t, servertest.GQL(t, srv.URL, "", `{ country(id: "country/FIN") { name } }`, nil), &d)
			if d.Country.Name != "Finland" {
				t.Errorf("read: %+v", d)
			}
		})
	}
}

func TestUpsertEntity(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	q := `mutation($in: UpsertEntityInput!) { upsertEntity(input: $in) { clientMutationId changed entity { id name aliases externalIds { scheme value } properties { key type value } } } }`
	type payload struct {
		UpsertEntity struct {
			ClientMutationID string
			Changed          bool
			Entity           struct {
				ID, Name    string
				Aliases     []string
				ExternalIds []struct{ Scheme, Value string }
			}
		}
	}
	in := map[string]any{"clientMutationId": "m1", "id": "place/the-hague", "kind": "PLACE", "name": "The Hague", "aliases": []string{"Den Haag"},
		"properties": []any{map[string]any{"key": "population", "type": "INT", "value": "550000"}}}
	var p payload
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, q, map[string]any{"in": in}), &p)
	if !p.UpsertEntity.Changed || p.UpsertEntity.Entity.ID != "place/the-hague" || p.UpsertEntity.ClientMutationID != "m1" {
		t.Errorf("create: %+v", p)
	}
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, q, map[string]any{"in": in}), &p)
	if p.UpsertEntity.Changed {
		t.Errorf("same upsert again changed the entity")
	}
	// By external ID: created under a derived ID, then found by it.
	byX := map[string]any{"kind": "PLACE", "name": "Vilnius", "externalIds": []any{map[string]any{"scheme": "wikidata", "value": "Q216"}}}
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, q, map[string]any{"in": byX}), &p)
	if p.UpsertEntity.Entity.ID != "place/wikidata-Q216" {
		t.Errorf("by external ID: %+v", p)
	}
	byX["name"] = "Vilnius, Lithuania"
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, q, map[string]any{"in": byX}), &p)
	if p.UpsertEntity.Entity.ID != "place/wikidata-Q216" || p.UpsertEntity.Entity.Name != "Vilnius, Lithuania" || !p.UpsertEntity.Changed {
		t.Errorf("update by external ID: %+v", p)
	}
	var h struct{ History []struct{ Op, Author string } }
	servertest.OK(t, servertest.GQL(t, srv.URL, "", `{ history(id: "place/wikidata-Q216") { op author } }`, nil), &h)
	if fmt.Sprint(h.History) != "[{CREATE alice} {UPDATE alice}]" {
		t.Errorf("history: %v", h.History)
	}
	// Refusals.
	refused(t, db, "CONFLICT", "already belongs to place/wikidata-Q216", func() servertest.Response {
		return servertest.GQL(t, srv.URL, servertest.AliceToken, q, map[string]any{"in": map[string]any{"id": "place/other", "kind": "PLACE", "name": "O",
			"externalIds": []any{map[string]any{"scheme": "wikidata", "value": "Q216"}}}})
	})
	refused(t, db, "BAD_USER_INPUT", "needs an id or at least one external ID", func() servertest.Response {
		return servertest.GQL(t, srv.URL, servertest.AliceToken, q, map[string]any{"in": map[string]any{"kind": "PLACE", "name": "O"}})
	})
	refused(t, db, "BAD_USER_INPUT", "not a valid value", func() servertest.Response {
		return servertest.GQL(t, srv.URL, servertest.AliceToken, q, map[string]any{"in": map[string]any{"id": "place/o", "kind": "PLACE", "name": "O",
			"properties": []any{map[string]any{"key": "founded", "type": "DATE", "value": "1949-02-30"}}}})
	})
	servertest.Check(t, db)
}

func TestFactMutations(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	// assertFact: Rutte is a citizen of the Netherlands, from his birth.
	var a struct {
		AssertFact struct {
			ClientMutationID string
			Fact             struct {
				ID, Predicate, ValidFrom string
				ValidTo                  *string
				From, To                 struct{ ID string }
				Citations                []struct{ Source struct{ ID string } }
			}
		}
	}
	in := map[string]any{"clientMutationId": "c1", "predicate": "KNOWS", "from": "person/mark-rutte", "to": "person/jens-stoltenberg",
		"validFrom": "2010-10-14", "citations": seedCite()}
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, assertFactQ, map[string]any{"in": in}), &a)
	f := a.AssertFact.Fact
	if f.ID != "fact/mark-rutte-knows-jens-stoltenberg-2010-10-14" || f.Predicate != "KNOWS" || f.From.ID != "person/mark-rutte" || a.AssertFact.ClientMutationID != "c1" || len(f.Citations) != 1 {
		t.Fatalf("assertFact: %+v", a)
	}
	refused(t, db, "CONFLICT", "already exists", func() servertest.Response {
		return servertest.GQL(t, srv.URL, servertest.AliceToken, assertFactQ, map[string]any{"in": in})
	})
	// endFact sets validTo.
	var e struct {
		EndFact struct{ Fact struct{ ValidTo string } }
	}
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.BobToken, `mutation { endFact(input: {id: "`+f.ID+`", validTo: "2024-10-01"}) { fact { validTo } } }`, nil), &e)
	if e.EndFact.Fact.ValidTo != "2024-10-01" {
		t.Errorf("endFact: %+v", e)
	}
	// addCitation adds one; adding the same again changes nothing.
	addQ := `mutation { addCitation(input: {factId: "` + f.ID + `", citation: {source: "doc/seed-rutte-takes-over", url: "https://example.org/a", retrieved: "2026-11-26"}}) { fact { citations { url retrieved } } } }`
	var c struct {
		AddCitation struct {
			Fact struct{ Citations []struct{ URL *string } }
		}
	}
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, addQ, nil), &c)
	last := db.LastCommit()
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, addQ, nil), &c)
	if len(c.AddCitation.Fact.Citations) != 2 || !db.LastCommit().Equal(last) {
		t.Errorf("addCitation: %+v (second identical add committed: %v)", c, !db.LastCommit().Equal(last))
	}
	refused(t, db, "BAD_USER_INPUT", "not a Document", func() servertest.Response {
		return servertest.GQL(t, srv.URL, servertest.AliceToken, `mutation { addCitation(input: {factId: "`+f.ID+`", citation: {source: "country/FIN"}}) { fact { id } } }`, nil)
	})
	// correctFact changes dates; retractFact removes it from current reads.
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, `mutation { correctFact(input: {id: "`+f.ID+`", validFrom: "2010-10-15"}) { fact { validFrom } } }`, nil), nil)
	beforeRetract := db.LastCommit()
	var rt struct{ RetractFact struct{ RemovedIds []string } }
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.BobToken, `mutation { retractFact(input: {id: "`+f.ID+`", clientMutationId: "r"}) { clientMutationId removedIds } }`, nil), &rt)
	if fmt.Sprint(rt.RetractFact.RemovedIds) != "["+f.ID+"]" {
		t.Errorf("retractFact: %+v", rt)
	}
	if r := servertest.GQL(t, srv.URL, "", `{ fact(id: "`+f.ID+`") { id } }`, nil); r.Code() != "NOT_FOUND" {
		t.Errorf("retracted fact still read: %s %+v", r.Data, r.Errors)
	}
	var old struct{ Fact struct{ ValidFrom string } }
	servertest.OK(t, servertest.GQL(t, srv.URL, "", `query($at: DateTime) { fact(id: "`+f.ID+`", knownAt: $at) { validFrom } }`, map[string]any{"at": beforeRetract}), &old)
	if old.Fact.ValidFrom != "2010-10-15" {
		t.Errorf("earlier knownAt lost the retracted fact: %+v", old)
	}
	refused(t, db, "NOT_FOUND", "fact/none", func() servertest.Response {
		return servertest.GQL(t, srv.URL, servertest.AliceToken, `mutation { retractFact(input: {id: "fact/none"}) { removedIds } }`, nil)
	})
	// deleteEntity retracts the entity's facts too.
	var d struct{ DeleteEntity struct{ RemovedIds []string } }
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, `mutation { deleteEntity(input: {id: "person/mark-rutte"}) { removedIds } }`, nil), &d)
	if len(d.DeleteEntity.RemovedIds) < 3 || d.DeleteEntity.RemovedIds[0] != "person/mark-rutte" {
		t.Errorf("deleteEntity: %+v", d)
	}
	var h struct {
		Office struct{ Holder *struct{ ID string } }
	}
	servertest.OK(t, servertest.GQL(t, srv.URL, "", `{ office(id: "office/nato-secretary-general") { holder(asOf: "2025-01-01") { id } } }`, nil), &h)
	if h.Office.Holder != nil {
		t.Errorf("deleted person still holds the office: %+v", h)
	}
	refused(t, db, "CONFLICT", "still referenced", func() servertest.Response {
		return servertest.GQL(t, srv.URL, servertest.AliceToken, `mutation { deleteEntity(input: {id: "doc/seed-rutte-takes-over"}) { removedIds } }`, nil)
	})
	servertest.Check(t, db)
}

// TestValidationRules: each rule refuses with its own code and message,
// and nothing is written.
func TestValidationRules(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	fact := func(edit func(map[string]any)) map[string]any {
		in := map[string]any{"predicate": "MEMBER_OF", "from": "country/UKR", "to": "org/nato", "validFrom": "2030-01-01", "citations": seedCite()}
		edit(in)
		return map[string]any{"in": in}
	}
	for _, tt := range []struct {
		name, code, msg string
		vars            map[string]any
	}{
		{"unknown entity", "BAD_USER_INPUT", "unknown entity: country/XXX", fact(func(m map[string]any) { m["from"] = "country/XXX" })},
		{"wrong kinds", "BAD_USER_INPUT", "MEMBER_OF cannot start at a Person", fact(func(m map[string]any) { m["from"] = "person/mark-rutte" })},
		{"wrong target kind", "BAD_USER_INPUT", "HOLDS cannot point to a Organization", fact(func(m map[string]any) { m["predicate"] = "HOLDS"; m["from"] = "person/mark-rutte" })},
		{"validTo not after validFrom", "BAD_USER_INPUT", "validTo 2029-12-31 is not after validFrom 2030-01-01", fact(func(m map[string]any) { m["validTo"] = "2029-12-31" })},
		{"validTo equal to validFrom", "BAD_USER_INPUT", "is not after", fact(func(m map[string]any) { m["validTo"] = "2030-01-01" })},
		{"malformed date", "BAD_USER_INPUT", "2030-02-30", fact(func(m map[string]any) { m["validFrom"] = "2030-02-30" })},
		{"malformed date text", "BAD_USER_INPUT", "want YYYY-MM-DD", fact(func(m map[string]any) { m["validFrom"] = "1.1.2030" })},
		{"overlapping membership", "CONFLICT", "country/FIN would be a member of org/nato twice at once: it overlaps fact/fin-member-of-nato", fact(func(m map[string]any) { m["from"] = "country/FIN"; m["validFrom"] = "2024-01-01" })},
		{"two holders of one office", "CONFLICT", "office/nato-secretary-general has one holder at a time, and person/mark-rutte holds it", fact(func(m map[string]any) {
			m["predicate"], m["from"], m["to"], m["validFrom"] = "HOLDS", "person/donald-trump", "office/nato-secretary-general", "2025-01-01"
		})},
		{"no citation", "BAD_USER_INPUT", "has no citation", fact(func(m map[string]any) { m["citations"] = []any{} })},
		{"citation of an unknown source", "BAD_USER_INPUT", "unknown entity: doc/none", fact(func(m map[string]any) { m["citations"] = []any{map[string]any{"source": "doc/none"}} })},
	} {
		t.Run(tt.name, func(t *testing.T) {
			refused(t, db, tt.code, tt.msg, func() servertest.Response {
				return servertest.GQL(t, srv.URL, servertest.AliceToken, assertFactQ, tt.vars)
			})
		})
	}
	t.Run("endFact before its start", func(t *testing.T) {
		refused(t, db, "BAD_USER_INPUT", "is not after validFrom 2023-04-04", func() servertest.Response {
			return servertest.GQL(t, srv.URL, servertest.AliceToken, `mutation { endFact(input: {id: "fact/fin-member-of-nato", validTo: "2020-01-01"}) { fact { id } } }`, nil)
		})
	})
	t.Run("correction that overlaps", func(t *testing.T) {
		refused(t, db, "CONFLICT", "one holder at a time", func() servertest.Response {
			return servertest.GQL(t, srv.URL, servertest.AliceToken, `mutation { correctFact(input: {id: "fact/mark-rutte-holds-nato-secretary-general-2024", validFrom: "2024-09-01"}) { fact { id } } }`, nil)
		})
	})
	servertest.Check(t, db)
}

// TestParallelUpsertsOneEntity: 32 concurrent upserts of one new external
// ID create exactly one entity.
func TestParallelUpsertsOneEntity(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	q := `mutation($n: String!) { upsertEntity(input: {kind: PLACE, name: $n, externalIds: [{scheme: "geonames", value: "2960316"}]}) { entity { id } } }`
	var wg sync.WaitGroup
	ids := make([]string, 32)
	errs := make([]string, 32)
	for i := range 32 {
		wg.Go(func() {
			r := servertest.GQL(t, srv.URL, servertest.AliceToken, q, map[string]any{"n": fmt.Sprintf("Luxembourg %d", i)})
			var p struct {
				UpsertEntity struct{ Entity struct{ ID string } }
			}
			if len(r.Errors) > 0 {
				errs[i] = r.FirstMessage()
				return
			}
			json.Unmarshal(r.Data, &p)
			ids[i] = p.UpsertEntity.Entity.ID
		})
	}
	wg.Wait()
	for i := range 32 {
		if errs[i] != "" || ids[i] != "place/geonames-2960316" {
			t.Errorf("upsert %d: id %q, error %q", i, ids[i], errs[i])
		}
	}
	var d struct{ Entities struct{ TotalCount int } }
	servertest.OK(t, servertest.GQL(t, srv.URL, "", `{ entities(kind: PLACE, first: 100) { totalCount edges { node { externalIds { value } } } } }`, nil), &d)
	n := 0
	db.View(db.LastCommit(), func(r *store.Reader) error {
		es, err := r.ByKind(domain.KindPlace, "", 0)
		for _, e := range es {
			if e.XIDs["geonames"] == "2960316" {
				n++
			}
		}
		return err
	})
	if n != 1 {
		t.Errorf("%d entities with the external ID, want 1", n)
	}
	servertest.Check(t, db)
}

// TestConcurrentConflictingAssertFact: many writers claim one
// single-holder office for overlapping terms at once; exactly one wins.
func TestConcurrentConflictingAssertFact(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	people := []string{"person/mark-rutte", "person/jens-stoltenberg", "person/donald-trump"}
	var wg sync.WaitGroup
	codes := make([]string, 24)
	for i := range codes {
		wg.Go(func() {
			in := map[string]any{"id": fmt.Sprintf("fact/claim-%d", i), "predicate": "HOLDS", "from": people[i%3],
				"to": "office/prime-minister-of-norway", "validFrom": fmt.Sprintf("2031-01-%02d", 1+i), "citations": seedCite()}
			codes[i] = servertest.GQL(t, srv.URL, []string{servertest.AliceToken, servertest.BobToken}[i%2], assertFactQ, map[string]any{"in": in}).Code()
		})
	}
	wg.Wait()
	won := 0
	for i, c := range codes {
		switch c {
		case "":
			won++
		case "CONFLICT":
		default:
			t.Errorf("claim %d: code %s", i, c)
		}
	}
	if won != 1 {
		t.Errorf("%d claims won, want exactly 1", won)
	}
	servertest.Check(t, db)
}

// TestHistoryWorkedExample is the README's worked example: Sweden's
// accession date changed by mistake, the mistake retracted and the right
// fact asserted again, and both states read back with knownAt.
func TestHistoryWorkedExample(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	loaded := db.LastCommit()
	id := "fact/swe-member-of-nato"
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, `mutation { correctFact(input: {id: "`+id+`", validFrom: "2024-03-08"}) { fact { validFrom } } }`, nil), nil)
	mistake := db.LastCommit()
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.BobToken, `mutation { retractFact(input: {id: "`+id+`"}) { removedIds } }`, nil), nil)
	in := map[string]any{"id": id, "predicate": "MEMBER_OF", "from": "country/SWE", "to": "org/nato", "validFrom": "2024-03-07",
		"event": "event/nato-accession-2024-03-07", "citations": []any{map[string]any{"source": "doc/sweden-gov-nato-member"}}}
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.BobToken, assertFactQ, map[string]any{"in": in}), nil)
	var h struct {
		History []struct {
			Op, Author, ID string
			Predicate      *string
		}
	}
	servertest.OK(t, servertest.GQL(t, srv.URL, "", `{ history(id: "`+id+`") { at author op id predicate } }`, nil), &h)
	var got []string
	for _, e := range h.History {
		got = append(got, e.Op+" by "+e.Author)
	}
	if strings.Join(got, ", ") != "CREATE by dataset, UPDATE by alice, DELETE by bob, CREATE by bob" {
		t.Errorf("history: %v", got)
	}
	for _, tt := range []struct {
		at   any
		want string
	}{{loaded, "2024-03-07"}, {mistake, "2024-03-08"}, {nil, "2024-03-07"}} {
		var f struct{ Fact struct{ ValidFrom string } }
		servertest.OK(t, servertest.GQL(t, srv.URL, "", `query($at: DateTime) { fact(id: "`+id+`", knownAt: $at) { validFrom } }`, map[string]any{"at": tt.at}), &f)
		if f.Fact.ValidFrom != tt.want {
			t.Errorf("knownAt %v: validFrom %s, want %s", tt.at, f.Fact.ValidFrom, tt.want)
		}
	}
	servertest.Check(t, db)
}

// TestTokensNeverLogged: the server's log mentions neither a valid nor a
// wrong token, whatever the request did.
func TestTokensNeverLogged(t *testing.T) {
	srv := servertest.New(t, servertest.KeepLog())
	for _, tok := range []string{servertest.AliceToken, "wrong-token-0123456789"} {
		servertest.GQL(t, srv.URL, tok, `mutation { upsertEntity(input: {id: "place/x", kind: PLACE, name: "X"}) { changed } }`, nil)
		servertest.GQL(t, srv.URL, tok, `mutation { assertFact(input: {predicate: KNOWS, from: "person/x", to: "person/y", citations: []}) { fact { id } } }`, nil)
		servertest.PostImport(t, srv.URL, tok, "application/jsonl", "", []byte("{bad\n"))
	}
	logs := srv.Log()
	if logs == "" {
		t.Fatal("nothing was logged; the test would prove nothing")
	}
	for _, tok := range []string{servertest.AliceToken, "wrong-token-0123456789"} {
		if strings.Contains(logs, tok) {
			t.Errorf("the log contains a token")
		}
	}
}

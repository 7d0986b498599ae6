package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

// lastCommit returns the transaction time of the newest commit in dir.
func lastCommit(t *testing.T, dir string) time.Time {
	t.Helper()
	db, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return db.LastCommit()
}

// userWrites makes one write of every kind the API has, over HTTP, as
// alice: each changes something the curated dataset also holds.
func userWrites(t *testing.T, url string) {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(servertest.Root(t), "dataset", "testdata", "wikidata_memberships.json"))
	if err != nil {
		t.Fatal(err)
	}
	// First, while Sweden's membership is as the dataset has it: the
	// import cites Wikidata on it and adds Wikidata QIDs to the states.
	if status, out := servertest.PostImport(t, url, servertest.AliceToken, "application/sparql-results+json", "", body); status != 200 {
		t.Fatalf("POST /import: %d %v", status, out)
	}
	for _, m := range []string{
		`mutation { upsertEntity(input: {id: "country/NOR", kind: COUNTRY, name: "Norge", aliases: ["Kongeriket Norge"],
		   externalIds: [{scheme: "iso3", value: "NOR"}]}) { entity { id } } }`,
		// Sweden leaves and rejoins: endFact, then a second membership.
		`mutation { endFact(input: {id: "fact/swe-member-of-nato", validTo: "2025-06-01", citation: {source: "doc/sweden-gov-nato-member"}}) { fact { id } } }`,
		`mutation { assertFact(input: {id: "fact/swe-rejoin", predicate: MEMBER_OF, from: "country/SWE", to: "org/nato",
		   validFrom: "2026-01-01", citations: [{source: "doc/sweden-gov-nato-member"}]}) { fact { id } } }`,
		`mutation { correctFact(input: {id: "fact/hastings-ismay-holds-nato-secretary-general-1952", validFrom: "1952-03-24",
		   citation: {source: "doc/nato-declassified-ismay"}}) { fact { id } } }`,
		`mutation { retractFact(input: {id: "fact/accession-2024-follows-invasion-2022"}) { removedIds } }`,
		`mutation { deleteEntity(input: {id: "person/kamala-harris"}) { removedIds } }`,
		`mutation { addCitation(input: {factId: "fact/fra-member-of-nato", citation: {source: "doc/thenational-nato-members-2023"}}) { fact { id } } }`,
		`mutation { ingestDocument(input: {text: "Norge and Finland met in Brussels.", title: "A meeting"}) { document { id } } }`,
	} {
		servertest.OK(t, servertest.GQL(t, url, servertest.AliceToken, m, nil), nil)
	}
}

// TestRestartKeepsEveryWrite: a write of every kind, then two restarts;
// the restarts commit nothing, the store checks clean and dumps the same
// bytes, and the user's values are what the API answers. Each start used
// to load the curated dataset over the store, undoing the writes (and the
// re-membership made the next start fail: it overlapped the dataset's
// open-ended Swedish membership).
func TestRestartKeepsEveryWrite(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.New(t, servertest.Command(Run), servertest.Dir(dir))
	userWrites(t, srv.URL)
	srv.Stop(t)
	before, last := dump(t, dir), lastCommit(t, dir)

	for i := range 2 {
		srv := servertest.New(t, servertest.Command(Run), servertest.Dir(dir))
		r := servertest.Query(t, srv.URL, `{ nor: entity(id: "country/NOR") { name }
		  swe: fact(id: "fact/swe-member-of-nato") { validTo }
		  rejoin: fact(id: "fact/swe-rejoin") { validFrom }
		  nato: alliance(id: "org/nato") { memberCount(asOf: "2024-10-01") } }`)
		want := `{"nor":{"name":"Norge"},"swe":{"validTo":"2025-06-01"},"rejoin":{"validFrom":"2026-01-01"},"nato":{"memberCount":32}}`
		if string(r.Data) != want || len(r.Errors) > 0 {
			t.Errorf("start %d: %s %+v\nwant %s", i+2, r.Data, r.Errors, want)
		}
		srv.Stop(t)
	}
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"check", "--data", dir}, &out, io.Discard); err != nil {
		t.Fatalf("check after the restarts: %v\n%s", err, out.String())
	}
	if after := dump(t, dir); !bytes.Equal(before, after) {
		t.Errorf("the restarts changed the store:\n%s", firstDiff(before, after))
	}
	if got := lastCommit(t, dir); !got.Equal(last) {
		t.Errorf("the restarts committed: last commit %v, was %v", got, last)
	}
}

// firstDiff returns the first line where two dumps differ, from each.
func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "before: " + x + "\nafter:  " + y
		}
	}
	return ""
}

package graph_test

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

const upsertNameQ = `mutation($n: String!) { upsertEntity(input: {id: "place/u", kind: PLACE, name: $n}) { entity { name } } }`

// storedName reads place/u's name from the store ("" if there is none).
func storedName(t *testing.T, db *store.DB) string {
	t.Helper()
	name := ""
	db.View(db.LastCommit(), func(r *store.Reader) error {
		if e, err := r.Entity("place/u"); err == nil {
			name = e.Name
		}
		return nil
	})
	return name
}

// TestLoneSurrogatesRefused: a \u escape of half a UTF-16 surrogate pair
// in a GraphQL string literal, or in the JSON of a request (its variables
// or its query text), is refused with BAD_USER_INPUT naming where, and
// nothing is written; encoding/json and gqlparser used to store U+FFFD in
// its place.
func TestLoneSurrogatesRefused(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	auth := map[string]string{"Authorization": "Bearer " + servertest.AliceToken}
	literal := func(name string) []byte {
		return servertest.JSONBody(t, map[string]any{"query": `mutation { upsertEntity(input: {id: "place/u", kind: PLACE,
  name: "` + name + `"}) { entity { name } } }`})
	}
	for _, tc := range []struct {
		name   string
		body   []byte // POST, or GET when query is set
		query  string
		params string
		status int
		msg    string
	}{
		{name: "high surrogate in a literal", body: literal(`X\ud800`), status: 200, msg: `line 2, column 11: \ud800 is half of a UTF-16 surrogate pair`},
		{name: "low surrogate in a literal", body: literal(`\uDC00X`), status: 200, msg: `line 2, column 10: \uDC00 is half of a UTF-16 surrogate pair`},
		{name: "high surrogate then a letter in a literal", body: literal(`\ud83d\u0041`), status: 200, msg: `line 2, column 10: \ud83d is half`},
		{name: "braced surrogate in a literal", body: literal(`\u{D800}`), status: 200, msg: `line 2, column 10: \u{D800} is half`},
		{name: "in a variable", body: []byte(`{"query":"` + strings.ReplaceAll(upsertNameQ, `"`, `\"`) + `","variables":{"n":"X\ud800"}}`), status: 400, msg: `variable $n: \ud800 is half of a UTF-16 surrogate pair`},
		{name: "in the JSON of the query text", body: []byte(`{"query":"mutation { upsertEntity(input: {id: \"place/u\", kind: PLACE, name: \"\udfff\"}) { changed } }"}`), status: 400, msg: `query: \udfff is half of a UTF-16 surrogate pair`},
		{name: "in a GET variable", query: `query($q: String!) { search(query: $q) { score } }`, params: "&variables=" + url.QueryEscape(`{"q":"\ud800"}`), status: 400, msg: `variable $q: \ud800 is half`},
		{name: "in a GET literal", query: `{ search(query: "\ud800") { score } }`, status: 200, msg: `line 1, column 18: \ud800 is half`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := servertest.Dump(t, db)
			var r servertest.Reply
			if tc.query != "" {
				r = servertest.Send(t, "GET", srv.URL+"/graphql?query="+url.QueryEscape(tc.query)+tc.params, "", nil, nil)
			} else {
				r = servertest.Send(t, "POST", srv.URL+"/graphql", "application/json", bytes.NewReader(tc.body), auth)
			}
			g := r.GQL(t)
			if r.Status != tc.status || g.Code() != "BAD_USER_INPUT" || !strings.Contains(g.FirstMessage(), tc.msg) {
				t.Errorf("status %d, %s %q; want %d BAD_USER_INPUT with %q", r.Status, g.Code(), g.FirstMessage(), tc.status, tc.msg)
			}
			if servertest.Dump(t, db) != before {
				t.Errorf("the store changed; place/u is named %q", storedName(t, db))
			}
		})
	}
}

// TestReplacementCharacterAccepted: U+FFFD that a client really sends,
// typed as the character or as \ufffd, in a literal or a variable, is
// stored; so is a character outside the BMP written as a surrogate pair.
func TestReplacementCharacterAccepted(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	auth := map[string]string{"Authorization": "Bearer " + servertest.AliceToken}
	for _, tc := range []struct {
		name string
		body string
		want string
	}{
		{"escape in a literal", `{"query":"mutation { upsertEntity(input: {id: \"place/u\", kind: PLACE, name: \"A\\ufffd\"}) { changed } }"}`, "A\ufffd"},
		{"character in a literal", `{"query":"mutation { upsertEntity(input: {id: \"place/u\", kind: PLACE, name: \"B` + "\ufffd" + `\"}) { changed } }"}`, "B\ufffd"},
		{"JSON escape in a variable", `{"query":"` + strings.ReplaceAll(upsertNameQ, `"`, `\"`) + `","variables":{"n":"C\ufffd"}}`, "C\ufffd"},
		{"character in a variable", `{"query":"` + strings.ReplaceAll(upsertNameQ, `"`, `\"`) + `","variables":{"n":"D` + "\ufffd" + `"}}`, "D\ufffd"},
		{"pair in a literal", `{"query":"mutation { upsertEntity(input: {id: \"place/u\", kind: PLACE, name: \"E\\ud83d\\ude00\"}) { changed } }"}`, "E\U0001F600"},
		{"pair in a variable", `{"query":"` + strings.ReplaceAll(upsertNameQ, `"`, `\"`) + `","variables":{"n":"F\ud83d\ude00"}}`, "F\U0001F600"},
		{"escaped backslash before u", `{"query":"` + strings.ReplaceAll(upsertNameQ, `"`, `\"`) + `","variables":{"n":"G\\ud800"}}`, `G\ud800`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := servertest.Send(t, "POST", srv.URL+"/graphql", "application/json", strings.NewReader(tc.body), auth)
			if g := r.GQL(t); r.Status != 200 || len(g.Errors) > 0 {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			if got := storedName(t, db); got != tc.want {
				t.Errorf("stored %q, want %q", got, tc.want)
			}
		})
	}
}

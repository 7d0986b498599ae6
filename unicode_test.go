package main

import (
	"bytes"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	srv, db := newWriteServer(t, nil)
	auth := map[string]string{"Authorization": "Bearer " + aliceToken}
	literal := func(name string) []byte {
		return jsonBody(t, map[string]any{"query": `mutation { upsertEntity(input: {id: "place/u", kind: PLACE,
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
			before := storeDump(t, db)
			var r reply
			if tc.query != "" {
				r = send(t, "GET", srv.URL+"/graphql?query="+url.QueryEscape(tc.query)+tc.params, "", nil, nil)
			} else {
				r = send(t, "POST", srv.URL+"/graphql", "application/json", bytes.NewReader(tc.body), auth)
			}
			g := r.gql(t)
			if r.status != tc.status || g.code() != "BAD_USER_INPUT" || !strings.Contains(firstMessage(g), tc.msg) {
				t.Errorf("status %d, %s %q; want %d BAD_USER_INPUT with %q", r.status, g.code(), firstMessage(g), tc.status, tc.msg)
			}
			if storeDump(t, db) != before {
				t.Errorf("the store changed; place/u is named %q", storedName(t, db))
			}
		})
	}
}

// TestReplacementCharacterAccepted: U+FFFD that a client really sends,
// typed as the character or as \ufffd, in a literal or a variable, is
// stored; so is a character outside the BMP written as a surrogate pair.
func TestReplacementCharacterAccepted(t *testing.T) {
	srv, db := newWriteServer(t, nil)
	auth := map[string]string{"Authorization": "Bearer " + aliceToken}
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
			r := send(t, "POST", srv.URL+"/graphql", "application/json", strings.NewReader(tc.body), auth)
			if g := r.gql(t); r.status != 200 || len(g.Errors) > 0 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if got := storedName(t, db); got != tc.want {
				t.Errorf("stored %q, want %q", got, tc.want)
			}
		})
	}
}

// TestJSONLUnicodeRefused: a JSON Lines import with a byte that is not
// UTF-8 or a lone surrogate escape is refused naming the file, line and
// field, by the import command and by POST /import, and nothing is
// written; the same line with U+FFFD sent on purpose imports.
func TestJSONLUnicodeRefused(t *testing.T) {
	head := `{"type":"header","format":"alliancegraph-jsonl","version":1}` + "\n"
	entity := func(name, alias string) string {
		return head + `{"type":"entity","id":"place/u","kind":"Place","name":"` + name + `","aliases":["ok","` + alias + `"]}` + "\n"
	}
	srv, db := newWriteServer(t, nil)
	for _, tc := range []struct {
		name, file, want string
	}{
		{"bad byte in a name", entity("X\xff", "a"), `u.jsonl:2: name: not valid UTF-8 (byte 0xff)`},
		{"bad byte in an alias", entity("X", "a\xc3"), `u.jsonl:2: aliases[1]: not valid UTF-8 (byte 0xc3)`},
		{"lone high surrogate in a name", entity(`X\ud800`, "a"), `u.jsonl:2: name: \ud800 is half of a UTF-16 surrogate pair`},
		{"lone low surrogate in an alias", entity("X", `\uDFFFa`), `u.jsonl:2: aliases[1]: \uDFFF is half of a UTF-16 surrogate pair`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := storeDump(t, db)
			status, out := postImportAs(t, srv.URL, aliceToken, "application/jsonl", "u.jsonl", []byte(tc.file))
			if status != 400 || !strings.Contains(mustJSON(out), "BAD_USER_INPUT") || !strings.Contains(mustJSON(out), strings.ReplaceAll(tc.want, `\`, `\\`)) {
				t.Errorf("POST /import: %d %s, want 400 BAD_USER_INPUT with %q", status, mustJSON(out), tc.want)
			}
			if storeDump(t, db) != before {
				t.Error("POST /import changed the store")
			}
			file := filepath.Join(t.TempDir(), "u.jsonl")
			os.WriteFile(file, []byte(tc.file), 0o644)
			dir := t.TempDir()
			err := run(t.Context(), []string{"import", "--data", dir, file}, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("import command: %v, want %q", err, tc.want)
			}
		})
	}
	for name, file := range map[string]string{"escape": entity(`X\ufffd`, `\ud83d\ude00`), "character": entity("X\ufffd", "\U0001F600")} {
		status, out := postImportAs(t, srv.URL, aliceToken, "application/jsonl", "u.jsonl", []byte(file))
		if status != 200 || storedName(t, db) != "X\ufffd" {
			t.Errorf("U+FFFD sent on purpose (%s): %d %s, stored %q", name, status, mustJSON(out), storedName(t, db))
		}
	}
}

package graph_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestBadInput sends bad input of each kind through HTTP: each answers
// with its documented status and extensions.code, never a 500, and a
// normal query succeeds right after.
func TestBadInput(t *testing.T) {
	srv := servertest.New(t)
	deep := `{ entity(id: "org/nato") { ` + strings.Repeat("relations(first: 1) { edges { node { from { ", 3) + "id" + strings.Repeat(" } } } }", 3) + " } }"
	for _, tc := range []struct {
		name        string
		contentType string
		body        string
		status      int // 200 even for a query that does not parse or validate (application/json)
		code        string
		msg         string // a word the message must contain
	}{
		{"malformed date", "", `{ alliance(id: "org/nato") { memberCount(asOf: "2024-13-01") } }`, 200, "BAD_USER_INPUT", "Date"},
		{"date not a string", "", `{ alliance(id: "org/nato") { memberCount(asOf: 20240101) } }`, 200, "BAD_USER_INPUT", "Date"},
		{"malformed datetime", "", `{ alliance(id: "org/nato", knownAt: "yesterday") { name } }`, 200, "BAD_USER_INPUT", "DateTime"},
		{"unknown ID", "", `{ alliance(id: "org/warsaw-pact") { name } }`, 200, "NOT_FOUND", "org/warsaw-pact"},
		{"malformed ID", "", `{ country(id: "FIN") { name } }`, 200, "BAD_USER_INPUT", "FIN"},
		{"wrong kind", "", `{ alliance(id: "country/FIN") { name } }`, 200, "NOT_FOUND", "Country"},
		{"page too large", "", `{ alliance(id: "org/nato") { members(first: 100000) { totalCount } } }`, 200, "LIMIT_EXCEEDED", "page size"},
		{"negative page", "", `{ alliance(id: "org/nato") { members(first: -1) { totalCount } } }`, 200, "BAD_USER_INPUT", "negative"},
		{"bad cursor", "", `{ alliance(id: "org/nato") { members(after: "nope") { totalCount } } }`, 200, "BAD_USER_INPUT", "cursor"},
		{"syntax error", "", `{ alliance(id: `, 200, "BAD_USER_INPUT", ""},
		{"unknown field", "", `{ alliances { name } }`, 200, "BAD_USER_INPUT", "alliances"},
		{"huge integer", "", `{ alliance(id: "org/nato") { members(first: 99999999999999999999) { totalCount } } }`, 200, "BAD_USER_INPUT", ""},
		{"too deep", "", deep, 200, "LIMIT_EXCEEDED", "depth"},
		{"empty search", "", `{ search(query: "  !! ") { score } }`, 200, "BAD_USER_INPUT", "search"},
		{"accessions reversed", "", `{ alliance(id: "org/nato") { accessions(from: "2024-01-01", to: "2023-01-01") { date } } }`, 200, "BAD_USER_INPUT", "before"},
		{"too many aliases", "", "{ " + aliases(16) + " }", 200, "LIMIT_EXCEEDED", "alias"},
		{"too many directives", "", `{ alliance(id: "org/nato") { ` + strings.Repeat("name @include(if: true) ", 11) + ` } }`, 200, "LIMIT_EXCEEDED", "directive"},
		{"too many tokens", "", "{ " + strings.Repeat("a ", 10001) + " }", 200, "BAD_USER_INPUT", "token"},
		{"text/plain body", "text/plain", `{"query":"{ __typename }"}`, 415, "BAD_USER_INPUT", "application/json"},
		{"form body", "application/x-www-form-urlencoded", `query=%7B__typename%7D`, 415, "BAD_USER_INPUT", "application/json"},
		{"not JSON", "application/json", `{"query":`, 400, "BAD_USER_INPUT", "JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var status int
			var body []byte
			if tc.contentType == "" {
				status, body = servertest.Post(t, srv.URL, tc.body, nil)
			} else {
				status, body = servertest.PostRaw(t, srv.URL, tc.contentType, []byte(tc.body))
			}
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, body)
			}
			var r servertest.Response
			if err := json.Unmarshal(body, &r); err != nil {
				t.Fatalf("body is not a GraphQL response: %s", body)
			}
			if len(r.Errors) == 0 {
				t.Fatalf("no error: %s", body)
			}
			if tc.code != "" && r.Code() != tc.code {
				t.Errorf("code %q, want %s: %s", r.Code(), tc.code, body)
			}
			if !strings.Contains(r.Errors[0].Message, tc.msg) {
				t.Errorf("message %q does not mention %q", r.Errors[0].Message, tc.msg)
			}
			if ok := servertest.Query(t, srv.URL, `{ alliance(id: "org/nato") { name } }`); len(ok.Errors) > 0 {
				t.Errorf("normal query failed after: %+v", ok.Errors)
			}
		})
	}
}

// TestBodyLimit: a body over 100 KiB is refused with 413 before gqlgen
// parses it.
func TestBodyLimit(t *testing.T) {
	srv := servertest.New(t)
	big := `{"query":"{ __typename }","variables":{"pad":"` + strings.Repeat("x", 200<<10) + `"}}`
	status, body := servertest.PostRaw(t, srv.URL, "application/json", []byte(big))
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "LIMIT_EXCEEDED") {
		t.Fatalf("status %d: %s", status, body)
	}
}

// TestComplexity: a cheap query passes and a query that multiplies page
// sizes is refused before it runs.
func TestComplexity(t *testing.T) {
	srv := servertest.New(t)
	cheap := `{ alliance(id: "org/nato") { members(first: 100) { edges { node { id name } fact { citations { source { id } } } } } } }`
	if r := servertest.Query(t, srv.URL, cheap); len(r.Errors) > 0 {
		t.Fatalf("cheap query refused: %+v", r.Errors)
	}
	for _, q := range []string{
		`{ path(from: "person/mark-rutte", to: "country/FIN") { length steps { entity { id } fact { id } } } }`,
		`{ neighborhood(ids: ["org/nato"]) { nodes { id } facts { id citations { source { id } } } } }`,
		`{ timeline(first: 100) { edges { node { date fact { id } event { id } concerns { id } } } } }`,
		`{ search(query: "nato", first: 100) { entity { id } } }`,
	} {
		if r := servertest.Query(t, srv.URL, q); len(r.Errors) > 0 {
			t.Errorf("cheap query %s refused: %+v", q, r.Errors)
		}
	}
	for _, costly := range []string{
		`{ alliance(id: "org/nato") { members(first: 100) { edges { node { relations(first: 100) { edges { node { id from { id } } } } } } } } }`,
		`{ neighborhood(ids: ["org/nato"], depth: 6, maxNodes: 10000) { nodes { id } facts { id citations { source { id } } } } }`,
		`{ path(from: "country/FIN", to: "country/SWE", maxHops: 6, limit: 100) { steps { entity { id } fact { id from { id } to { id } } } } }`,
	} {
		r := servertest.Query(t, srv.URL, costly)
		if r.Code() != "LIMIT_EXCEEDED" || !strings.Contains(r.Errors[0].Message, "complexity") {
			t.Errorf("costly query %s: %+v", costly, r.Errors)
		}
	}
}

// aliases returns n aliased fields.
func aliases(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a%d: __typename ", i)
	}
	return b.String()
}

// TestErrorMessageIsTheResolversWords: an error that carries a code is
// shown with the words its resolver returned, cleaned by domain.Message,
// and nothing of how gqlgen prints an error for programs (the
// "input:line:column: path " that gqlerror's Error puts in front): the
// location and the path are the response's own fields.
func TestErrorMessageIsTheResolversWords(t *testing.T) {
	db, err := store.Open(t.TempDir(), store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update("test", func(w *store.Writer) error {
		_, err := w.PutEntity(domain.Entity{ID: "country/FIN", Name: "Finland"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	refuse := func(w http.ResponseWriter, r *http.Request, err error) { httpapi.WriteError(w, r, nil, err) }
	srv := httptest.NewServer(graph.NewHandler(&graph.Resolver{DB: db}, graph.DefaultLimits(), graph.Socket{}, slog.New(slog.DiscardHandler), refuse))
	defer srv.Close()
	for _, tc := range []struct {
		query, code, msg string
	}{
		{`{ fact(id: "fact/nope") { id } }`, "NOT_FOUND", "not found: fact/nope"},
		{`{ alliance(id: "country/FIN") { name } }`, "NOT_FOUND", "not found: no Organization with ID country/FIN (it is a Country)"},
		{`{ country(id: "FIN") { name } }`, "BAD_USER_INPUT", `ID "FIN" is not <kind>/<key>`},
	} {
		t.Run(tc.query, func(t *testing.T) {
			resp, err := http.Post(srv.URL, "application/json", strings.NewReader(fmt.Sprintf(`{"query": %q}`, tc.query)))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var r struct {
				Errors []struct {
					Message    string
					Extensions struct{ Code string }
				}
			}
			if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || len(r.Errors) != 1 {
				t.Fatalf("errors %+v, %v; want one", r.Errors, err)
			}
			if e := r.Errors[0]; e.Extensions.Code != tc.code || e.Message != tc.msg {
				t.Errorf("%s %q, want %s %q", e.Extensions.Code, e.Message, tc.code, tc.msg)
			}
		})
	}
}

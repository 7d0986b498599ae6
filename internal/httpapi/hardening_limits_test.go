package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/coder/websocket"

	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// hostile is one hostile or broken request and what it must get.
type hostile struct {
	name        string
	method      string // default POST
	contentType string // default application/json
	body        []byte // POST body
	query       string // GET: the query parameter
	params      string // GET: more parameters, URL-encoded, each after "&"
	auth        bool   // send alice's token
	header      map[string]string
	status      int
	code        string // extensions.code of the first error
	msg         string // a word the message must contain
	data        string // when no error is expected: the data
	plain       bool   // answered by net/http itself, not as JSON
	maxBody     int    // when set: the answer's body must be smaller
}

// TestHostileRequests sends each item of the hardening issue's list
// through real HTTP and checks its documented status and code (README,
// "Limits" and "Hardening"), and that a normal query succeeds right
// after. Nothing here may reach a resolver as INTERNAL or a 500.
func TestHostileRequests(t *testing.T) {
	srv := servertest.New(t)
	db := srv.DB
	q := func(s string) []byte { return servertest.JSONBody(t, map[string]any{"query": s}) }
	qv := func(s string, vars map[string]any) []byte {
		return servertest.JSONBody(t, map[string]any{"query": s, "variables": vars})
	}
	members := `query($n: Int) { alliance(id: "org/nato") { members(first: $n) { totalCount } } }`
	directives := "{ __typename " + strings.Repeat("@include(if: true) ", 100000) + "}"
	cases := []hostile{
		// Malformed queries: parse errors are BAD_USER_INPUT with a location,
		// answered 200 with application/json (GraphQL over HTTP).
		{name: "unclosed selection", body: q(`{ alliance(id: "org/nato") { name }`), status: 200, code: "BAD_USER_INPUT", msg: "Expected"},
		{name: "unterminated string", body: q(`{ search(query: "nato) { score } }`), status: 200, code: "BAD_USER_INPUT", msg: "Unexpected"},
		{name: "stray punctuation", body: q(`{ alliance(id: "org/nato") { name } } }`), status: 200, code: "BAD_USER_INPUT", msg: "Unexpected"},
		{name: "empty query", body: q(""), status: 400, code: "BAD_USER_INPUT", msg: "no query"},
		{name: "no query member", body: []byte(`{}`), status: 400, code: "BAD_USER_INPUT", msg: "no query"},
		{name: "body not JSON", body: []byte(`{"query":`), status: 400, code: "BAD_USER_INPUT", msg: "not valid JSON"},
		{name: "body a JSON string", body: []byte(`"{ __typename }"`), status: 400, code: "BAD_USER_INPUT", msg: "JSON object"},
		{name: "query not a string", body: []byte(`{"query": 5}`), status: 400, code: "BAD_USER_INPUT", msg: "query must be a string"},
		{name: "several operations, none named", body: q(`query A { __typename } query B { __typename }`), status: 200, code: "BAD_USER_INPUT", msg: "operationName"},
		// Persisted queries: gqlgen's refusals came out as INTERNAL.
		{name: "persisted query hash mismatch", body: []byte(`{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`), status: 200, code: "BAD_USER_INPUT", msg: "sha256Hash is not the SHA-256 of the query"},
		{name: "persisted query version", body: []byte(`{"query":"{ __typename }","extensions":{"persistedQuery":{"version":2,"sha256Hash":"abc"}}}`), status: 200, code: "BAD_USER_INPUT", msg: "version 1"},
		{name: "persisted query not an object", body: []byte(`{"query":"{ __typename }","extensions":{"persistedQuery":"abc"}}`), status: 200, code: "BAD_USER_INPUT", msg: "{\"version\": 1, \"sha256Hash\""},
		{name: "persisted query unknown hash", body: []byte(`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`), status: 200, code: "BAD_USER_INPUT", msg: "PersistedQueryNotFound"},
		// Wrong variable types.
		{name: "string for Int", body: qv(members, map[string]any{"n": "ten"}), status: 200, code: "BAD_USER_INPUT", msg: "Int"},
		{name: "float for Int", body: qv(members, map[string]any{"n": 1.5}), status: 200, code: "BAD_USER_INPUT", msg: "Int"},
		{name: "object for Date", body: qv(`query($d: Date) { alliance(id: "org/nato") { memberCount(asOf: $d) } }`, map[string]any{"d": map[string]any{"y": 2024}}), status: 200, code: "BAD_USER_INPUT", msg: "Date"},
		{name: "missing required variable", body: q(`query($id: ID!) { entity(id: $id) { id } }`), status: 200, code: "BAD_USER_INPUT", msg: "must be defined"},
		{name: "variables not an object", body: []byte(`{"query":"{ __typename }","variables":[1]}`), status: 400, code: "BAD_USER_INPUT", msg: "variables must be an object"},
		// Huge integers.
		{name: "huge integer literal", body: q(`{ alliance(id: "org/nato") { members(first: 99999999999999999999) { totalCount } } }`), status: 200, code: "BAD_USER_INPUT"},
		{name: "huge integer variable", body: []byte(`{"query":"query($n: Int) { alliance(id: \"org/nato\") { members(first: $n) { totalCount } } }","variables":{"n":1e30}}`), status: 200, code: "BAD_USER_INPUT", msg: "Int"},
		{name: "int64 variable over the page size", body: qv(members, map[string]any{"n": int64(1) << 40}), status: 200, code: "LIMIT_EXCEEDED", msg: "page size"},
		// Invalid UTF-8, refused before parsing rather than replaced by U+FFFD.
		{name: "invalid UTF-8 in query text", body: []byte("{\"query\":\"{ \xff }\"}"), status: 400, code: "BAD_USER_INPUT", msg: "UTF-8"},
		{name: "invalid UTF-8 in a string literal", body: []byte("{\"query\":\"{ search(query: \\\"\xc3\\\") { score } }\"}"), status: 400, code: "BAD_USER_INPUT", msg: "UTF-8"},
		{name: "invalid UTF-8 in variables", body: []byte("{\"query\":\"query($q: String!) { search(query: $q) { score } }\",\"variables\":{\"q\":\"\xfe\xff\"}}"), status: 400, code: "BAD_USER_INPUT", msg: "UTF-8"},
		{name: "invalid UTF-8 in a GET query", method: "GET", query: "{ search(query: \"\xff\") { score } }", status: 400, code: "BAD_USER_INPUT", msg: "UTF-8"},
		// Half a UTF-16 surrogate pair, refused rather than read as U+FFFD.
		{name: "lone surrogate escape in a string literal", body: q(`{ search(query: "x\ud800") { score } }`), status: 200, code: "BAD_USER_INPUT", msg: "line 1, column 19"},
		{name: "lone surrogate escape in variables", body: []byte(`{"query":"query($q: String!) { search(query: $q) { score } }","variables":{"q":"x\udc00"}}`), status: 400, code: "BAD_USER_INPUT", msg: "variable $q"},
		{name: "lone surrogate escape in GET variables", method: "GET", query: `query($q: String!) { search(query: $q) { score } }`, params: "&variables=" + url.QueryEscape(`{"q":"\ud800"}`), status: 400, code: "BAD_USER_INPUT", msg: "variable $q"},
		// Shapes that cost.
		{name: "circular fragments", body: q(`fragment A on Query { ...B } fragment B on Query { ...A } { ...A }`), status: 200, code: "BAD_USER_INPUT", msg: "within itself"},
		{name: "16-deep nesting", body: q(nested(16)), status: 200, code: "LIMIT_EXCEEDED", msg: "depth limit of 10"},
		{name: "100 aliases", body: q("{ " + aliases(100) + " }"), status: 200, code: "LIMIT_EXCEEDED", msg: "100 aliases"},
		{name: "500 duplicated scalar fields merge into one", body: q(`{ alliance(id: "org/nato") { ` + strings.Repeat("name ", 500) + `} }`), status: 200, data: `{"alliance":{"name":"North Atlantic Treaty Organization"}}`},
		{name: "100 duplicated list fields cost each", body: q(`{ alliance(id: "org/nato") { ` + strings.Repeat("members(first: 10) { totalCount } ", 100) + `} }`), status: 200, code: "LIMIT_EXCEEDED", msg: "complexity"},
		{name: "500 duplicated list fields", body: q(`{ alliance(id: "org/nato") { ` + strings.Repeat("members(first: 10) { totalCount } ", 500) + `} }`), status: 200, code: "LIMIT_EXCEEDED", msg: "share a response name"},
		// Each fragment is measured once: expanded, this query has 2^25
		// alliance fields, and measuring it by expanding it burned the CPU
		// past the deadline and past the client leaving.
		// Validation compares every two fields that share a response name;
		// these are refused before it runs, and its errors are capped.
		{name: "900 aliased fields that conflict", body: q("{ " + strings.Repeat(`a:alliance(id:"x0"){name} a:alliance(id:"x1"){name} `, 450) + "}"), status: 200, code: "LIMIT_EXCEEDED", msg: "alias limit", maxBody: 64 << 10},
		{name: "900 unaliased fields that conflict", body: q("{ " + strings.Repeat(`alliance(id:"x0"){name} alliance(id:"x1"){name} `, 450) + "}"), status: 200, code: "LIMIT_EXCEEDED", msg: "share a response name", maxBody: 64 << 10},
		{name: "5,000 duplicates of one scalar field", body: q(`{ alliance(id: "org/nato") { ` + strings.Repeat("name ", 5000) + `} }`), status: 200, code: "LIMIT_EXCEEDED", msg: "share a response name"},
		{name: "2,000 unknown fields", body: q("{ " + unknownFields(2000) + " }"), status: 200, code: "BAD_USER_INPUT", msg: "Cannot query field", maxBody: 64 << 10},
		{name: "fragment bomb: 26 fragments each spreading the next twice", body: q(fragmentBomb(26, `alliance(id: "org/nato") { name }`)), status: 200, code: "LIMIT_EXCEEDED", msg: "complexity"},
		// 100,000 directives are 1.9 MB of query text: over the body limit
		// (413) by POST before any parsing; by GET over net/http's request
		// header limit, answered 431 in plain text before any handler runs.
		// Under that, a URL over 16 KiB is 414. TestDirectivesPastTheBodyLimit
		// shows the limits behind the body limit.
		{name: "100,000 directives by POST", body: q(directives), status: 413, code: "LIMIT_EXCEEDED", msg: "body size limit"},
		{name: "100,000 directives by GET", method: "GET", query: directives, status: 431, plain: true},
		{name: "1,000 directives by GET", method: "GET", query: manyDirectives(1000), status: 414, code: "LIMIT_EXCEEDED", msg: "URL limit"},
		{name: "first: 99999999", body: q(`{ alliance(id: "org/nato") { members(first: 99999999) { totalCount } } }`), status: 200, code: "LIMIT_EXCEEDED", msg: "page size limit of 100"},
		{name: "history first: 101", body: q(`{ history(id: "org/nato", first: 101) { at } }`), status: 200, code: "LIMIT_EXCEEDED", msg: "page size limit of 100"},
		{name: "history first: -5", body: q(`{ history(id: "org/nato", first: -5) { at } }`), status: 200, code: "BAD_USER_INPUT", msg: "first must not be negative"},
		// Transports: forms, text/plain and multipart are what a cross-site
		// page can send without a preflight.
		{name: "form-encoded mutation", contentType: "application/x-www-form-urlencoded", auth: true,
			body: []byte("query=" + url.QueryEscape(`mutation { upsertEntity(input: {id: "place/x", kind: PLACE, name: "X"}) { changed } }`)), status: 415, code: "BAD_USER_INPUT", msg: "application/json"},
		{name: "multipart mutation", contentType: "multipart/form-data; boundary=x", auth: true,
			body: []byte("--x\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{\"query\":\"mutation { deleteEntity(input: {id: \\\"country/FIN\\\"}) { removedIds } }\"}\r\n--x--\r\n"), status: 415, code: "BAD_USER_INPUT", msg: "application/json"},
		{name: "text/plain", contentType: "text/plain", body: q(`{ __typename }`), status: 415, code: "BAD_USER_INPUT", msg: "application/json"},
		{name: "the response type as the request's", contentType: "application/graphql-response+json", body: q(`{ __typename }`), status: 415, code: "BAD_USER_INPUT", msg: "application/json"},
		{name: "GET variables not JSON", method: "GET", query: `{ __typename }`, params: "&variables=notjson", status: 400, code: "BAD_USER_INPUT", msg: "variables must be a JSON object"},
		{name: "GET extensions not an object", method: "GET", query: `{ __typename }`, params: "&extensions=%5B1%5D", status: 400, code: "BAD_USER_INPUT", msg: "extensions must be a JSON object"},
		{name: "mutation over GET", method: "GET", auth: true, query: `mutation { upsertEntity(input: {id: "place/x", kind: PLACE, name: "X"}) { changed } }`, status: 405, code: "BAD_USER_INPUT", msg: "POST"},
		{name: "subscription over GET", method: "GET", query: `subscription { changes { id } }`, status: 405, code: "BAD_USER_INPUT", msg: "websocket"},
		{name: "batched operations", body: []byte(`[{"query":"{ __typename }"},{"query":"{ __typename }"}]`), status: 400, code: "BAD_USER_INPUT", msg: "one operation per request"},
		{name: "PUT", method: "PUT", body: q(`{ __typename }`), status: 405, code: "BAD_USER_INPUT", msg: "not allowed"},
		// Only a GET can open a websocket; anything else that says
		// Upgrade is an ordinary request, under the ordinary timeouts.
		{name: "POST with Upgrade: websocket", header: map[string]string{"Upgrade": "websocket", "Connection": "Upgrade"}, body: q(`{ __typename }`), status: 200, data: `{"__typename":"Query"}`},
		{name: "GET query with Upgrade: h2c", method: "GET", header: map[string]string{"Upgrade": "h2c", "Connection": "Upgrade"}, query: `{ __typename }`, status: 200, data: `{"__typename":"Query"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := servertest.Dump(t, db)
			r := tc.send(t, srv.URL)
			if tc.maxBody > 0 && len(r.Body) >= tc.maxBody {
				t.Errorf("answer is %d bytes, want under %d: %.300s", len(r.Body), tc.maxBody, r.Body)
			}
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %.400s", r.Status, tc.status, r.Body)
			}
			if tc.plain {
				servertest.StillServes(t, srv.URL)
				return
			}
			g := r.GQL(t)
			if tc.code == "" {
				if len(g.Errors) > 0 || string(g.Data) != tc.data {
					t.Errorf("got %s %+v, want data %s", g.Data, g.Errors, tc.data)
				}
			} else {
				if g.Code() != tc.code {
					t.Errorf("code %q, want %s: %.400s", g.Code(), tc.code, r.Body)
				}
				if !strings.Contains(g.FirstMessage(), tc.msg) {
					t.Errorf("message %q does not mention %q", g.FirstMessage(), tc.msg)
				}
			}
			if servertest.Dump(t, db) != before {
				t.Error("the store changed")
			}
			servertest.StillServes(t, srv.URL)
		})
	}
}

// answerBound is how long a hostile request may go unanswered before the
// test fails: far more than any of them needs, so it fails only on a
// request the server works on without end.
const answerBound = 20 * time.Second

func (tc hostile) send(t *testing.T, base string) servertest.Reply {
	t.Helper()
	h := map[string]string{}
	for k, v := range tc.header {
		h[k] = v
	}
	if tc.auth {
		h["Authorization"] = "Bearer " + servertest.AliceToken
	}
	method, ct, target, body := tc.method, tc.contentType, base+"/graphql", io.Reader(bytes.NewReader(tc.body))
	if method == "" {
		method = "POST"
	}
	if ct == "" {
		ct = "application/json"
	}
	if method == "GET" {
		ct, target, body = "", base+"/graphql?query="+url.QueryEscape(tc.query)+tc.params, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), answerBound)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("not answered within %v: %v", answerBound, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("answer not read within %v: %v", answerBound, err)
	}
	return servertest.Reply{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// aliases returns n aliased fields.
func aliases(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a%d: __typename ", i)
	}
	return b.String()
}

// unknownFields returns n fields the schema does not have, each a
// validation error of its own.
func unknownFields(n int) string {
	fs := make([]string, n)
	for i := range fs {
		fs[i] = fmt.Sprintf("x%d", i)
	}
	return strings.Join(fs, " ")
}

// fragmentBomb returns a query of n fragments, each spreading the next
// twice, the last selecting leaf: expanded, it selects leaf 2^(n-1) times.
func fragmentBomb(n int, leaf string) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }")
	for i := range n - 1 {
		fmt.Fprintf(&b, " fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1)
	}
	fmt.Fprintf(&b, " fragment F%d on Query { %s }", n-1, leaf)
	return b.String()
}

// nested returns a query whose fields nest n objects deep.
func nested(n int) string {
	steps := []string{"relations(first: 1)", "edges", "node", "from"}
	var open, close strings.Builder
	open.WriteString(`{ entity(id: "org/nato") { `)
	close.WriteString(" } }")
	for i := 1; i < n; i++ {
		open.WriteString(steps[(i-1)%len(steps)] + " { ")
		close.WriteString(" }")
	}
	return open.String() + "id" + close.String()
}

// TestDirectivesPastTheBodyLimit: with the body limit raised, 100,000
// directives meet the parser's token limit and, under it, the
// directive limit (LIMIT_EXCEEDED), still before any resolver.
func TestDirectivesPastTheBodyLimit(t *testing.T) {
	srv := servertest.New(t, servertest.Config(func(c *httpapi.Config) { c.Limits.MaxBodyBytes = 10 << 20 }))
	r := servertest.Send(t, "POST", srv.URL+"/graphql", "application/json", bytes.NewReader(servertest.JSONBody(t, map[string]any{
		"query": "{ __typename " + strings.Repeat("@include(if: true) ", 100000) + "}"})), nil)
	if g := r.GQL(t); r.Status != 200 || g.Code() != "BAD_USER_INPUT" || !strings.Contains(g.FirstMessage(), "token limit") {
		t.Errorf("100,000 directives: status %d %.300s", r.Status, r.Body)
	}
	r = servertest.Send(t, "POST", srv.URL+"/graphql", "application/json", bytes.NewReader(servertest.JSONBody(t, map[string]any{
		"query": manyDirectives(1000)})), nil)
	if g := r.GQL(t); g.Code() != "LIMIT_EXCEEDED" || !strings.Contains(g.FirstMessage(), "directive limit") {
		t.Errorf("1,000 directives: status %d %.300s", r.Status, r.Body)
	}
	servertest.StillServes(t, srv.URL)
}

// manyDirectives returns a query with n directives, one per field (GraphQL
// allows @include once per location).
func manyDirectives(n int) string {
	return "{ " + strings.Repeat("__typename @include(if: true) ", n) + "}"
}

// TestTenMegabyteBody: 10 MB is refused with 413 whether the client
// declares its length or streams it chunked (then the server stops reading
// at the limit), and the server goes on serving.
func TestTenMegabyteBody(t *testing.T) {
	srv := servertest.New(t)
	big := append(append([]byte(`{"query":"{ __typename }","variables":{"pad":"`), bytes.Repeat([]byte("x"), 10<<20)...), `"}}`...)
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			var body io.Reader = bytes.NewReader(big)
			if chunked {
				body = io.MultiReader(body) // hides the length: sent chunked
			}
			r := servertest.Send(t, "POST", srv.URL+"/graphql", "application/json", body, nil)
			if g := r.GQL(t); r.Status != http.StatusRequestEntityTooLarge || g.Code() != "LIMIT_EXCEEDED" {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			servertest.StillServes(t, srv.URL)
		})
	}
}

// TestPersistedMutationOverGET: a mutation registered as a persisted query
// by POST cannot be replayed by hash over GET, token or not.
func TestPersistedMutationOverGET(t *testing.T) {
	srv := servertest.New(t)
	db := srv.DB
	m := `mutation { upsertEntity(input: {id: "place/apq", kind: PLACE, name: "APQ"}) { changed } }`
	sum := sha256.Sum256([]byte(m))
	ext := `{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`
	auth := map[string]string{"Authorization": "Bearer " + servertest.AliceToken}
	r := servertest.Send(t, "POST", srv.URL+"/graphql", "application/json", strings.NewReader(`{"query":`+fmt.Sprintf("%q", m)+`,"extensions":`+ext+`}`), auth)
	if g := r.GQL(t); len(g.Errors) > 0 {
		t.Fatalf("registering by POST: %s", r.Body)
	}
	last := db.LastCommit()
	for _, h := range []map[string]string{auth, nil} {
		r = servertest.Send(t, "GET", srv.URL+"/graphql?extensions="+url.QueryEscape(ext), "", nil, h)
		if g := r.GQL(t); r.Status != http.StatusOK || g.Code() != "BAD_USER_INPUT" || !strings.Contains(g.FirstMessage(), "GET requests only allow query") {
			t.Errorf("replay by GET (token %v): status %d %s", h != nil, r.Status, r.Body)
		}
	}
	if !db.LastCommit().Equal(last) {
		t.Error("a mutation ran over GET")
	}
	servertest.StillServes(t, srv.URL)
}

// TestResolverDeadline: a resolver that outlasts --timeout answers
// TIMEOUT. A field hook waits for the request's context to end, so the
// test depends on the deadline firing, not on how long anything takes.
func TestResolverDeadline(t *testing.T) {
	srv := servertest.New(t, servertest.Config(func(c *httpapi.Config) {
		c.Limits.Timeout = 20 * time.Millisecond
		c.FieldHook = func(ctx context.Context, next graphql.Resolver) (any, error) {
			if graphql.GetFieldContext(ctx).Field.Alias == "slow" {
				<-ctx.Done()
				return nil, ctx.Err()
			}
			return next(ctx)
		}
	}))
	r := servertest.Send(t, "POST", srv.URL+"/graphql", "application/json", strings.NewReader(`{"query":"{ slow: alliance(id: \"org/nato\") { name } }"}`), nil)
	g := r.GQL(t)
	if r.Status != http.StatusOK || g.Code() != "TIMEOUT" || !strings.Contains(g.FirstMessage(), "deadline") {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	servertest.StillServes(t, srv.URL)
}

// TestWebsocketHostile: a socket from a foreign origin is refused at the
// handshake (403) and one that never sends connection_init is closed by
// gqlgen with 1002 (protocol error) and the reason "connection
// initialisation timeout"; one whose connection_init payload is not an
// object is closed, and a subscription without a token is refused
// UNAUTHENTICATED. Plain HTTP and a proper socket work right after each.
func TestWebsocketHostile(t *testing.T) {
	srv := servertest.New(t, servertest.Config(func(c *httpapi.Config) {
		c.Socket = graph.DefaultSocket()
		c.Socket.InitTimeout = 100 * time.Millisecond
		c.Socket.Origins = []string{"explorer.example.org"}
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	t.Run("foreign origin", func(t *testing.T) {
		_, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", &websocket.DialOptions{
			Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: http.Header{"Origin": {"https://evil.example.com"}},
		})
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("dial from a foreign origin: %v %v", err, resp)
		}
		servertest.StillServes(t, srv.URL)
		servertest.WSOpen(t, ctx, srv.URL)
	})
	t.Run("never inits", func(t *testing.T) {
		c, err := servertest.DialWS(t, ctx, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		_, _, err = c.Read(ctx)
		if websocket.CloseStatus(err) != websocket.StatusProtocolError {
			t.Fatalf("read on a socket that never inits: %v, want close 1002", err)
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) || !strings.Contains(ce.Reason, "initialisation timeout") {
			t.Errorf("close reason: %v", err)
		}
		servertest.StillServes(t, srv.URL)
		servertest.WSOpen(t, ctx, srv.URL)
	})
	t.Run("init payload not an object", func(t *testing.T) {
		c, err := servertest.DialWS(t, ctx, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		servertest.WSSend(t, ctx, c, servertest.WSMsg{Type: "connection_init", Payload: json.RawMessage(`1`)})
		// gqlgen gives up on such a socket without closing it; the
		// deadline only keeps a socket left open from hanging the test.
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if _, _, err := c.Read(rctx); rctx.Err() != nil {
			t.Fatalf("the socket is still open: %v", err)
		}
		servertest.StillServes(t, srv.URL)
		servertest.WSOpen(t, ctx, srv.URL)
	})
	t.Run("subscription without a token", func(t *testing.T) {
		c, err := servertest.DialWS(t, ctx, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		wsInit(t, ctx, c, nil)
		servertest.Subscribe(t, ctx, c, "1", `subscription { changes { id } }`)
		if code, msg := subRefused(t, ctx, c, "1"); code != "UNAUTHENTICATED" || !strings.Contains(msg, "Bearer") {
			t.Fatalf("got %s %q", code, msg)
		}
		servertest.StillServes(t, srv.URL)
	})
}

// TestValidationErrorCap: a document with thousands of validation errors
// gets the first 20 and one saying the rest were left out, with
// suggestions and without (--production swaps gqlgen's suggestion rules,
// which must stay capped); a message naming hundreds of subfield
// conflicts is cut short.
func TestValidationErrorCap(t *testing.T) {
	for _, production := range []bool{false, true} {
		t.Run(fmt.Sprintf("production=%v", production), func(t *testing.T) {
			srv := servertest.New(t, servertest.Config(func(c *httpapi.Config) { c.Limits.Production = production }))
			r := servertest.Send(t, "POST", srv.URL+"/graphql", "application/json", bytes.NewReader(servertest.JSONBody(t, map[string]any{
				"query": "{ " + unknownFields(2000) + " }"})), nil)
			g := r.GQL(t)
			if r.Status != 200 || len(g.Errors) != 21 {
				t.Fatalf("status %d, %d errors, want 200 and 21: %.300s", r.Status, len(g.Errors), r.Body)
			}
			for i, e := range g.Errors {
				if e.Extensions["code"] != "BAD_USER_INPUT" {
					t.Errorf("error %d: code %v", i, e.Extensions["code"])
				}
			}
			if !strings.Contains(g.Errors[0].Message, `"x0"`) || !strings.Contains(g.Errors[19].Message, `"x19"`) {
				t.Errorf("not the first 20 errors: %q … %q", g.Errors[0].Message, g.Errors[19].Message)
			}
			if last := g.Errors[20].Message; !strings.Contains(last, "too many validation errors") {
				t.Errorf("last error %q", last)
			}
			servertest.StillServes(t, srv.URL)
		})
	}
	t.Run("long conflict message", func(t *testing.T) {
		srv := servertest.New(t)
		q := `{ alliance(id: "org/nato") { ` + strings.Repeat("members(first: 1) { totalCount } ", 300) + `} alliance(id: "org/nato") { members(first: 2) { totalCount } } }`
		r := servertest.Send(t, "POST", srv.URL+"/graphql", "application/json", bytes.NewReader(servertest.JSONBody(t, map[string]any{"query": q})), nil)
		g := r.GQL(t)
		if r.Status != 200 || len(g.Errors) == 0 || len(g.Errors) > 21 {
			t.Fatalf("status %d, %d errors: %.300s", r.Status, len(g.Errors), r.Body)
		}
		for _, e := range g.Errors {
			if len(e.Message) > 1100 {
				t.Errorf("a message of %d bytes: %.200s…", len(e.Message), e.Message)
			}
		}
		if !strings.Contains(g.Errors[0].Message, "more bytes)") {
			t.Errorf("first message not cut: %.300s", g.Errors[0].Message)
		}
	})
}

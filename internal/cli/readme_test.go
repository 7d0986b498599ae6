package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// The README's examples are run against a fresh server by the tests below,
// in the order they appear, so that an example that stops working fails the
// suite instead of misleading a reader. The markdown rules they rely on:
//
//   - Every fenced ```graphql block is one operation. A query or mutation is
//     sent by POST (a mutation with alice's token, the one the README's
//     $TOKEN and <token> stand for); a subscription is opened over the
//     websocket with that token in connection_init, and is answered by the
//     next mutation example that succeeds.
//   - An example must answer without errors, unless the line
//     <!-- expect: CODE --> stands directly above it (only blank lines
//     between): then its first error must carry extensions.code CODE.
//   - A ```json block headed by <!-- variables --> right after it holds its
//     variables. The knownAt example's $before is the moment the dataset was
//     loaded, which the reader copies from the history example's answer (its
//     first entry's `at`); the test takes it from that answer the same way,
//     since the value printed in the README is from another server's run.
//   - The next ```json block after it (prose may come between) is its answer.
//     Headed by <!-- shortened -->, the answer leaves parts out (marked "…")
//     and is not compared. Otherwise it must equal the real response as
//     JSON: the whole response when the block is an object with a "data" or
//     "errors" key, else the response's "data". DateTime strings (RFC 3339
//     with a time of day) match any DateTime, as they are the moments
//     commits happened and differ on every run.
//   - In a table row, an inline code span that starts with "{ " and ends
//     with " }" is a query too, and must answer without errors.
//
// docs/*.md follow the same rules; each file gets a fresh server holding
// the whole curated dataset, as a first start of serve does.

// mdBlock is a fenced block of a markdown file, or a query in an inline
// code span of a table row (lang "inline").
type mdBlock struct {
	lang, body string
	line       int      // 1-based line of the opening fence or of the row
	comments   []string // HTML comment lines directly above the fence
}

var inlineQuery = regexp.MustCompile("`(\\{ [^`]* \\})`")

// parseMarkdown returns the fenced blocks and inline table queries of a
// markdown text, in order.
func parseMarkdown(text string) ([]mdBlock, error) {
	lines := strings.Split(text, "\n")
	var blocks []mdBlock
	var comments []string // since the last non-blank, non-comment line
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "```"):
			b := mdBlock{lang: strings.TrimSpace(strings.TrimPrefix(l, "```")), line: i + 1, comments: comments}
			var body []string
			for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
				body = append(body, lines[i])
			}
			if i == len(lines) {
				return nil, fmt.Errorf("line %d: the block never closes", b.line)
			}
			b.body = strings.Join(body, "\n")
			blocks = append(blocks, b)
			comments = nil
		case strings.HasPrefix(strings.TrimSpace(l), "<!--"):
			comments = append(comments, strings.TrimSpace(l))
		case strings.TrimSpace(l) == "":
		default:
			comments = nil
			if strings.HasPrefix(l, "|") {
				for _, m := range inlineQuery.FindAllStringSubmatch(l, -1) {
					blocks = append(blocks, mdBlock{lang: "inline", body: m[1], line: i + 1})
				}
			}
		}
	}
	return blocks, nil
}

// docExample is one GraphQL example and what the document says it answers.
type docExample struct {
	line      int
	query     string
	vars      map[string]any
	expect    string // the error code an error example expects
	want      any    // the answer shown after it; nil when none is shown
	wantLine  int
	shortened bool
}

var expectDirective = regexp.MustCompile(`^<!-- expect: ([A-Z_]+) -->$`)

// docExamples turns a document's blocks into examples, checking the
// directives as it goes.
func docExamples(blocks []mdBlock) ([]docExample, error) {
	var exs []docExample
	for i := 0; i < len(blocks); i++ {
		b := blocks[i]
		switch {
		case b.lang == "inline":
			exs = append(exs, docExample{line: b.line, query: b.body})
			continue
		case b.lang == "json":
			if slices.Contains(b.comments, "<!-- variables -->") || slices.Contains(b.comments, "<!-- shortened -->") {
				return nil, fmt.Errorf("line %d: a json block with a directive that follows no graphql block", b.line)
			}
			continue
		case b.lang != "graphql":
			if len(b.comments) > 0 {
				return nil, fmt.Errorf("line %d: %v above a %q block", b.line, b.comments, b.lang)
			}
			continue
		}
		ex := docExample{line: b.line, query: b.body}
		for _, c := range b.comments {
			m := expectDirective.FindStringSubmatch(c)
			if m == nil {
				return nil, fmt.Errorf("line %d: unknown directive %s (want <!-- expect: CODE -->)", b.line, c)
			}
			ex.expect = m[1]
		}
		next := func() *mdBlock {
			if i+1 < len(blocks) && blocks[i+1].lang == "json" {
				return &blocks[i+1]
			}
			return nil
		}
		if j := next(); j != nil && slices.Equal(j.comments, []string{"<!-- variables -->"}) {
			if err := json.Unmarshal([]byte(j.body), &ex.vars); err != nil {
				return nil, fmt.Errorf("line %d: variables: %v", j.line, err)
			}
			i++
		}
		if j := next(); j != nil {
			switch {
			case slices.Equal(j.comments, []string{"<!-- shortened -->"}):
				ex.shortened = true
				if !strings.Contains(j.body, "…") {
					return nil, fmt.Errorf("line %d: marked shortened but has no …", j.line)
				}
			case len(j.comments) > 0:
				return nil, fmt.Errorf("line %d: unknown directive %v above an answer", j.line, j.comments)
			default:
				if err := json.Unmarshal([]byte(j.body), &ex.want); err != nil {
					return nil, fmt.Errorf("line %d: the answer is not JSON (mark a shortened one <!-- shortened -->): %v", j.line, err)
				}
			}
			ex.wantLine = j.line
			i++
		}
		exs = append(exs, ex)
	}
	return exs, nil
}

// operationType is "query", "mutation" or "subscription".
func operationType(q string) string {
	for _, l := range strings.Split(q, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		for _, t := range []string{"mutation", "subscription"} {
			if strings.HasPrefix(l, t) {
				return t
			}
		}
		return "query"
	}
	return "query"
}

var dateTimeValue = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)

// sameAnswer compares decoded JSON, any DateTime matching any other.
func sameAnswer(want, got any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, v := range w {
			gv, ok := g[k]
			if !ok || !sameAnswer(v, gv) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !sameAnswer(w[i], g[i]) {
				return false
			}
		}
		return true
	case string:
		g, ok := got.(string)
		return ok && (g == w || dateTimeValue.MatchString(w) && dateTimeValue.MatchString(g))
	}
	return reflect.DeepEqual(want, got)
}

// shown is the part of a response an answer block shows.
func shown(want any, resp map[string]any) any {
	if m, ok := want.(map[string]any); ok {
		if _, ok := m["data"]; ok {
			return resp
		}
		if _, ok := m["errors"]; ok {
			return resp
		}
	}
	return resp["data"]
}

func indentJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

// postExample sends one operation and decodes the whole response.
func postExample(t *testing.T, url, token, q string, vars map[string]any) map[string]any {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": q, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("status %d, body %s: %v", resp.StatusCode, b, err)
	}
	return r
}

// errorCode is the first error's extensions.code, "" without errors.
func errorCode(r map[string]any) string {
	errs, _ := r["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	e, _ := errs[0].(map[string]any)
	ext, _ := e["extensions"].(map[string]any)
	c, _ := ext["code"].(string)
	return c
}

// pendingSubscription is a subscription example waiting for the mutation
// that sends it its first event.
type pendingSubscription struct {
	ex   docExample
	conn *websocket.Conn
}

// runDocExamples runs every example of one markdown file against a fresh
// server, in order.
func runDocExamples(t *testing.T, file string) {
	text, err := os.ReadFile(filepath.Join(servertest.Root(t), file))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := parseMarkdown(string(text))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	exs, err := docExamples(blocks)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(exs) == 0 {
		return
	}
	srv := servertest.New(t, servertest.Curated())
	db := srv.DB
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var (
		pending     []pendingSubscription
		lastHistory []any
	)
	for _, ex := range exs {
		where := fmt.Sprintf("%s:%d", file, ex.line)
		op := operationType(ex.query)
		if op == "subscription" {
			if ex.expect != "" {
				t.Fatalf("%s: error examples of subscriptions are not supported", where)
			}
			c := servertest.WSOpen(t, ctx, srv.URL)
			p, err := json.Marshal(map[string]any{"query": ex.query, "variables": ex.vars})
			if err != nil {
				t.Fatal(err)
			}
			n := db.Subscribers()
			servertest.WSSend(t, ctx, c, servertest.WSMsg{ID: "readme", Type: "subscribe", Payload: p})
			servertest.WaitFor(t, func() bool { return db.Subscribers() == n+1 })
			pending = append(pending, pendingSubscription{ex: ex, conn: c})
			continue
		}
		if _, ok := ex.vars["before"]; ok {
			if len(lastHistory) == 0 {
				t.Fatalf("%s: $before comes from a history example's answer, and none precedes it", where)
			}
			first, _ := lastHistory[0].(map[string]any)
			ex.vars["before"] = first["at"]
		}
		token := ""
		if op == "mutation" {
			token = servertest.AliceToken
		}
		resp := postExample(t, srv.URL, token, ex.query, ex.vars)
		if code := errorCode(resp); code != ex.expect {
			t.Errorf("%s: answered with error code %q, want %q:\n%s", where, code, ex.expect, indentJSON(resp))
			continue
		}
		if data, ok := resp["data"].(map[string]any); ok {
			if h, ok := data["history"].([]any); ok {
				lastHistory = h
			}
		}
		if ex.want != nil && !sameAnswer(ex.want, shown(ex.want, resp)) {
			t.Errorf("%s: the answer at line %d is not what the server says:\n%s", where, ex.wantLine, indentJSON(shown(ex.want, resp)))
		}
		if op == "mutation" && ex.expect == "" {
			for _, p := range pending {
				checkSubscriptionEvent(t, ctx, file, p)
			}
			pending = nil
		}
	}
	for _, p := range pending {
		t.Errorf("%s:%d: no mutation example follows this subscription to send it anything", file, p.ex.line)
	}
	t.Logf("%s: %d examples run", file, len(exs))
}

// checkSubscriptionEvent reads a subscription example's first event and
// compares it with the answer shown for it.
func checkSubscriptionEvent(t *testing.T, ctx context.Context, file string, p pendingSubscription) {
	t.Helper()
	defer p.conn.Close(websocket.StatusNormalClosure, "done")
	m := servertest.WSNext(t, ctx, p.conn)
	if m.Type != "next" {
		t.Errorf("%s:%d: the subscription sent %s %s, want next", file, p.ex.line, m.Type, m.Payload)
		return
	}
	var resp map[string]any
	if err := json.Unmarshal(m.Payload, &resp); err != nil {
		t.Fatal(err)
	}
	if code := errorCode(resp); code != "" {
		t.Errorf("%s:%d: the subscription answered %s", file, p.ex.line, m.Payload)
		return
	}
	if p.ex.want != nil && !sameAnswer(p.ex.want, shown(p.ex.want, resp)) {
		t.Errorf("%s:%d: the event at line %d is not what the server sends:\n%s", file, p.ex.line, p.ex.wantLine, indentJSON(shown(p.ex.want, resp)))
	}
}

// TestReadmeExamples runs every GraphQL example in README.md and docs/*.md
// (see the rules at the top of this file).
func TestReadmeExamples(t *testing.T) {
	root := servertest.Root(t)
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range docs {
		docs[i], _ = filepath.Rel(root, d)
	}
	for _, file := range append([]string{"README.md"}, docs...) {
		t.Run(file, func(t *testing.T) { runDocExamples(t, file) })
	}
}

// mdTableRows returns the rows (cells, trimmed) of the markdown table whose
// header row starts with header.
func mdTableRows(text, header string) [][]string {
	var rows [][]string
	in := false
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(l, header):
			in = true
		case in && strings.HasPrefix(l, "|---"):
		case in && strings.HasPrefix(l, "|"):
			cells := strings.Split(strings.Trim(l, "|"), " | ")
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			rows = append(rows, cells)
		case in:
			return rows
		}
	}
	return rows
}

var leadingName = regexp.MustCompile("`(\\w+)")

// firstCellNames lists the identifier each code span of a row's first cell
// starts with (`nodes(ids:)` names nodes).
func firstCellNames(rows [][]string) []string {
	var names []string
	for _, r := range rows {
		for _, m := range leadingName.FindAllStringSubmatch(r[0], -1) {
			names = append(names, m[1])
		}
	}
	slices.Sort(names)
	return names
}

// TestReadmeCommands: the README's table of commands names exactly the
// commands `alliancegraph help` lists.
func TestReadmeCommands(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(servertest.Root(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var readme []string
	for _, r := range mdTableRows(string(text), "| command |") {
		name, ok := strings.CutPrefix(r[0], "`alliancegraph ")
		if !ok {
			t.Errorf("README command row %q does not start with `alliancegraph NAME`", r[0])
			continue
		}
		readme = append(readme, strings.TrimSuffix(name, "`"))
	}
	var out, errOut bytes.Buffer
	if err := Run(t.Context(), []string{"help"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	_, list, ok := strings.Cut(out.String(), "Commands:\n")
	if !ok {
		t.Fatalf("help lists no commands:\n%s", out.String())
	}
	var help []string
	for _, l := range strings.Split(list, "\n") {
		if !strings.HasPrefix(l, "  ") {
			break
		}
		help = append(help, strings.Fields(l)[0])
	}
	slices.Sort(readme)
	slices.Sort(help)
	if len(help) == 0 || !slices.Equal(readme, help) {
		t.Errorf("README's commands %v, alliancegraph help's %v", readme, help)
	}
}

// TestReadmeTour: the tour's tables list every top-level query and every
// mutation of the schema, and every entity and fact ID they give as an
// example exists in the dataset.
func TestReadmeTour(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(servertest.Root(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	srv := servertest.New(t)
	var schema struct {
		Query, Mutation struct{ Fields []struct{ Name string } }
	}
	servertest.OK(t, servertest.Query(t, srv.URL, `{ Query: __type(name: "Query") { fields { name } } Mutation: __type(name: "Mutation") { fields { name } } }`), &schema)
	for _, tt := range []struct {
		header string
		fields []struct{ Name string }
	}{
		{"| field | what it answers |", schema.Query.Fields},
		{"| mutation | what it does |", schema.Mutation.Fields},
	} {
		var want []string
		for _, f := range tt.fields {
			want = append(want, f.Name)
		}
		slices.Sort(want)
		if got := firstCellNames(mdTableRows(text, tt.header)); len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("the README table %q lists %v; the schema has %v", tt.header, got, want)
		}
	}

	idSpan := regexp.MustCompile("`((?:country|org|person|office|event|place|doc|fact)/[A-Za-z0-9-]+)`")
	var ids []any
	for _, header := range []string{"| kind (`EntityKind`) |", "| predicate | from → to |"} {
		for _, r := range mdTableRows(text, header) {
			for _, m := range idSpan.FindAllStringSubmatch(strings.Join(r, " | "), -1) {
				ids = append(ids, m[1])
			}
		}
	}
	if len(ids) < 10 {
		t.Fatalf("found only %d example IDs in the tour's tables: %v", len(ids), ids)
	}
	r := servertest.GQL(t, srv.URL, "", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids})
	var got struct{ Nodes []*struct{ ID string } }
	servertest.OK(t, r, &got)
	for i, n := range got.Nodes {
		if n == nil {
			t.Errorf("the README's tour names %s, which the dataset does not hold", ids[i])
		}
	}
}

package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

// syntheticShape is the synthetic graph of `alliancegraph gen`, scaled
// down so that it loads in a moment: every count, scan and traversal
// below still reads hundreds to thousands of keys.
var syntheticShape = dataset.SyntheticShape{Alliances: 20, Countries: 100, People: 2000, Offices: 80, Events: 100, Documents: 5,
	MembershipsPerCountry: 5, TermsPerOffice: 5, ParticipantsPerEvent: 20, Knows: 13000}

// loadSynthetic loads the synthetic graph of syntheticShape into db with
// the fast import.
func loadSynthetic(db *store.DB) error {
	var graph bytes.Buffer
	if err := dataset.WriteSynthetic(&graph, syntheticShape, 1); err != nil {
		return err
	}
	in := dataset.JSONLInput("synthetic.jsonl", func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(graph.Bytes())), nil })
	_, err := dataset.Import(db, []dataset.Input{in}, dataset.ImportOptions{Load: true})
	return err
}

// expiresAfter is a field's context whose deadline passes once Err has
// been asked looks times: a store read under it stops part-way, at a point
// that does not depend on how fast anything runs.
type expiresAfter struct {
	context.Context
	looks atomic.Int32
}

func (c *expiresAfter) Err() error {
	if c.looks.Add(-1) < 0 {
		return context.DeadlineExceeded
	}
	return nil
}

// deadlineHook holds a field aliased "late" until the resolver deadline
// has passed and then lets it run; a field aliased "cut" runs under
// expiresAfter, so its deadline passes while it reads; one aliased "slow"
// waits for the deadline and fails with it.
func deadlineHook(ctx context.Context, next graphql.Resolver) (any, error) {
	switch graphql.GetFieldContext(ctx).Field.Alias {
	case "slow":
		<-ctx.Done()
		return nil, ctx.Err()
	case "late":
		<-ctx.Done()
	case "cut":
		c := &expiresAfter{Context: ctx}
		c.looks.Store(2)
		ctx = c
	}
	return next(ctx)
}

// TestDeadlinesReachTheStore: under a small --timeout on the synthetic
// graph, counts (totalCount of facts and entities), index scans
// (accessions, timeline, search) and traversals (path, neighborhood)
// answer TIMEOUT, never data past the deadline and never INTERNAL: when
// the deadline has passed before they start, and when it passes while
// they read.
func TestDeadlinesReachTheStore(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk(), servertest.Load(loadSynthetic), servertest.Config(func(c *httpapi.Config) {
		c.Limits.Timeout = time.Second
		c.FieldHook = deadlineHook
	}))
	fields := map[string]string{
		"facts totalCount":    `{ facts(predicate: KNOWS, first: 1) { %s: totalCount } }`,
		"entities totalCount": `{ %s: entities(kind: PERSON, first: 1) { totalCount } }`,
		"accessions":          `{ alliance(id: "org/a000000") { %s: accessions { date } } }`,
		"path":                `{ %s: path(from: "person/p0001999", to: "person/p0001998", maxHops: 6) { length } }`,
		"neighborhood":        `{ %s: neighborhood(ids: ["person/p0000000"], depth: 1) { truncated } }`,
		"timeline":            `{ %s: timeline(predicates: [KNOWS], first: 5) { edges { cursor } } }`,
		"search":              `{ %s: search(query: "person", first: 5) { score } }`,
	}
	// Scans bounded by their page look at the deadline on entry only.
	partWay := map[string]bool{"facts totalCount": true, "entities totalCount": true, "accessions": true, "path": true, "neighborhood": true}
	for name, q := range fields {
		// Without a deadline, each answers with data.
		if g := servertest.GQL(t, srv.URL, "", fmt.Sprintf(q, "plain"), nil); len(g.Errors) > 0 || len(g.Data) < 10 {
			t.Fatalf("%s without a deadline: %s %+v", name, g.Data, g.Errors)
		}
		for _, when := range []string{"late", "cut"} {
			if when == "cut" && !partWay[name] {
				continue
			}
			t.Run(name+" "+when, func(t *testing.T) {
				t.Parallel()
				g := servertest.GQL(t, srv.URL, "", fmt.Sprintf(q, when), nil)
				if g.Code() != "TIMEOUT" || len(g.Errors) != 1 {
					t.Errorf("got %s %+v, want one TIMEOUT error", g.Data, g.Errors)
				}
			})
		}
	}
	// As in the query, many counts of the largest index at once
	// (seven, each with two aliases), each cut short by the deadline.
	var b strings.Builder
	b.WriteString("{ ")
	for i := range 7 {
		fmt.Fprintf(&b, "k%d: facts(predicate: KNOWS, first: 1) { cut: totalCount } ", i)
	}
	b.WriteString("}")
	g := servertest.GQL(t, srv.URL, "", b.String(), nil)
	if len(g.Errors) != 7 {
		t.Errorf("7 counts: %d errors, want 7 TIMEOUT: %s", len(g.Errors), g.Data)
	}
	for _, e := range g.Errors {
		if e.Extensions["code"] != "TIMEOUT" {
			t.Errorf("7 counts: %q (%v), want TIMEOUT", e.Message, e.Extensions["code"])
		}
	}
}

// TestWebsocketQueryDeadline: a query over the websocket gets the
// resolver deadline as one over HTTP does (it had none: it ran as long
// as the socket stayed open), while a subscription on the same socket
// lives past it and still delivers.
func TestWebsocketQueryDeadline(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk(), servertest.Config(func(c *httpapi.Config) {
		c.Limits.Timeout = 50 * time.Millisecond
		c.FieldHook = deadlineHook
	}))
	ctx, cancel := context.WithTimeout(context.Background(), answerBound)
	defer cancel()
	c, err := servertest.DialWS(t, ctx, srv.URL, http.Header{"Authorization": {"Bearer " + servertest.AliceToken}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	servertest.WSSend(t, ctx, c, servertest.WSMsg{Type: "connection_init"})
	if m := servertest.WSNext(t, ctx, c); m.Type != "connection_ack" {
		t.Fatalf("want connection_ack, got %+v", m)
	}
	servertest.Subscribe(t, ctx, c, "sub", `subscription { changes { id } }`)
	servertest.Subscribe(t, ctx, c, "q", `{ slow: alliance(id: "org/nato") { name } }`)
	m := servertest.WSNext(t, ctx, c)
	if m.ID != "q" || m.Type != "next" {
		t.Fatalf("got %+v, want the query's answer", m)
	}
	var g servertest.Response
	if err := json.Unmarshal(m.Payload, &g); err != nil || g.Code() != "TIMEOUT" {
		t.Fatalf("query over the socket: %s (%v), want TIMEOUT", m.Payload, err)
	}
	if m := servertest.WSNext(t, ctx, c); m.ID != "q" || m.Type != "complete" {
		t.Fatalf("got %+v, want the query's complete", m)
	}
	// A mutation over the socket gets the same deadline.
	servertest.Subscribe(t, ctx, c, "m", `mutation { slow: upsertEntity(input: {id: "place/x", kind: PLACE, name: "X"}) { changed } }`)
	for {
		m := servertest.WSNext(t, ctx, c)
		if m.ID == "m" && m.Type == "next" {
			if err := json.Unmarshal(m.Payload, &g); err != nil || g.Code() != "TIMEOUT" {
				t.Fatalf("mutation over the socket: %s (%v), want TIMEOUT", m.Payload, err)
			}
			break
		}
		if m.ID != "sub" {
			t.Fatalf("unexpected %+v", m)
		}
	}
	// The subscription outlived both deadlines.
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, `mutation { upsertEntity(input: {id: "place/y", kind: PLACE, name: "Y"}) { changed } }`, nil), nil)
	for {
		m := servertest.WSNext(t, ctx, c)
		if m.ID == "sub" && m.Type == "next" && strings.Contains(string(m.Payload), "place/y") {
			break
		}
		if m.ID == "sub" && m.Type != "next" {
			t.Fatalf("subscription ended: %+v", m)
		}
	}
}

package graph_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestSubscriptions: a subscriber receives a fact asserted over HTTP, and
// membershipChanged reports joins and departures.
func TestSubscriptions(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := servertest.WSOpen(t, ctx, srv.URL)
	servertest.Subscribe(t, ctx, c, "c", `subscription { changes(predicates: [MEMBER_OF]) { op id author predicate fromId toId missed } }`)
	servertest.Subscribe(t, ctx, c, "m", `subscription { membershipChanged(alliance: "org/nato") { kind countryId factId author fact { validFrom validTo } } }`)
	servertest.WaitFor(t, func() bool { return db.Subscribers() == 2 })

	// An unrelated change is filtered out; the membership reaches both.
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, `mutation { upsertEntity(input: {id: "place/x", kind: PLACE, name: "X"}) { changed } }`, nil), nil)
	in := map[string]any{"id": "fact/ukr-member-of-nato", "predicate": "MEMBER_OF", "from": "country/UKR", "to": "org/nato", "validFrom": "2030-01-01", "citations": seedCite()}
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, assertFactQ, map[string]any{"in": in}), nil)
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.BobToken, `mutation { endFact(input: {id: "fact/ukr-member-of-nato", validTo: "2031-01-01"}) { fact { id } } }`, nil), nil)

	got := map[string][]string{}
	for len(got["c"])+len(got["m"]) < 4 {
		m := servertest.WSNext(t, ctx, c)
		if m.Type != "next" {
			t.Fatalf("unexpected message %+v", m)
		}
		got[m.ID] = append(got[m.ID], string(m.Payload))
	}
	wantC := []string{
		`{"data":{"changes":{"op":"CREATE","id":"fact/ukr-member-of-nato","author":"alice","predicate":"MEMBER_OF","fromId":"country/UKR","toId":"org/nato","missed":0}}}`,
		`{"data":{"changes":{"op":"UPDATE","id":"fact/ukr-member-of-nato","author":"bob","predicate":"MEMBER_OF","fromId":"country/UKR","toId":"org/nato","missed":0}}}`,
	}
	wantM := []string{
		`{"data":{"membershipChanged":{"kind":"JOINED","countryId":"country/UKR","factId":"fact/ukr-member-of-nato","author":"alice","fact":{"validFrom":"2030-01-01","validTo":null}}}}`,
		`{"data":{"membershipChanged":{"kind":"LEFT","countryId":"country/UKR","factId":"fact/ukr-member-of-nato","author":"bob","fact":{"validFrom":"2030-01-01","validTo":"2031-01-01"}}}}`,
	}
	if strings.Join(got["c"], "\n") != strings.Join(wantC, "\n") {
		t.Errorf("changes:\n%s\nwant\n%s", strings.Join(got["c"], "\n"), strings.Join(wantC, "\n"))
	}
	if strings.Join(got["m"], "\n") != strings.Join(wantM, "\n") {
		t.Errorf("membershipChanged:\n%s\nwant\n%s", strings.Join(got["m"], "\n"), strings.Join(wantM, "\n"))
	}

	// Completing one subscription ends it in the store; leaving ends the rest.
	servertest.WSSend(t, ctx, c, servertest.WSMsg{ID: "c", Type: "complete"})
	servertest.WaitFor(t, func() bool { return db.Subscribers() == 1 })
	c.Close(websocket.StatusNormalClosure, "bye")
	servertest.WaitFor(t, func() bool { return db.Subscribers() == 0 })
}

func TestSubscriptionsPerSocketBound(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk(), servertest.Config(func(c *httpapi.Config) { c.Socket = graph.DefaultSocket(); c.Socket.MaxSubscriptions = 2 }))
	db := srv.DB
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := servertest.WSOpen(t, ctx, srv.URL)
	for _, id := range []string{"1", "2", "3"} {
		servertest.Subscribe(t, ctx, c, id, `subscription { changes { id } }`)
	}
	// The three are started concurrently, so any one of them may be the
	// one over the limit; it is answered with the error and completed.
	m := servertest.WSNext(t, ctx, c)
	if m.Type != "next" || !strings.Contains(string(m.Payload), `"code":"LIMIT_EXCEEDED"`) {
		t.Fatalf("want a LIMIT_EXCEEDED answer, got %s %s", m.Type, m.Payload)
	}
	if done := servertest.WSNext(t, ctx, c); done.Type != "complete" || done.ID != m.ID {
		t.Errorf("refused subscription not completed: %+v", done)
	}
	servertest.WaitFor(t, func() bool { return db.Subscribers() == 2 })
}

// TestWebsocketRefusals: a page from another origin cannot open a socket,
// and a socket that never sends connection_init is closed.
func TestWebsocketRefusals(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk(), servertest.Config(func(c *httpapi.Config) {
		c.Socket = graph.DefaultSocket()
		c.Socket.InitTimeout = 300 * time.Millisecond
		c.Socket.Origins = []string{"explorer.example.org"}
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	t.Run("bad origin", func(t *testing.T) {
		c, err := servertest.DialWS(t, ctx, srv.URL, http.Header{"Origin": {"https://evil.example.com"}})
		if err == nil {
			c.CloseNow()
			t.Fatal("a socket from a foreign origin was accepted")
		}
	})
	t.Run("allowed origin", func(t *testing.T) {
		c, err := servertest.DialWS(t, ctx, srv.URL, http.Header{"Origin": {"https://explorer.example.org"}})
		if err != nil {
			t.Fatal(err)
		}
		c.CloseNow()
	})
	t.Run("no init", func(t *testing.T) {
		c, err := servertest.DialWS(t, ctx, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		start := time.Now()
		_, _, err = c.Read(ctx)
		var ce websocket.CloseError
		if !errors.As(err, &ce) || !strings.Contains(ce.Reason, "initialisation timeout") {
			t.Errorf("read after no init: %v, want a close for the init timeout", err)
		}
		if time.Since(start) > 10*time.Second {
			t.Errorf("closed only after %v", time.Since(start))
		}
	})
}

// TestMembershipChangedNeedsAnOrganization: subscribing to the
// membership of an ID that is no organization in the store is refused
// with NOT_FOUND instead of waiting forever for events that cannot come.
func TestMembershipChangedNeedsAnOrganization(t *testing.T) {
	srv := servertest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := servertest.WSOpen(t, ctx, srv.URL)
	for _, id := range []string{"org/no-such-alliance", "country/NOR"} {
		servertest.Subscribe(t, ctx, c, "m", `subscription { membershipChanged(alliance: "`+id+`") { kind } }`)
		m := servertest.WSNext(t, ctx, c)
		if m.Type != "next" || !strings.Contains(string(m.Payload), `"code":"NOT_FOUND"`) {
			t.Fatalf("%s: got %s %s, want NOT_FOUND", id, m.Type, m.Payload)
		}
		if m := servertest.WSNext(t, ctx, c); m.Type != "complete" {
			t.Fatalf("%s: got %s, want complete", id, m.Type)
		}
	}
}

package httpapi_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// aliceInit is a connection_init payload carrying alice's token.
var aliceInit = map[string]any{"Authorization": "Bearer " + servertest.AliceToken}

// dialFrom opens a websocket to base's /graphql from the loopback address
// local: 127.0.0.1 and 127.0.0.2 are two clients to the per-client limits.
func dialFrom(ctx context.Context, base, local string, h http.Header) (*websocket.Conn, *http.Response, error) {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	client := &http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
	return websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h, HTTPClient: client,
	})
}

// wsInit sends connection_init with payload (none when nil) and waits
// for the ack.
func wsInit(t *testing.T, ctx context.Context, c *websocket.Conn, payload map[string]any) {
	t.Helper()
	m := servertest.WSMsg{Type: "connection_init"}
	if payload != nil {
		m.Payload, _ = json.Marshal(payload)
	}
	servertest.WSSend(t, ctx, c, m)
	if m := servertest.WSNext(t, ctx, c); m.Type != "connection_ack" {
		t.Fatalf("want connection_ack, got %+v", m)
	}
}

// openFrom opens and initialises a socket from local, closed at the end
// of the test.
func openFrom(t *testing.T, ctx context.Context, base, local string, payload map[string]any) *websocket.Conn {
	t.Helper()
	c, _, err := dialFrom(ctx, base, local, nil)
	if err != nil {
		t.Fatalf("socket from %s: %v", local, err)
	}
	t.Cleanup(func() { c.CloseNow() })
	wsInit(t, ctx, c, payload)
	return c
}

// upgradeRefused fails the test unless the handshake was answered status
// with a LIMIT_EXCEEDED error whose message contains msg.
func upgradeRefused(t *testing.T, c *websocket.Conn, resp *http.Response, err error, status int, msg string) {
	t.Helper()
	if err == nil {
		c.CloseNow()
		t.Fatalf("the socket was accepted, want %d", status)
	}
	if resp == nil {
		t.Fatalf("no answer to the handshake: %v", err)
	}
	var g servertest.Response
	b := make([]byte, 1024)
	n, _ := resp.Body.Read(b)
	if resp.StatusCode != status || json.Unmarshal(b[:n], &g) != nil || g.Code() != "LIMIT_EXCEEDED" || !strings.Contains(g.FirstMessage(), msg) {
		t.Fatalf("handshake answered %d %s, want %d LIMIT_EXCEEDED mentioning %q", resp.StatusCode, b[:n], status, msg)
	}
}

// subRefused reads the answer to subscription id, which must be an error
// and then complete, and returns its code and message.
func subRefused(t *testing.T, ctx context.Context, c *websocket.Conn, id string) (code, msg string) {
	t.Helper()
	m := servertest.WSNext(t, ctx, c)
	var g servertest.Response
	if m.ID != id || m.Type != "next" || json.Unmarshal(m.Payload, &g) != nil || len(g.Errors) == 0 {
		t.Fatalf("subscription %s: got %s %s %s, want an error", id, m.ID, m.Type, m.Payload)
	}
	if done := servertest.WSNext(t, ctx, c); done.Type != "complete" || done.ID != id {
		t.Fatalf("refused subscription %s not completed: %+v", id, done)
	}
	return g.Code(), g.FirstMessage()
}

// TestSocketCaps: --max-client-sockets refuses a client's next socket
// with 429, --max-sockets everybody's with 503, both LIMIT_EXCEEDED;
// plain HTTP keeps answering, and a closed socket frees its slot.
func TestSocketCaps(t *testing.T) {
	srv := servertest.New(t, servertest.Config(func(c *httpapi.Config) {
		c.Socket = graph.DefaultSocket()
		c.Socket.MaxSockets = 3
		c.Socket.MaxClientSockets = 2
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a1 := openFrom(t, ctx, srv.URL, "127.0.0.1", aliceInit)
	openFrom(t, ctx, srv.URL, "127.0.0.1", aliceInit)
	c, resp, err := dialFrom(ctx, srv.URL, "127.0.0.1", nil)
	upgradeRefused(t, c, resp, err, http.StatusTooManyRequests, "2 websockets")
	openFrom(t, ctx, srv.URL, "127.0.0.2", aliceInit)
	c, resp, err = dialFrom(ctx, srv.URL, "127.0.0.2", nil)
	upgradeRefused(t, c, resp, err, http.StatusServiceUnavailable, "3 websockets")

	servertest.StillServes(t, srv.URL)
	if r := servertest.Send(t, "GET", srv.URL+"/healthz", "", nil, nil); r.Status != http.StatusOK {
		t.Fatalf("/healthz at the socket cap: %d %s", r.Status, r.Body)
	}
	a1.Close(websocket.StatusNormalClosure, "bye")
	servertest.WaitFor(t, func() bool {
		c, _, err := dialFrom(ctx, srv.URL, "127.0.0.2", nil)
		if err == nil {
			t.Cleanup(func() { c.CloseNow() })
		}
		return err == nil
	})
}

// TestSubscriptionCaps: --max-client-subscriptions counts a client's
// subscriptions over all its sockets, --max-subscriptions everybody's;
// beyond either a subscription is answered LIMIT_EXCEEDED, and a
// completed one frees its slot.
func TestSubscriptionCaps(t *testing.T) {
	srv := servertest.New(t, servertest.Config(func(c *httpapi.Config) {
		c.Socket = graph.DefaultSocket()
		c.Socket.MaxTotalSubscriptions = 3
		c.Socket.MaxClientSubscriptions = 2
	}))
	db := srv.DB
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	const q = `subscription { changes { id } }`
	a1 := openFrom(t, ctx, srv.URL, "127.0.0.1", aliceInit)
	a2 := openFrom(t, ctx, srv.URL, "127.0.0.1", aliceInit)
	b := openFrom(t, ctx, srv.URL, "127.0.0.2", aliceInit)
	servertest.Subscribe(t, ctx, a1, "1", q)
	servertest.Subscribe(t, ctx, a2, "1", q)
	servertest.WaitFor(t, func() bool { return db.Subscribers() == 2 })
	servertest.Subscribe(t, ctx, a1, "2", q)
	if code, msg := subRefused(t, ctx, a1, "2"); code != "LIMIT_EXCEEDED" || !strings.Contains(msg, "2 subscriptions") {
		t.Errorf("third subscription of one client: %s %q", code, msg)
	}
	servertest.Subscribe(t, ctx, b, "1", q)
	servertest.WaitFor(t, func() bool { return db.Subscribers() == 3 })
	servertest.Subscribe(t, ctx, b, "2", q)
	if code, msg := subRefused(t, ctx, b, "2"); code != "LIMIT_EXCEEDED" || !strings.Contains(msg, "3 subscriptions") {
		t.Errorf("subscription over the server's cap: %s %q", code, msg)
	}
	servertest.WSSend(t, ctx, a1, servertest.WSMsg{ID: "1", Type: "complete"})
	servertest.WaitFor(t, func() bool { return db.Subscribers() == 2 })
	servertest.Subscribe(t, ctx, b, "3", q)
	servertest.WaitFor(t, func() bool { return db.Subscribers() == 3 })
}

// TestAnonymousSubscriptions: a subscription needs a configured token in
// connection_init's payload (or the handshake's Authorization header)
// unless the server runs with --ws-anonymous; a query over the socket
// does not, reads being open.
func TestAnonymousSubscriptions(t *testing.T) {
	const q = `subscription { changes { id } }`
	for _, tc := range []struct {
		name      string
		anonymous bool
		noTokens  bool
		payload   map[string]any
		header    http.Header
		code, msg string // "": accepted
	}{
		{name: "no token", code: "UNAUTHENTICATED", msg: "connection_init"},
		{name: "empty payload", payload: map[string]any{}, code: "UNAUTHENTICATED", msg: "connection_init"},
		{name: "wrong token", payload: map[string]any{"Authorization": "Bearer not-a-token-0123456789"}, code: "UNAUTHENTICATED", msg: "not valid"},
		{name: "not a bearer token", payload: map[string]any{"Authorization": "Basic " + servertest.AliceToken}, code: "UNAUTHENTICATED", msg: "not valid"},
		{name: "token", payload: aliceInit},
		{name: "token, lower-case key", payload: map[string]any{"authorization": "Bearer " + servertest.BobToken}},
		{name: "token in the handshake header", header: http.Header{"Authorization": {"Bearer " + servertest.AliceToken}}},
		{name: "no tokens configured", noTokens: true, code: "FORBIDDEN", msg: "--ws-anonymous"},
		{name: "anonymous", anonymous: true},
		{name: "anonymous, no tokens configured", anonymous: true, noTokens: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := servertest.New(t, servertest.Config(func(c *httpapi.Config) {
				c.Socket = graph.DefaultSocket()
				c.Socket.Anonymous = tc.anonymous
				if tc.noTokens {
					c.Policy.Tokens = nil
				}
			}))
			db := srv.DB
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			c, _, err := dialFrom(ctx, srv.URL, "127.0.0.1", tc.header)
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseNow()
			wsInit(t, ctx, c, tc.payload)
			// A query needs no token.
			servertest.Subscribe(t, ctx, c, "q", `{ alliance(id: "org/nato") { name } }`)
			if m := servertest.WSNext(t, ctx, c); m.Type != "next" || !strings.Contains(string(m.Payload), "North Atlantic") {
				t.Fatalf("query over the socket: %s %s", m.Type, m.Payload)
			}
			if m := servertest.WSNext(t, ctx, c); m.Type != "complete" {
				t.Fatalf("query over the socket not completed: %+v", m)
			}
			servertest.Subscribe(t, ctx, c, "s", q)
			if tc.code == "" {
				servertest.WaitFor(t, func() bool { return db.Subscribers() == 1 })
				return
			}
			if code, msg := subRefused(t, ctx, c, "s"); code != tc.code || !strings.Contains(msg, tc.msg) {
				t.Errorf("got %s %q, want %s mentioning %q", code, msg, tc.code, tc.msg)
			}
			if n := db.Subscribers(); n != 0 {
				t.Errorf("%d subscribers in the store", n)
			}
		})
	}
}

// TestRefusedSocketsBounded: a client that opens 100 sockets against
// --max-sockets 4 and asks each for 10 subscriptions without a token gets
// 4 sockets and no subscription, and the server's goroutines stay
// bounded (this test's client goroutines count too: the bound is
// generous, the unbounded case is thousands).
func TestRefusedSocketsBounded(t *testing.T) {
	srv := servertest.New(t, servertest.Config(func(c *httpapi.Config) {
		c.Socket = graph.DefaultSocket()
		c.Socket.MaxSockets = 4
		c.Socket.MaxClientSockets = 1000
	}))
	db := srv.DB
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	before := runtime.NumGoroutine()
	var open []*websocket.Conn
	for range 100 {
		c, _, err := dialFrom(ctx, srv.URL, "127.0.0.1", nil)
		if err != nil {
			continue
		}
		defer c.CloseNow()
		wsInit(t, ctx, c, nil)
		open = append(open, c)
	}
	const perSocket = 10
	for _, c := range open {
		for i := range perSocket {
			servertest.Subscribe(t, ctx, c, string(rune('a'+i)), `subscription { changes { id } }`)
		}
	}
	// Each subscription is answered with an error, then completed. The
	// deadline only keeps accepted subscriptions, which send nothing,
	// from hanging the test.
	rctx, rcancel := context.WithTimeout(ctx, 10*time.Second)
	defer rcancel()
read:
	for _, c := range open {
		for n := 0; n < 2*perSocket; {
			_, b, err := c.Read(rctx)
			if err != nil {
				t.Errorf("reading the refusals: %v", err)
				break read
			}
			var m servertest.WSMsg
			switch json.Unmarshal(b, &m); {
			case m.Type == "next" && strings.Contains(string(m.Payload), `"code":"UNAUTHENTICATED"`), m.Type == "complete":
				n++
			case m.Type != "ping" && m.Type != "pong":
				t.Fatalf("want UNAUTHENTICATED refusals, got %s", b)
			}
		}
	}
	if len(open) > 4 {
		t.Errorf("%d sockets accepted, want at most 4", len(open))
	}
	if n := db.Subscribers(); n != 0 {
		t.Errorf("%d subscribers in the store", n)
	}
	if grown := runtime.NumGoroutine() - before; grown > 200 {
		t.Errorf("goroutines grew by %d", grown)
	}
}

package servertest

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// WSMsg is a graphql-transport-ws message.
type WSMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// DialWS opens a graphql-transport-ws websocket to url's /graphql with
// the handshake headers h.
func DialWS(t testing.TB, ctx context.Context, url string, h http.Header) (*websocket.Conn, error) {
	t.Helper()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h,
	})
	return c, err
}

// WSSend sends m.
func WSSend(t testing.TB, ctx context.Context, c *websocket.Conn, m WSMsg) {
	t.Helper()
	b, _ := json.Marshal(m)
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
}

// WSNext reads messages until one that is not a ping/pong.
func WSNext(t testing.TB, ctx context.Context, c *websocket.Conn) WSMsg {
	t.Helper()
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var m WSMsg
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if m.Type != "ping" && m.Type != "pong" {
			return m
		}
	}
}

// WSOpen opens a socket and initialises it with alice's token, which
// subscriptions need (the token is ignored where none is configured).
func WSOpen(t testing.TB, ctx context.Context, url string) *websocket.Conn {
	t.Helper()
	c, err := DialWS(t, ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	p, _ := json.Marshal(map[string]any{"Authorization": "Bearer " + AliceToken})
	WSSend(t, ctx, c, WSMsg{Type: "connection_init", Payload: p})
	if m := WSNext(t, ctx, c); m.Type != "connection_ack" {
		t.Fatalf("want connection_ack, got %+v", m)
	}
	return c
}

// Subscribe sends a subscribe message for query q with id.
func Subscribe(t testing.TB, ctx context.Context, c *websocket.Conn, id, q string) {
	t.Helper()
	p, _ := json.Marshal(map[string]any{"query": q})
	WSSend(t, ctx, c, WSMsg{ID: id, Type: "subscribe", Payload: p})
}

// WaitFor polls cond for a few seconds; the feed and the socket end are
// asynchronous.
func WaitFor(t testing.TB, cond func() bool) {
	t.Helper()
	for range 500 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not reached")
}

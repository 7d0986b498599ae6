package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestSocketMessagesKeepTheirText: a websocket message whose JSON holds
// half a UTF-16 surrogate pair or bytes that are not UTF-8 is refused,
// as over POST and GET, instead of reaching the store with U+FFFD in the
// client's value. A subscribe gets a coded error for its id (the socket
// stays usable); any other message closes the socket with 4400.
func TestSocketMessagesKeepTheirText(t *testing.T) {
	srv := servertest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	q, _ := json.Marshal(`mutation($n: String!) { upsertEntity(input: {id: "place/ws-text", kind: PLACE, name: $n}) { changed } }`)
	for _, tc := range []struct{ name, payload, want string }{
		{"lone high surrogate", `{"query":` + string(q) + `,"variables":{"n":"A\ud800B"}}`, `variable $n: \ud800 is half of a UTF-16 surrogate pair`},
		{"lone low surrogate", `{"query":` + string(q) + `,"variables":{"n":"\udc00"}}`, `variable $n: \udc00 is half`},
		{"not UTF-8", `{"query":` + string(q) + `,"variables":{"n":"A` + "\xff" + `B"}}`, `not valid UTF-8`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := servertest.WSOpen(t, ctx, srv.URL)
			msg := `{"id":"w","type":"subscribe","payload":` + tc.payload + `}`
			if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
				t.Fatal(err)
			}
			m := servertest.WSNext(t, ctx, c)
			var errs []struct {
				Message    string
				Extensions struct{ Code string }
			}
			_ = json.Unmarshal(m.Payload, &errs)
			if m.Type != "error" || m.ID != "w" || len(errs) != 1 || !strings.Contains(errs[0].Message, tc.want) || errs[0].Extensions.Code != "BAD_USER_INPUT" {
				t.Fatalf("got %s %s %s, want an error for w saying %q with BAD_USER_INPUT", m.Type, m.ID, m.Payload, tc.want)
			}
			// The socket still answers, and nothing was written.
			servertest.Subscribe(t, ctx, c, "r", `query { entity(id: "place/ws-text") { id } }`)
			if m := servertest.WSNext(t, ctx, c); m.Type != "next" || !strings.Contains(string(m.Payload), `"code":"NOT_FOUND"`) {
				t.Fatalf("after the refusal: %s %s, want entity NOT_FOUND", m.Type, m.Payload)
			}
		})
	}
	t.Run("a whole pair is a character", func(t *testing.T) {
		c := servertest.WSOpen(t, ctx, srv.URL)
		msg := `{"id":"w","type":"subscribe","payload":{"query":` + string(q) + `,"variables":{"n":"A\ud83d\ude00"}}}`
		if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		if m := servertest.WSNext(t, ctx, c); m.Type != "next" || string(m.Payload) != `{"data":{"upsertEntity":{"changed":true}}}` {
			t.Fatalf("got %s %s", m.Type, m.Payload)
		}
		if m := servertest.WSNext(t, ctx, c); m.Type != "complete" {
			t.Fatalf("got %s %s, want complete", m.Type, m.Payload)
		}
		servertest.Subscribe(t, ctx, c, "r", `query { entity(id: "place/ws-text") { name } }`)
		if m := servertest.WSNext(t, ctx, c); string(m.Payload) != `{"data":{"entity":{"name":"A😀"}}}` {
			t.Fatalf("stored name: %s", m.Payload)
		}
	})
	t.Run("connection_init", func(t *testing.T) {
		c, err := servertest.DialWS(t, ctx, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"connection_init","payload":{"Authorization":"Bearer \ud800"}}`)); err != nil {
			t.Fatal(err)
		}
		_, _, err = c.Read(ctx)
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != 4400 || !strings.Contains(ce.Reason, "surrogate") {
			t.Fatalf("read: %v, want close 4400 naming the surrogate", err)
		}
	})
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// socketAttack is issue 17 item 8: sockets workers each open a
// graphql-transport-ws websocket, open subs subscriptions on it (with
// token in connection_init, or without one when token is ""), hold it
// for hold, close it and start again, at most rate sockets a second
// together. Worker i dials from loopback address 127.0.1.(1 + i mod ips),
// so that the sockets come from ips clients, as many hosts would.
//
// Each socket counts as one attempt, by how its handshake was answered;
// each subscription is counted by how it was answered while the socket
// was held: "sub <code>" for a refusal, "sub open" when none came.
func socketAttack(ctx context.Context, base, token string, sockets, subs, ips int, hold time.Duration, rate float64, t *tally) {
	wsURL := "ws" + strings.TrimPrefix(base, "http") + "/graphql"
	p := newPacer(ctx, rate)
	var wg sync.WaitGroup
	for i := range sockets {
		wg.Go(func() {
			from := net.IPv4(127, 0, 1, byte(1+i%max(1, min(ips, 254))))
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true,
				DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: from}}).DialContext}}
			for p.wait(ctx) {
				oneSocket(ctx, client, wsURL, token, subs, hold, t)
			}
		})
	}
	wg.Wait()
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func oneSocket(ctx context.Context, client *http.Client, wsURL, token string, subs int, hold time.Duration, t *tally) {
	t0 := time.Now()
	c, resp, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPClient: client, Subprotocols: []string{"graphql-transport-ws"}})
	if ctx.Err() != nil {
		if c != nil {
			c.CloseNow()
		}
		return
	}
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			b, _ := io.ReadAll(resp.Body)
			t.add("handshake "+answerOutcome(resp.StatusCode, b), time.Since(t0), len(b))
			return
		}
		t.add("handshake failed: "+netOutcome(err), 0, 0)
		return
	}
	defer c.CloseNow()
	t.add("handshake 101", time.Since(t0), 0)

	hctx, cancel := context.WithTimeout(ctx, hold)
	defer cancel()
	// ended counts why the socket ended early, unless the attack is
	// stopping (then it is not an answer).
	ended := func(what string, err error) {
		if ctx.Err() == nil {
			t.count(what + ": " + socketEnd(ctx, err))
		}
	}
	write := func(m wsMessage) error {
		b, _ := json.Marshal(m)
		return c.Write(hctx, websocket.MessageText, b)
	}
	var init json.RawMessage
	if token != "" {
		init, _ = json.Marshal(map[string]string{"Authorization": "Bearer " + token})
	}
	if err := write(wsMessage{Type: "connection_init", Payload: init}); err != nil {
		ended("connection_init", err)
		return
	}
	if m, err := readMessage(hctx, c); err != nil || m.Type != "connection_ack" {
		if err == nil {
			err = fmt.Errorf("%s instead of connection_ack", m.Type)
		}
		ended("connection_init", err)
		return
	}
	sub, _ := json.Marshal(map[string]string{"query": "subscription { changes { at id } }"})
	for i := range subs {
		if err := write(wsMessage{ID: fmt.Sprint(i), Type: "subscribe", Payload: sub}); err != nil {
			ended("subscribe", err)
			return
		}
	}
	// Until the hold ends, note each subscription's refusal; those never
	// refused were open.
	refused := map[string]string{}
	for {
		m, err := readMessage(hctx, c)
		if err != nil {
			if hctx.Err() == nil { // not the end of the hold
				ended("socket", err)
			}
			break
		}
		if m.Type == "next" || m.Type == "error" {
			if _, seen := refused[m.ID]; !seen {
				if code := firstCode(m); code != "" {
					refused[m.ID] = code
				}
			}
		}
	}
	if ctx.Err() != nil {
		return // stopped mid-hold: the subscriptions' fate is not known
	}
	for i := range subs {
		if code, ok := refused[fmt.Sprint(i)]; ok {
			t.count("sub " + code)
		} else {
			t.count("sub open")
		}
	}
	c.Close(websocket.StatusNormalClosure, "")
}

// readMessage reads the next graphql-transport-ws message that is not a
// ping or pong.
func readMessage(ctx context.Context, c *websocket.Conn) (wsMessage, error) {
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			return wsMessage{}, err
		}
		var m wsMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return wsMessage{}, fmt.Errorf("not a graphql-transport-ws message: %.80s", b)
		}
		if m.Type != "ping" && m.Type != "pong" {
			return m, nil
		}
	}
}

// firstCode is the extensions.code of a next or error message's first
// error, "" when it has none (a next with data).
func firstCode(m wsMessage) string {
	var errs []struct{ Extensions struct{ Code string } }
	if m.Type == "next" {
		var r struct {
			Errors json.RawMessage
		}
		if json.Unmarshal(m.Payload, &r) != nil || len(r.Errors) == 0 {
			return ""
		}
		json.Unmarshal(r.Errors, &errs)
	} else {
		json.Unmarshal(m.Payload, &errs)
	}
	if len(errs) == 0 {
		return "error without a code"
	}
	if errs[0].Extensions.Code == "" {
		return "error without a code"
	}
	return errs[0].Extensions.Code
}

// socketEnd names why a socket ended before its hold did.
func socketEnd(ctx context.Context, err error) string {
	if s := websocket.CloseStatus(err); s != -1 {
		return fmt.Sprintf("closed by the server (%d)", s)
	}
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return "no answer within the hold"
	}
	return netOutcome(err)
}

package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/alliancegraph/alliancegraph/graph"
)

// TestCORS: with no --cors-origins no response carries a CORS header; with
// an allow-list, allowed origins get their own origin back and preflights
// answered, others get nothing a browser would accept.
func TestCORS(t *testing.T) {
	corsHeaders := []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers"}
	noCORS := func(t *testing.T, r reply) {
		t.Helper()
		for _, h := range corsHeaders {
			if v := r.header.Get(h); v != "" {
				t.Errorf("%s: %s, want none", h, v)
			}
		}
	}
	preflight := func(base, origin string) map[string]string {
		return map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, authorization"}
	}
	body := `{"query":"{ __typename }"}`

	t.Run("default: none", func(t *testing.T) {
		srv, _ := newHardServer(t, nil, nil)
		r := send(t, "POST", srv.URL+"/graphql", "application/json", strings.NewReader(body), map[string]string{"Origin": "https://app.example.org"})
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		noCORS(t, r)
		r = send(t, "OPTIONS", srv.URL+"/graphql", "", nil, preflight(srv.URL, "https://app.example.org"))
		noCORS(t, r)
		if r.status == http.StatusNoContent || r.status == http.StatusOK {
			t.Errorf("preflight answered %d with CORS off", r.status)
		}
	})

	srv, _ := newHardServer(t, func(c *serveConfig) { c.corsOrigins = "app.example.org, *.partner.example" }, nil)
	for _, origin := range []string{"https://app.example.org", "http://tools.partner.example", "https://APP.example.org"} {
		t.Run("allowed "+origin, func(t *testing.T) {
			r := send(t, "OPTIONS", srv.URL+"/graphql", "", nil, preflight(srv.URL, origin))
			if r.status != http.StatusNoContent {
				t.Fatalf("preflight status %d: %s", r.status, r.body)
			}
			h := r.header
			if h.Get("Access-Control-Allow-Origin") != origin || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
				!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") || !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
				t.Errorf("preflight headers: %v", h)
			}
			r = send(t, "POST", srv.URL+"/graphql", "application/json", strings.NewReader(body), map[string]string{"Origin": origin})
			if r.status != http.StatusOK || r.header.Get("Access-Control-Allow-Origin") != origin || !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "X-Request-Id") {
				t.Errorf("request: %d %v", r.status, r.header)
			}
		})
	}
	for _, origin := range []string{"https://evil.example.com", "https://app.example.org.evil.example", "null", "file://app.example.org"} {
		t.Run("refused "+origin, func(t *testing.T) {
			r := send(t, "OPTIONS", srv.URL+"/graphql", "", nil, preflight(srv.URL, origin))
			if g := r.gql(t); r.status != http.StatusForbidden || g.code() != "FORBIDDEN" {
				t.Errorf("preflight: %d %s", r.status, r.body)
			}
			noCORS(t, r)
			// The server still answers a simple request (a browser would
			// hide it from the page); it just never says the page may read it.
			r = send(t, "POST", srv.URL+"/graphql", "application/json", strings.NewReader(body), map[string]string{"Origin": origin})
			noCORS(t, r)
			stillServes(t, srv.URL)
		})
	}
}

// TestOneOperationPerRequest: a batch (JSON array) is refused 400; a
// document with several operations runs the one operationName names, and
// without a name is refused as GraphQL says.
func TestOneOperationPerRequest(t *testing.T) {
	srv, _ := newHardServer(t, nil, nil)
	post := func(body string) reply {
		return send(t, "POST", srv.URL+"/graphql", "application/json", strings.NewReader(body), nil)
	}
	r := post(`[{"query":"{ __typename }"}]`)
	if g := r.gql(t); r.status != http.StatusBadRequest || g.code() != "BAD_USER_INPUT" || !strings.Contains(firstMessage(g), "one operation per request") {
		t.Errorf("batch: %d %s", r.status, r.body)
	}
	doc := `query Count { alliance(id: \"org/nato\") { memberCount(asOf: \"2024-10-01\") } } query Name { alliance(id: \"org/nato\") { name } }`
	r = post(`{"query":"` + doc + `","operationName":"Count"}`)
	if g := r.gql(t); r.status != http.StatusOK || string(g.Data) != `{"alliance":{"memberCount":32}}` {
		t.Errorf("named operation: %d %s", r.status, r.body)
	}
	r = post(`{"query":"` + doc + `"}`)
	if g := r.gql(t); r.status != 200 || g.code() != "BAD_USER_INPUT" || !strings.Contains(firstMessage(g), "operationName") {
		t.Errorf("unnamed: %d %s", r.status, r.body)
	}
	r = post(`{"query":"` + doc + `","operationName":"Other"}`)
	if g := r.gql(t); r.status != 200 || g.code() != "BAD_USER_INPUT" {
		t.Errorf("unknown operationName: %d %s", r.status, r.body)
	}
	stillServes(t, srv.URL)
}

// TestWebsocketMessageCap: a client message over --ws-max-message closes
// its socket with 1009 (message too big); a message under it works, and
// so do other sockets and HTTP.
func TestWebsocketMessageCap(t *testing.T) {
	srv, _ := newHardServer(t, func(c *serveConfig) {
		c.socket = graph.DefaultSocket()
		c.socket.MaxMessageBytes = 4 << 10
	}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := wsOpen(t, ctx, srv.URL)
	// Under the cap: answered.
	small, _ := json.Marshal(map[string]any{"query": `subscription { changes { id } }`, "variables": map[string]any{"pad": strings.Repeat("x", 3<<10)}})
	wsSend(t, ctx, c, wsMsg{ID: "1", Type: "subscribe", Payload: small})
	wsSend(t, ctx, c, wsMsg{ID: "1", Type: "complete"})
	// Over it: the socket is closed.
	big, _ := json.Marshal(map[string]any{"query": `subscription { changes { id } }`, "variables": map[string]any{"pad": strings.Repeat("x", 8<<10)}})
	wsSend(t, ctx, c, wsMsg{ID: "2", Type: "subscribe", Payload: big})
	for {
		_, _, err := c.Read(ctx)
		if err == nil {
			continue
		}
		if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
			t.Fatalf("after an oversized message: %v, want close 1009", err)
		}
		break
	}
	stillServes(t, srv.URL)
	wsOpen(t, ctx, srv.URL)
}

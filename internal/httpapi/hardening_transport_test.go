package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestCORS: with no --cors-origins no response carries a CORS header; with
// an allow-list, allowed origins get their own origin back and preflights
// answered, others get nothing a browser would accept.
func TestCORS(t *testing.T) {
	corsHeaders := []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers"}
	noCORS := func(t *testing.T, r servertest.Reply) {
		t.Helper()
		for _, h := range corsHeaders {
			if v := r.Header.Get(h); v != "" {
				t.Errorf("%s: %s, want none", h, v)
			}
		}
	}
	preflight := func(base, origin string) map[string]string {
		return map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, authorization"}
	}
	body := `{"query":"{ __typename }"}`

	t.Run("default: none", func(t *testing.T) {
		srv := servertest.New(t)
		r := servertest.Send(t, "POST", srv.URL+"/graphql", "application/json", strings.NewReader(body), map[string]string{"Origin": "https://app.example.org"})
		if r.Status != http.StatusOK {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		noCORS(t, r)
		r = servertest.Send(t, "OPTIONS", srv.URL+"/graphql", "", nil, preflight(srv.URL, "https://app.example.org"))
		noCORS(t, r)
		if r.Status == http.StatusNoContent || r.Status == http.StatusOK {
			t.Errorf("preflight answered %d with CORS off", r.Status)
		}
	})

	srv := servertest.New(t, servertest.Config(func(c *httpapi.Config) { c.CORSOrigins = []string{"app.example.org", "*.partner.example"} }))
	for _, origin := range []string{"https://app.example.org", "http://tools.partner.example", "https://APP.example.org"} {
		t.Run("allowed "+origin, func(t *testing.T) {
			r := servertest.Send(t, "OPTIONS", srv.URL+"/graphql", "", nil, preflight(srv.URL, origin))
			if r.Status != http.StatusNoContent {
				t.Fatalf("preflight status %d: %s", r.Status, r.Body)
			}
			h := r.Header
			if h.Get("Access-Control-Allow-Origin") != origin || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
				!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") || !strings.Contains(h.Get("Access-Control-Allow-Headers"), "X-Min-Revision") ||
				!strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
				t.Errorf("preflight headers: %v", h)
			}
			r = servertest.Send(t, "POST", srv.URL+"/graphql", "application/json", strings.NewReader(body), map[string]string{"Origin": origin})
			if r.Status != http.StatusOK || r.Header.Get("Access-Control-Allow-Origin") != origin || !strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "X-Request-Id") ||
				!strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "X-Revision") {
				t.Errorf("request: %d %v", r.Status, r.Header)
			}
		})
	}
	for _, origin := range []string{"https://evil.example.com", "https://app.example.org.evil.example", "null", "file://app.example.org"} {
		t.Run("refused "+origin, func(t *testing.T) {
			r := servertest.Send(t, "OPTIONS", srv.URL+"/graphql", "", nil, preflight(srv.URL, origin))
			if g := r.GQL(t); r.Status != http.StatusForbidden || g.Code() != "FORBIDDEN" {
				t.Errorf("preflight: %d %s", r.Status, r.Body)
			}
			noCORS(t, r)
			// The server still answers a simple request (a browser would
			// hide it from the page); it just never says the page may read it.
			r = servertest.Send(t, "POST", srv.URL+"/graphql", "application/json", strings.NewReader(body), map[string]string{"Origin": origin})
			noCORS(t, r)
			servertest.StillServes(t, srv.URL)
		})
	}
}

// TestOneOperationPerRequest: a batch (JSON array) is refused 400; a
// document with several operations runs the one operationName names, and
// without a name is refused as GraphQL says.
func TestOneOperationPerRequest(t *testing.T) {
	srv := servertest.New(t)
	post := func(body string) servertest.Reply {
		return servertest.Send(t, "POST", srv.URL+"/graphql", "application/json", strings.NewReader(body), nil)
	}
	r := post(`[{"query":"{ __typename }"}]`)
	if g := r.GQL(t); r.Status != http.StatusBadRequest || g.Code() != "BAD_USER_INPUT" || !strings.Contains(g.FirstMessage(), "one operation per request") {
		t.Errorf("batch: %d %s", r.Status, r.Body)
	}
	doc := `query Count { alliance(id: \"org/nato\") { memberCount(asOf: \"2024-10-01\") } } query Name { alliance(id: \"org/nato\") { name } }`
	r = post(`{"query":"` + doc + `","operationName":"Count"}`)
	if g := r.GQL(t); r.Status != http.StatusOK || string(g.Data) != `{"alliance":{"memberCount":32}}` {
		t.Errorf("named operation: %d %s", r.Status, r.Body)
	}
	r = post(`{"query":"` + doc + `"}`)
	if g := r.GQL(t); r.Status != 200 || g.Code() != "BAD_USER_INPUT" || !strings.Contains(g.FirstMessage(), "operationName") {
		t.Errorf("unnamed: %d %s", r.Status, r.Body)
	}
	r = post(`{"query":"` + doc + `","operationName":"Other"}`)
	if g := r.GQL(t); r.Status != 200 || g.Code() != "BAD_USER_INPUT" {
		t.Errorf("unknown operationName: %d %s", r.Status, r.Body)
	}
	servertest.StillServes(t, srv.URL)
}

// TestWebsocketMessageCap: a client message over --ws-max-message closes
// its socket with 1009 (message too big); a message under it works, and
// so do other sockets and HTTP.
func TestWebsocketMessageCap(t *testing.T) {
	srv := servertest.New(t, servertest.Config(func(c *httpapi.Config) {
		c.Socket = graph.DefaultSocket()
		c.Socket.MaxMessageBytes = 4 << 10
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := servertest.WSOpen(t, ctx, srv.URL)
	// Under the cap: answered.
	small, _ := json.Marshal(map[string]any{"query": `subscription { changes { id } }`, "variables": map[string]any{"pad": strings.Repeat("x", 3<<10)}})
	servertest.WSSend(t, ctx, c, servertest.WSMsg{ID: "1", Type: "subscribe", Payload: small})
	servertest.WSSend(t, ctx, c, servertest.WSMsg{ID: "1", Type: "complete"})
	// Over it: the socket is closed.
	big, _ := json.Marshal(map[string]any{"query": `subscription { changes { id } }`, "variables": map[string]any{"pad": strings.Repeat("x", 8<<10)}})
	servertest.WSSend(t, ctx, c, servertest.WSMsg{ID: "2", Type: "subscribe", Payload: big})
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
	servertest.StillServes(t, srv.URL)
	servertest.WSOpen(t, ctx, srv.URL)
}

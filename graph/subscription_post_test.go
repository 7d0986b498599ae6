package graph_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestSubscriptionOverPlainHTTP: a subscription sent as a POST or GET is
// refused at once, with a code and the way to subscribe, not run until
// the resolver deadline and answered by a recovered panic.
func TestSubscriptionOverPlainHTTP(t *testing.T) {
	srv := servertest.New(t)
	const sub = `subscription { membershipChanged(alliance: "org/nato") { kind } }`
	for _, tc := range []struct {
		name, method, accept string
		status               int
	}{
		{"POST json", http.MethodPost, "application/json", http.StatusBadRequest},
		{"POST graphql-response", http.MethodPost, "application/graphql-response+json", http.StatusBadRequest},
		{"GET", http.MethodGet, "application/json", http.StatusMethodNotAllowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var req *http.Request
			if tc.method == http.MethodGet {
				req, _ = http.NewRequestWithContext(ctx, tc.method, srv.URL+"/graphql?query="+strings.ReplaceAll(sub, " ", "+"), nil)
			} else {
				req, _ = http.NewRequestWithContext(ctx, tc.method, srv.URL+"/graphql", strings.NewReader(`{"query":"`+strings.ReplaceAll(sub, `"`, `\"`)+`"}`))
				req.Header.Set("Content-Type", "application/json")
			}
			req.Header.Set("Accept", tc.accept)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%v (the server held the request)", err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), `"code":"BAD_USER_INPUT"`) || !strings.Contains(string(body), "websocket") || (tc.method == http.MethodPost && strings.Contains(string(body), `"data"`)) {
				t.Fatalf("%d %s, want %d BAD_USER_INPUT naming the websocket (no data for a POST)", resp.StatusCode, body, tc.status)
			}
		})
	}
}

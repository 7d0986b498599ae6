package graph_test

import (
	"bytes"
	"encoding/json"
	"log"
	"net/http"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestRefusedHandshakesAreCoded: a websocket handshake the server refuses
// is answered with a coded JSON error, and nothing is written outside the
// server's logger: with --log-json, every line stays JSON. What net/http
// itself reports (a superfluous WriteHeader, say) reaches the server's
// log as a WARN line through its ErrorLog: there is none.
func TestRefusedHandshakesAreCoded(t *testing.T) {
	var std bytes.Buffer
	log.SetOutput(&std)
	t.Cleanup(func() { log.SetOutput(defaultLogOutput) })
	srv := servertest.New(t, servertest.JSONLog())

	for _, tc := range []struct {
		name   string
		header map[string]string
		status int
		code   string
	}{
		{"foreign origin", map[string]string{"Origin": "https://evil.example.com"}, 403, "FORBIDDEN"},
		{"version 8", map[string]string{"Sec-WebSocket-Version": "8"}, 400, "BAD_USER_INPUT"},
		{"no key", map[string]string{"Sec-WebSocket-Key": ""}, 400, "BAD_USER_INPUT"},
		{"short key", map[string]string{"Sec-WebSocket-Key": "c2hvcnQ="}, 400, "BAD_USER_INPUT"},
		{"no Connection: Upgrade", map[string]string{"Connection": "keep-alive"}, 426, "BAD_USER_INPUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+"/graphql", nil)
			for k, v := range map[string]string{
				"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
				"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol": "graphql-transport-ws",
			} {
				req.Header.Set(k, v)
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body servertest.Response
			json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || body.Code() != tc.code {
				t.Errorf("%d %q, want %d %s", resp.StatusCode, body.Code(), tc.status, tc.code)
			}
		})
	}
	srv.Stop(t)
	if std.Len() > 0 {
		t.Errorf("written outside the server's logger: %q", std.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(srv.Log()), "\n") {
		var l struct{ Level string }
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Errorf("log line is not JSON: %q", line)
		} else if l.Level != "INFO" {
			t.Errorf("log line at %s: %q", l.Level, line)
		}
	}
}

var defaultLogOutput = log.Writer()

package httpapi

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestServeStarting: while a node starts, its listener answers (503 but
// /livez) instead of leaving connections unanswered; after stop the same
// listener serves the real handler, a kept-alive connection included.
func TestServeStarting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	base := "http://" + ln.Addr().String()
	stop := ServeStarting(ln, func() string { return "catching up with the log (applied revision 3, head 9)" })
	c := &http.Client{}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"/livez", 200, "ok"},
		{"/readyz", 503, "not ready: starting: catching up with the log (applied revision 3, head 9)"},
		{"/healthz", 503, "not ready: starting"},
		{"/graphql?query=%7B__typename%7D", 503, `"code":"TIMEOUT"`},
		{"/export", 503, "this server is starting (catching up"},
	} {
		if status, body := get(tc.path); status != tc.status || !strings.Contains(body, tc.body) {
			t.Errorf("GET %s while starting: %d %q, want %d with %q", tc.path, status, body, tc.status, tc.body)
		}
	}
	stop()
	stop()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "serving") })}
	go srv.Serve(ln)
	defer srv.Close()
	for range 3 {
		if status, body := get("/graphql"); status != 200 || body != "serving" {
			t.Fatalf("after stop: %d %q, want the real handler", status, body)
		}
	}
}

package httpapi_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// rawGet sends one "Connection: close" GET on a new connection and
// returns the answer, its body read to the end. Unlike http.Get it keeps
// no idle connection that would hold one of the server's slots.
func rawGet(t *testing.T, addr, path string) (*http.Response, []byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	resp, body := getOn(t, c, bufio.NewReader(c), path, "close")
	return resp, body
}

// getOn sends a GET on c with the given Connection header and reads the
// answer from br.
func getOn(t *testing.T, c net.Conn, br *bufio.Reader, path, connection string) (*http.Response, []byte) {
	t.Helper()
	c.SetDeadline(time.Now().Add(20 * time.Second)) // a failure condition only
	if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: test\r\nConnection: "+connection+"\r\n\r\n"); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("GET %s: body: %v", path, err)
	}
	return resp, body
}

// TestUpgradeHeaderKeepsTimeouts: a request that says "Upgrade:
// websocket" but is no websocket handshake (a POST; a GET without the
// handshake's key) and promises a body it never sends is closed by the
// server's read timeout, as any other request is. The server used to lift
// its deadlines on the header alone and hold such a connection forever.
func TestUpgradeHeaderKeepsTimeouts(t *testing.T) {
	addr := servertest.New(t, servertest.Config(func(c *httpapi.Config) { c.ReadTimeout = 300 * time.Millisecond })).Addr
	for _, tc := range []struct{ name, head string }{
		{"POST", "POST /graphql HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"},
		{"GET without a key", "GET /graphql HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nContent-Length: 100\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := io.WriteString(c, tc.head); err != nil {
				t.Fatal(err)
			}
			// The server's read timeout is 300 ms; this deadline only
			// keeps a broken server from hanging the test.
			c.SetReadDeadline(time.Now().Add(30 * time.Second))
			_, err = io.Copy(io.Discard, c)
			if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
				t.Fatal("the server still holds the connection after 30 s")
			}
			if _, body := rawGet(t, addr, "/healthz"); string(body) != "ok\n" {
				t.Errorf("/healthz after it: %q", body)
			}
		})
	}
}

// TestMaxConns: with --max-conns 3 and three connections open, every
// further one is answered 503 with a LIMIT_EXCEEDED error and closed,
// without reading it a request; the three keep working, and once one
// closes, /healthz answers a new client.
func TestMaxConns(t *testing.T) {
	addr := servertest.New(t, servertest.Config(func(c *httpapi.Config) { c.MaxConns = 3 })).Addr
	type held struct {
		c  net.Conn
		br *bufio.Reader
	}
	var open []held
	for range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		h := held{c, bufio.NewReader(c)}
		if resp, body := getOn(t, c, h.br, "/healthz", "keep-alive"); resp.StatusCode != http.StatusOK {
			t.Fatalf("connection %d: %d %s", len(open)+1, resp.StatusCode, body)
		}
		open = append(open, h)
	}
	for i := range 20 {
		resp, body := rawGet(t, addr, "/healthz")
		var g servertest.Response
		if resp.StatusCode != http.StatusServiceUnavailable || json.Unmarshal(body, &g) != nil || g.Code() != "LIMIT_EXCEEDED" ||
			!strings.Contains(g.FirstMessage(), "3 connections") {
			t.Fatalf("connection %d over the cap: %d %s", i+4, resp.StatusCode, body)
		}
	}
	// Refused connections that never read their answer do not hold the
	// accept loop either.
	for range 20 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	for i, h := range open {
		if resp, body := getOn(t, h.c, h.br, "/healthz", "keep-alive"); resp.StatusCode != http.StatusOK {
			t.Fatalf("held connection %d: %d %s", i+1, resp.StatusCode, body)
		}
	}
	open[0].c.Close()
	servertest.WaitFor(t, func() bool {
		resp, body := rawGet(t, addr, "/healthz")
		return resp.StatusCode == http.StatusOK && string(body) == "ok\n"
	})
}

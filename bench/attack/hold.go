package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"
)

// holdRequest is issue 17 item 4: a POST that says "Upgrade: websocket"
// and promises a body it never sends. Before the fix the server lifted
// its read timeout for it and held the connection for good.
const holdRequest = "POST /graphql HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
	"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"

// holdAttack keeps up to conns such connections open, opening at most
// rate a second, each until the server answers or closes it. One still
// open after bound has been held past the server's read timeout: it is
// counted as "held past the bound" and closed. Connections open when ctx
// ends are closed and counted as "held at the stop", not as answers.
func holdAttack(ctx context.Context, base string, conns int, rate float64, bound time.Duration, t *tally) {
	u, err := url.Parse(base)
	if err != nil {
		t.add("error: "+err.Error(), 0, 0)
		return
	}
	req := fmt.Sprintf(holdRequest, u.Host)
	p := newPacer(ctx, rate)
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			for p.wait(ctx) {
				outcome, took := holdOne(ctx, u.Host, req, bound)
				if outcome == "" {
					return // stopped before the connection was made
				}
				t.add(outcome, took, 0)
				if outcome == "connecting: client out of file descriptors" || outcome == "connecting: client out of ports" {
					// Wait for a slot rather than spin on a failing dial.
					select {
					case <-ctx.Done():
					case <-time.After(time.Second):
					}
				}
			}
		})
	}
	wg.Wait()
}

// holdOne opens one connection, sends the request head and waits for the
// server's answer or close. It returns the outcome and how long the
// connection was held, or "" when ctx ended before it connected.
func holdOne(ctx context.Context, host, req string, bound time.Duration) (string, time.Duration) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		if ctx.Err() != nil {
			return "", 0
		}
		return "connecting: " + netOutcome(err), 0
	}
	defer c.Close()
	t0 := time.Now()
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Now()) })
	defer stop()
	c.SetDeadline(t0.Add(bound))
	if _, err := io.WriteString(c, req); err != nil {
		if ctx.Err() != nil {
			return "held at the stop", 0
		}
		return "sending: " + netOutcome(err), time.Since(t0)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	took := time.Since(t0)
	switch {
	case ctx.Err() != nil:
		return "held at the stop", 0
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Sprintf("held past the bound of %v", bound), took
	case err != nil:
		return netOutcome(err), took
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return answerOutcome(resp.StatusCode, b), took
}

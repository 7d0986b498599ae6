package graph

import (
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// limitedConn is a websocket connection that records the read limit and
// the read deadline gqlgen sets on it.
type limitedConn struct {
	transport.WebsocketConn
	limit    int64
	deadline time.Time
}

func (c *limitedConn) SetReadLimit(n int64)              { c.limit = n }
func (c *limitedConn) SetReadDeadline(t time.Time) error { c.deadline = t; return nil }

// TestTextCheckedConnKeepsLimits: gqlgen enforces the message size cap
// (--ws-max-message) and the pong timeout only through the optional
// interfaces of the connection it is given; the text-checking wrapper
// must pass both on to the connection it wraps, or a client could send
// a message of any size.
func TestTextCheckedConnKeepsLimits(t *testing.T) {
	inner := &limitedConn{}
	var c transport.WebsocketConn = &textCheckedConn{WebsocketConn: inner}
	l, ok := c.(transport.WebsocketReadLimiter)
	if !ok {
		t.Fatal("the wrapper hides SetReadLimit: gqlgen sets no message size limit")
	}
	l.SetReadLimit(4096)
	if inner.limit != 4096 {
		t.Errorf("read limit %d reached the connection, want 4096", inner.limit)
	}
	d, ok := c.(transport.WebsocketReadDeadliner)
	if !ok {
		t.Fatal("the wrapper hides SetReadDeadline: gqlgen cannot time out a missing pong")
	}
	at := time.Unix(1700000000, 0)
	if err := d.SetReadDeadline(at); err != nil || !inner.deadline.Equal(at) {
		t.Errorf("read deadline %v (%v) reached the connection, want %v", inner.deadline, err, at)
	}
}

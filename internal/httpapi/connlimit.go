package httpapi

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alliancegraph/alliancegraph/graph"
)

// DefaultMaxConns is --max-conns unless given: see defaultMaxConns.
func DefaultMaxConns() int { return defaultMaxConns(openFileLimit()) }

// defaultMaxConns is --max-conns unless given: half the open-file limit
// (limit), leaving the other half to the store's files, logs and
// exports, and at most 4096, which bounds the memory idle connections
// hold. An unknown limit (0) gives 1024.
func defaultMaxConns(limit uint64) int {
	if limit == 0 {
		return 1024
	}
	return int(max(1, min(4096, limit/2)))
}

const (
	// maxRefusing bounds the refusals being written at once; beyond it a
	// connection is closed unanswered, so a flood of connections cannot
	// pile up goroutines or file descriptors.
	maxRefusing = 64
	// refusalTimeout bounds writing a refusal and then waiting for the
	// client to close its side.
	refusalTimeout = time.Second
)

// limitListener bounds the connections open at once, websockets
// included (a hijacked connection is still the one accepted here). Over
// the bound, a new connection is answered 503 with a LIMIT_EXCEEDED error
// and closed on a goroutine of its own, without reading its request, so
// the accept loop never waits for a client.
type limitListener struct {
	net.Listener
	max      int64
	open     atomic.Int64
	refusing atomic.Int64
	refusal  []byte // the whole HTTP answer
}

func newLimitListener(ln net.Listener, max int) *limitListener {
	status, body := errorResponse(graph.Refusal(graph.ErrBusy, fmt.Sprintf("the server has %d connections open, its limit: try again later", max)), "")
	head := fmt.Sprintf("HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", status, http.StatusText(status), len(body))
	return &limitListener{Listener: ln, max: int64(max), refusal: append([]byte(head), body...)}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.open.Add(1) <= l.max {
			return &limitedConn{Conn: c, l: l}, nil
		}
		l.open.Add(-1)
		l.refuse(c)
	}
}

func (l *limitListener) refuse(c net.Conn) {
	if l.refusing.Add(1) > maxRefusing {
		l.refusing.Add(-1)
		c.Close()
		return
	}
	go func() {
		defer l.refusing.Add(-1)
		defer c.Close()
		c.SetDeadline(time.Now().Add(refusalTimeout))
		if _, err := c.Write(l.refusal); err != nil {
			return
		}
		// Closing with the request unread would reset the connection, and
		// the client could lose the answer: end the sending side and let
		// the client close first.
		if cw, ok := c.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
			io.Copy(io.Discard, io.LimitReader(c, 64<<10))
		}
	}()
}

// limitedConn frees its slot in the listener when it is closed.
type limitedConn struct {
	net.Conn
	l    *limitListener
	once sync.Once
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.open.Add(-1) })
	return err
}

// CloseWrite lets net/http end the sending side before it closes, as it
// does for a plain TCP connection, so a client still sending does not
// lose the answer to a connection reset.
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// ReadFrom keeps the TCP connection's sendfile path for responses copied
// from files.
func (c *limitedConn) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(c.Conn, r)
}

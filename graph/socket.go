package graph

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph/model"
)

// Socket configures subscriptions over websocket (graphql-transport-ws).
type Socket struct {
	// Origins lists the host patterns (as in path.Match: "example.org",
	// "*.example.org") whose pages may open a socket. Empty: same origin
	// only. Clients that send no Origin (not browsers) are accepted.
	Origins []string
	// InitTimeout closes a socket that sends no connection_init in time.
	InitTimeout time.Duration
	// KeepAlive is the interval of server pings.
	KeepAlive time.Duration
	// MaxSubscriptions bounds the subscriptions open at once on one socket.
	MaxSubscriptions int
	// MaxMessageBytes bounds one message a client sends; a bigger one
	// closes the socket with status 1009 (message too big).
	MaxMessageBytes int64
	// MaxSockets bounds the websockets open at once, all clients
	// together; an upgrade beyond it is refused as ErrBusy (503
	// LIMIT_EXCEEDED). 0: no bound; serve sets it (by default to half
	// its connection limit, so plain HTTP always has room).
	MaxSockets int
	// MaxClientSockets bounds the websockets one client (remote IP
	// address) has open at once; beyond it the upgrade is refused as
	// ErrClientBusy (429 LIMIT_EXCEEDED). 0: no bound.
	MaxClientSockets int
	// MaxTotalSubscriptions bounds the subscriptions open at once on all
	// sockets together (LIMIT_EXCEEDED beyond). 0: no bound.
	MaxTotalSubscriptions int
	// MaxClientSubscriptions bounds the subscriptions one client (remote
	// IP address) has open at once over all its sockets (LIMIT_EXCEEDED
	// beyond). 0: no bound.
	MaxClientSubscriptions int
	// Anonymous lets a socket subscribe without a token. Otherwise a
	// subscription needs a configured token, sent as
	// {"Authorization": "Bearer <token>"} in connection_init's payload.
	Anonymous bool
}

// DefaultSocket is the documented default (README, "Subscriptions" and
// "Limits").
func DefaultSocket() Socket {
	return Socket{InitTimeout: 10 * time.Second, KeepAlive: 15 * time.Second, MaxSubscriptions: 10, MaxMessageBytes: 100 << 10,
		MaxClientSockets: 16, MaxTotalSubscriptions: 1000, MaxClientSubscriptions: 100}
}

// sockets is the endpoint's websocket state: the settings and the counts
// the limits are checked against, shared by every socket.
type sockets struct {
	Socket
	policy *auth.Policy

	mu      sync.Mutex
	open    int                   // websockets open
	subs    int                   // subscriptions open
	clients map[string]*clientUse // by remote IP address, while it has any
}

// clientUse is what one client (remote IP address) holds.
type clientUse struct{ sockets, subs int }

func newSockets(s Socket, p *auth.Policy) *sockets {
	if p == nil {
		p = &auth.Policy{}
	}
	return &sockets{Socket: s, policy: p, clients: map[string]*clientUse{}}
}

func (s *sockets) transport() transport.Websocket {
	limit := s.MaxMessageBytes
	if limit <= 0 {
		limit = DefaultSocket().MaxMessageBytes
	}
	return transport.Websocket{
		PayloadReadLimit: &limit,
		Implementation: textCheckedSockets{transport.CoderWebsocketImplementation{
			AcceptOptions: websocket.AcceptOptions{OriginPatterns: s.Origins},
		}},
		InitTimeout:           s.InitTimeout,
		KeepAlivePingInterval: s.KeepAlive,
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			ctx = context.WithValue(ctx, socketSubsKey{}, new(atomic.Int32))
			// A token in the payload is the socket's credential, as an
			// Authorization header is a request's (browsers cannot send
			// one with a websocket handshake).
			if a := p.Authorization(); a != "" {
				ctx = auth.WithCaller(ctx, s.policy.Present(a))
			}
			return ctx, nil, nil
		},
		CloseFunc: func(ctx context.Context, _ int) {
			if closing, ok := ctx.Value(closingKey{}).(*atomic.Bool); ok {
				closing.Store(true)
			}
		},
	}
}

type (
	socketSubsKey struct{}
	clientKey     struct{}
	closingKey    struct{}
)

// serve admits a websocket handshake within the socket limits and hands
// it to next (gqlgen's websocket transport). The server's read and write
// deadlines are lifted only once the handshake has succeeded; one that
// fails is answered under them, as any request is.
func (s *sockets) serve(w http.ResponseWriter, req *http.Request, refuse Refuser, next http.Handler) {
	if err := checkHandshake(req, s.Origins); err != nil {
		if errors.Is(err, ErrUpgradeRequired) {
			w.Header().Set("Upgrade", "websocket")
		}
		refuse(w, req, err)
		return
	}
	ip := clientIP(req)
	if err := s.admitSocket(ip); err != nil {
		refuse(w, req, err)
		return
	}
	defer s.releaseSocket(ip)
	uw := &upgradeWriter{ResponseWriter: w}
	ctx := context.WithValue(req.Context(), clientKey{}, ip)
	ctx = context.WithValue(ctx, closingKey{}, &uw.closing)
	next.ServeHTTP(uw, req.WithContext(ctx))
	uw.closeConn()
}

// admitSocket counts a new socket of client ip, or returns the refusal
// of it: ErrBusy at the server's bound, ErrClientBusy at the client's.
func (s *sockets) admitSocket(ip string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clients[ip]
	switch {
	case s.MaxSockets > 0 && s.open >= s.MaxSockets:
		return Refusal(ErrBusy, fmt.Sprintf("the server has %d websockets open, its limit: try again later", s.MaxSockets))
	case s.MaxClientSockets > 0 && c != nil && c.sockets >= s.MaxClientSockets:
		return Refusal(ErrClientBusy, fmt.Sprintf("this client already has %d websockets open, the limit per client", s.MaxClientSockets))
	}
	if c == nil {
		c = &clientUse{}
		s.clients[ip] = c
	}
	s.open++
	c.sockets++
	return nil
}

func (s *sockets) releaseSocket(ip string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open--
	s.clients[ip].sockets--
	s.forget(ip)
}

// admitSub counts a new subscription of client ip, or returns the
// message that refuses it.
func (s *sockets) admitSub(ip string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clients[ip]
	switch {
	case s.MaxTotalSubscriptions > 0 && s.subs >= s.MaxTotalSubscriptions:
		return fmt.Sprintf("the server has %d subscriptions open, its limit: try again later", s.MaxTotalSubscriptions)
	case s.MaxClientSubscriptions > 0 && c != nil && c.subs >= s.MaxClientSubscriptions:
		return fmt.Sprintf("this client already has %d subscriptions open, the limit per client", s.MaxClientSubscriptions)
	}
	if c == nil { // its socket has just ended
		c = &clientUse{}
		s.clients[ip] = c
	}
	s.subs++
	c.subs++
	return ""
}

func (s *sockets) releaseSub(ip string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subs--
	s.clients[ip].subs--
	s.forget(ip)
}

// forget drops client ip once it holds nothing; s.mu is held.
func (s *sockets) forget(ip string) {
	if c := s.clients[ip]; c != nil && c.sockets == 0 && c.subs == 0 {
		delete(s.clients, ip)
	}
}

// clientIP is the client a request counts against: its remote IP address.
func clientIP(req *http.Request) string {
	host, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		return req.RemoteAddr
	}
	return host
}

// boundSubscriptions refuses a subscription without a token (unless the
// server takes anonymous ones) or beyond the socket's, the client's or
// the server's limit, and releases its slots when it ends (the client
// completes it or leaves).
func (s *sockets) boundSubscriptions(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	n, _ := ctx.Value(socketSubsKey{}).(*atomic.Int32)
	if oc.Operation == nil || oc.Operation.Operation != ast.Subscription || n == nil {
		return next(ctx)
	}
	refuse := func(err *gqlerror.Error) graphql.ResponseHandler {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}})
	}
	if err := s.authorize(ctx); err != nil {
		return refuse(err)
	}
	if int(n.Add(1)) > s.MaxSubscriptions {
		n.Add(-1)
		return refuse(model.Coded(domain.CodeLimitExceeded,
			fmt.Sprintf("this socket already has %d subscriptions, the limit", s.MaxSubscriptions)))
	}
	ip, _ := ctx.Value(clientKey{}).(string)
	if msg := s.admitSub(ip); msg != "" {
		n.Add(-1)
		return refuse(model.Coded(domain.CodeLimitExceeded, msg))
	}
	context.AfterFunc(ctx, func() {
		n.Add(-1)
		s.releaseSub(ip)
	})
	return next(ctx)
}

// authorize refuses a subscription whose socket presented no valid token,
// unless the server takes anonymous subscriptions.
func (s *sockets) authorize(ctx context.Context) *gqlerror.Error {
	if s.Anonymous {
		return nil
	}
	c := auth.CallerOf(ctx)
	switch {
	case s.policy.Tokens == nil || s.policy.Tokens.Len() == 0:
		return model.Coded(domain.CodeForbidden, "subscriptions need a token and none is configured: start the server with --tokens-file FILE or "+
			auth.EnvTokens+", or with --ws-anonymous")
	case !c.Presented:
		return model.Coded(domain.CodeUnauthenticated, `subscriptions need a token: send {"Authorization": "Bearer <token>"} as the connection_init payload`)
	case c.Name == "":
		return model.Coded(domain.CodeUnauthenticated, "the bearer token is not valid")
	}
	return nil
}

// socketDeadline gives a query or mutation sent over a websocket the
// resolver deadline that withTimeout gives an HTTP request: the socket's
// own context lasts as long as the connection. A subscription is meant to
// last and gets none. The deadline's timer stops when the operation's
// last response has been produced.
func socketDeadline(ctx context.Context, timeout time.Duration, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if timeout <= 0 || ctx.Value(socketSubsKey{}) == nil || oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	responses := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		if resp == nil {
			cancel()
		}
		return resp
	}
}

// isHandshake reports whether req can open a websocket: a GET that asks
// for one. Any other request is an ordinary one, whatever it says.
func isHandshake(req *http.Request) bool {
	return req.Method == http.MethodGet && strings.EqualFold(req.Header.Get("Upgrade"), "websocket")
}

// withoutUpgrade hides the Upgrade header of a request that is no
// websocket handshake from gqlgen, whose websocket transport takes every
// request that has one.
func withoutUpgrade(req *http.Request) *http.Request {
	if req.Header.Get("Upgrade") == "" {
		return req
	}
	r := req.WithContext(req.Context())
	r.Header = req.Header.Clone()
	r.Header.Del("Upgrade")
	return r
}

// upgradeWriter lifts the server's read and write deadlines when the
// websocket library takes the connection over, that is once the
// handshake has been accepted: they bound ordinary requests, not a
// subscription that lasts hours.
type upgradeWriter struct {
	http.ResponseWriter
	conn net.Conn
	// closing is set when gqlgen closes the socket (its CloseFunc); the
	// close handshake then runs in the background and ends the connection.
	closing atomic.Bool
}

func (u *upgradeWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(u.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := c.SetDeadline(time.Time{}); err != nil {
		c.Close()
		return nil, nil, err
	}
	u.conn = c
	return c, brw, nil
}

func (u *upgradeWriter) Unwrap() http.ResponseWriter { return u.ResponseWriter }

// closeConn closes the connection when the transport is done with a
// socket it did not close itself: gqlgen gives up on a malformed
// connection_init, or a broken read, without closing, which would leave
// the connection open for good.
func (u *upgradeWriter) closeConn() {
	if u.conn != nil && !u.closing.Load() {
		u.conn.Close()
	}
}

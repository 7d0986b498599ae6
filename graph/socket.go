package graph

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

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
}

// DefaultSocket is the documented default (README, "Subscriptions").
func DefaultSocket() Socket {
	return Socket{InitTimeout: 10 * time.Second, KeepAlive: 15 * time.Second, MaxSubscriptions: 10, MaxMessageBytes: 100 << 10}
}

func (s Socket) transport() transport.Websocket {
	limit := s.MaxMessageBytes
	if limit <= 0 {
		limit = DefaultSocket().MaxMessageBytes
	}
	return transport.Websocket{
		PayloadReadLimit: &limit,
		Implementation: transport.CoderWebsocketImplementation{
			AcceptOptions: websocket.AcceptOptions{OriginPatterns: s.Origins},
		},
		InitTimeout:           s.InitTimeout,
		KeepAlivePingInterval: s.KeepAlive,
		InitFunc: func(ctx context.Context, _ transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			return context.WithValue(ctx, socketSubsKey{}, new(atomic.Int32)), nil, nil
		},
	}
}

type socketSubsKey struct{}

// boundSubscriptions refuses a subscription beyond the socket's limit and
// releases its slot when it ends (the client completes it or leaves).
func (s Socket) boundSubscriptions(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	n, _ := ctx.Value(socketSubsKey{}).(*atomic.Int32)
	if oc.Operation == nil || oc.Operation.Operation != ast.Subscription || n == nil {
		return next(ctx)
	}
	if int(n.Add(1)) > s.MaxSubscriptions {
		n.Add(-1)
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{model.Coded(model.CodeLimitExceeded,
			fmt.Sprintf("this socket already has %d subscriptions, the limit", s.MaxSubscriptions))}})
	}
	go func() {
		<-ctx.Done()
		n.Add(-1)
	}()
	return next(ctx)
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

// isUpgrade reports whether req asks for a websocket.
func isUpgrade(req *http.Request) bool {
	return strings.EqualFold(req.Header.Get("Upgrade"), "websocket")
}

// longLived lifts the server's read and write deadlines for a websocket:
// they bound ordinary requests, not a subscription that lasts hours.
func longLived(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
}

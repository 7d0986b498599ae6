package graph

import (
	"fmt"
	"net/http"

	"github.com/alliancegraph/alliancegraph/domain"
)

// The kinds of refusal the GraphQL endpoint makes before an operation
// runs that HTTP has a status of their own for. Each wraps the domain
// sentinel that gives its code (domain.CodeOf); the server's error table
// (httpapi) gives each kind its status. Other refusals wrap a domain
// sentinel directly (domain.ErrInvalid, domain.ErrLimit) or are a write
// policy's (auth.Refusal).
var (
	// ErrMethod: the endpoint does not take the request's method; the
	// Allow header says which it does.
	ErrMethod = fmt.Errorf("method not allowed: %w", domain.ErrInvalid)
	// ErrMediaType: the request body is in a media type the endpoint
	// does not read.
	ErrMediaType = fmt.Errorf("unsupported media type: %w", domain.ErrInvalid)
	// ErrURLTooLong: the request URL is over the URL limit.
	ErrURLTooLong = fmt.Errorf("request URL too long: %w", domain.ErrLimit)
	// ErrUpgradeRequired: a websocket handshake without Connection:
	// Upgrade; the Upgrade header says what to upgrade to.
	ErrUpgradeRequired = fmt.Errorf("upgrade required: %w", domain.ErrInvalid)
	// ErrBusy: the server is at a bound all clients share (connections,
	// websockets): try again later.
	ErrBusy = fmt.Errorf("server busy: %w", domain.ErrLimit)
	// ErrClientBusy: the client is at its own share of a bound.
	ErrClientBusy = fmt.Errorf("too many at once from this client: %w", domain.ErrLimit)
)

// Refuser answers a refused request with the code, status and message
// err gives (httpapi.WriteError is the server's).
type Refuser func(w http.ResponseWriter, r *http.Request, err error)

// Refusal returns the refusal of kind whose message, written for the
// client, is msg.
func Refusal(kind error, msg string) error { return &refusal{kind: kind, msg: msg} }

type refusal struct {
	kind error
	msg  string
}

func (r *refusal) Error() string { return r.msg }
func (r *refusal) Unwrap() error { return r.kind }

package graph

import (
	"errors"
	"net/http"
)

// The kinds of refusal the GraphQL endpoint makes before an operation
// runs that HTTP has a status of their own for. The endpoint names the
// kind; the server's error table (httpapi) gives each its code and status.
// Other refusals take their kind from the store's sentinels
// (store.ErrInvalid, store.ErrLimit) or are a write policy's
// (auth.Refusal).
var (
	// ErrMethod: the endpoint does not take the request's method; the
	// Allow header says which it does.
	ErrMethod = errors.New("method not allowed")
	// ErrMediaType: the request body is in a media type the endpoint
	// does not read.
	ErrMediaType = errors.New("unsupported media type")
	// ErrURLTooLong: the request URL is over the URL limit.
	ErrURLTooLong = errors.New("request URL too long")
	// ErrUpgradeRequired: a websocket handshake without Connection:
	// Upgrade; the Upgrade header says what to upgrade to.
	ErrUpgradeRequired = errors.New("upgrade required")
	// ErrBusy: the server is at a bound all clients share (connections,
	// websockets): try again later.
	ErrBusy = errors.New("server busy")
	// ErrClientBusy: the client is at its own share of a bound.
	ErrClientBusy = errors.New("too many at once from this client")
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

package domain

import "errors"

// The sentinel errors below carry meaning for the people who sent a
// request: each maps to one error code (see CodeOf). Errors that give
// details wrap one of them, e.g. fmt.Errorf("%w: %s has no name",
// ErrInvalid, id), so that errors.Is finds the code however deep the
// wrapping goes.

// ErrNotFound is returned when an entity, fact or document does not exist
// in the snapshot that was read.
var ErrNotFound = errors.New("not found")

// ErrInvalid is returned when a value cannot be stored or used as given: a
// malformed ID or date, an unknown kind or predicate, an interval whose end
// is not after its start, a fact without a citation.
var ErrInvalid = errors.New("invalid")

// ErrConflict is returned when a write collides with the current state: an
// ID already taken by an entity of another kind, a membership or a term
// that overlaps one already stored, a concurrent commit.
var ErrConflict = errors.New("conflict")

// ErrLimit is returned when a request asks for more than a limit allows (a
// traversal past its cap, an input line or file past its size bound); the
// message names the limit.
var ErrLimit = errors.New("limit exceeded")

// ErrUnauthenticated is returned when a request needs a valid token and
// presented none, or one that is not valid.
var ErrUnauthenticated = errors.New("unauthenticated")

// ErrForbidden is returned when a request is not allowed whoever sends it
// (writes on a read-only mirror, writes with no tokens configured).
var ErrForbidden = errors.New("forbidden")

// ErrTimeout is returned when something a request waits for did not happen
// before its deadline and the error says what (a replica that has not
// applied the revision asked for); a bare deadline is a context's error.
var ErrTimeout = errors.New("timeout")

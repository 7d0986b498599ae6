package domain

import (
	"context"
	"errors"
	"strings"
)

// Code is an error's code as clients see it (GraphQL extensions.code, the
// code of an HTTP endpoint's JSON error): one of a closed set.
type Code string

// The closed set of error codes.
const (
	CodeBadUserInput    Code = "BAD_USER_INPUT"
	CodeNotFound        Code = "NOT_FOUND"
	CodeConflict        Code = "CONFLICT"
	CodeUnauthenticated Code = "UNAUTHENTICATED"
	CodeForbidden       Code = "FORBIDDEN"
	CodeLimitExceeded   Code = "LIMIT_EXCEEDED"
	CodeTimeout         Code = "TIMEOUT"
	CodeInternal        Code = "INTERNAL"
)

// Codes lists the closed set of error codes.
func Codes() []Code {
	return []Code{CodeBadUserInput, CodeNotFound, CodeConflict, CodeUnauthenticated,
		CodeForbidden, CodeLimitExceeded, CodeTimeout, CodeInternal}
}

// Valid reports whether c is in the closed set.
func (c Code) Valid() bool {
	switch c {
	case CodeBadUserInput, CodeNotFound, CodeConflict, CodeUnauthenticated,
		CodeForbidden, CodeLimitExceeded, CodeTimeout, CodeInternal:
		return true
	}
	return false
}

// sentinelCodes pairs each sentinel with its code, in the order CodeOf
// tries them: an error that wraps two (errors.Join) gets the first.
var sentinelCodes = []struct {
	err  error
	code Code
}{
	{ErrNotFound, CodeNotFound},
	{ErrInvalid, CodeBadUserInput},
	{ErrLimit, CodeLimitExceeded},
	{ErrConflict, CodeConflict},
	{ErrUnauthenticated, CodeUnauthenticated},
	{ErrForbidden, CodeForbidden},
	{ErrTimeout, CodeTimeout},
	{context.DeadlineExceeded, CodeTimeout},
	{context.Canceled, CodeTimeout},
}

// CodeOf returns the code of err: the code of the sentinel it wraps,
// TIMEOUT for a context's deadline or cancellation, and INTERNAL for
// anything else (a bug or a broken disk, whose details are for the log,
// not the client). CodeOf(nil) is "".
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	for _, s := range sentinelCodes {
		if errors.Is(err, s.err) {
			return s.code
		}
	}
	return CodeInternal
}

// Message returns err's message as shown to clients: the words a Go error
// carries for programs are dropped, the engine's package prefix ("store: ")
// and the sentinel's own word where its code already says it ("invalid: ",
// "conflict: ", "limit exceeded: "). A context's deadline or cancellation
// gets a sentence of its own. An INTERNAL error's message is never shown:
// callers answer "internal error" and log err.
func Message(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.DeadlineExceeded):
		return "the request took longer than the resolver deadline"
	case errors.Is(err, context.Canceled):
		return "the request was cancelled"
	}
	return clean(err.Error())
}

// wordsDropped are the prefixes Message drops: each where it starts the
// message or follows a ": " (the wrapping context, "line 3: invalid: ..."),
// never inside a quoted value ("%q" quotes what a client sent).
var wordsDropped = []string{
	ErrInvalid.Error() + ": ",
	ErrConflict.Error() + ": ",
	ErrLimit.Error() + ": ",
	"store: ",
}

func clean(msg string) string {
	var b strings.Builder
	quoted := false
	for i := 0; i < len(msg); {
		c := msg[i]
		switch {
		case quoted && c == '\\' && i+1 < len(msg):
			b.WriteString(msg[i : i+2])
			i += 2
			continue
		case c == '"':
			quoted = !quoted
		case !quoted && (i == 0 || strings.HasSuffix(msg[:i], ": ")):
			if w := droppedAt(msg[i:]); w > 0 {
				i += w
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// droppedAt returns the length of the dropped word s starts with, or 0.
func droppedAt(s string) int {
	for _, w := range wordsDropped {
		if strings.HasPrefix(s, w) {
			return len(w)
		}
	}
	return 0
}

package model

import "github.com/vektah/gqlparser/v2/gqlerror"

// Error codes: the closed set every GraphQL error's extensions.code is from.
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeLimitExceeded   = "LIMIT_EXCEEDED"
	CodeTimeout         = "TIMEOUT"
	CodeInternal        = "INTERNAL"
)

// Coded returns a GraphQL error with message msg and extensions.code code.
func Coded(code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

// BadInput is Coded(CodeBadUserInput, msg).
func BadInput(msg string) *gqlerror.Error { return Coded(CodeBadUserInput, msg) }

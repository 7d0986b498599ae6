package model

import (
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Coded returns a GraphQL error with message msg and extensions.code code.
func Coded(code domain.Code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": string(code)}}
}

// BadInput is Coded(domain.CodeBadUserInput, msg).
func BadInput(msg string) *gqlerror.Error { return Coded(domain.CodeBadUserInput, msg) }

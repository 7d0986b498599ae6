package httpapi

import (
	"errors"
	"net/http"
	"testing"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestStatusTable: every code of the closed set has a status, every kind
// of refusal keeps the code its domain sentinel gives, and an error of no
// kind is INTERNAL, 500; a refusal never gets status 0 (which net/http
// answers with a panic).
func TestStatusTable(t *testing.T) {
	for _, c := range domain.Codes() {
		if statusTable.byCode[c] == 0 {
			t.Errorf("code %s has no status", c)
		}
	}
	for _, tc := range []struct {
		err    error
		code   domain.Code
		status int
	}{
		{graph.Refusal(graph.ErrMethod, "m"), domain.CodeBadUserInput, http.StatusMethodNotAllowed},
		{graph.Refusal(graph.ErrMediaType, "m"), domain.CodeBadUserInput, http.StatusUnsupportedMediaType},
		{graph.Refusal(graph.ErrUpgradeRequired, "m"), domain.CodeBadUserInput, http.StatusUpgradeRequired},
		{graph.Refusal(graph.ErrURLTooLong, "m"), domain.CodeLimitExceeded, http.StatusRequestURITooLong},
		{graph.Refusal(graph.ErrBusy, "m"), domain.CodeLimitExceeded, http.StatusServiceUnavailable},
		{graph.Refusal(graph.ErrClientBusy, "m"), domain.CodeLimitExceeded, http.StatusTooManyRequests},
		{store.ErrDiskFull, domain.CodeLimitExceeded, http.StatusInsufficientStorage},
		{graph.Refusal(domain.ErrInvalid, "m"), domain.CodeBadUserInput, http.StatusBadRequest},
		{graph.Refusal(domain.ErrLimit, "m"), domain.CodeLimitExceeded, http.StatusRequestEntityTooLarge},
		{graph.Refusal(domain.ErrForbidden, "m"), domain.CodeForbidden, http.StatusForbidden},
		{&auth.Refusal{Code: domain.CodeUnauthenticated, Message: "m"}, domain.CodeUnauthenticated, http.StatusUnauthorized},
		{errors.New("disk on fire"), domain.CodeInternal, http.StatusInternalServerError},
	} {
		code, status := classify(tc.err)
		if code != tc.code || status != tc.status {
			t.Errorf("%v: %s %d, want %s %d", tc.err, code, status, tc.code, tc.status)
		}
	}
}

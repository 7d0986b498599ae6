package cluster_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/cluster"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// reply is a GraphQL response as the tests read it.
type reply struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string `json:"message"`
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
	Extensions struct {
		Revision uint64 `json:"revision"`
	} `json:"extensions"`
}

func (r reply) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Extensions.Code
}

var httpc = &http.Client{Timeout: 30 * time.Second}

// gql posts a GraphQL request to base, with alice's token and, when
// minRev is above 0, X-Min-Revision. It returns an error only for a
// failed exchange, not for GraphQL errors.
func gql(ctx context.Context, base, query string, vars map[string]any, minRev uint64) (reply, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+servertest.AliceToken)
	setMinRevision(req, minRev)
	resp, err := httpc.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	var r reply
	if err := json.Unmarshal(b, &r); err != nil {
		return reply{}, fmt.Errorf("status %d: %v: %s", resp.StatusCode, err, b)
	}
	return r, nil
}

// mustGQL is gql that fails the test on a failed exchange or any error.
func mustGQL(t *testing.T, base, query string, vars map[string]any, minRev uint64) reply {
	t.Helper()
	r, err := gql(context.Background(), base, query, vars, minRev)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %s (%s)", base, r.Errors[0].Message, r.code())
	}
	return r
}

// get fetches path from base with X-Min-Revision minRev.
func get(t *testing.T, base, path string, minRev uint64) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	setMinRevision(req, minRev)
	resp, err := httpc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b, resp.Header
}

// setMinRevision asks req to read at least revision rev (cluster.Head:
// "head"; 0: any).
func setMinRevision(req *http.Request, rev uint64) {
	switch rev {
	case 0:
	case cluster.Head:
		req.Header.Set("X-Min-Revision", "head")
	default:
		req.Header.Set("X-Min-Revision", strconv.FormatUint(rev, 10))
	}
}

// eventually polls cond every 100 ms until it holds or the bound passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// grepLines returns b's lines that hold s.
func grepLines(b []byte, s string) string {
	var out []byte
	for _, l := range bytes.Split(b, []byte("\n")) {
		if bytes.Contains(l, []byte(s)) {
			out = append(append(out, l...), '\n')
		}
	}
	return string(out)
}

package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/domain"
)

func TestParse(t *testing.T) {
	tok, err := ParseFile(strings.NewReader("# writers\n\nalice: aaaaaaaaaaaaaaaa1 \nbob:bbbbbbbbbbbbbbbb2\n"), "tokens.txt")
	if err != nil || tok.Len() != 2 {
		t.Fatalf("%v %v", tok, err)
	}
	for _, tt := range []struct{ presented, name string }{
		{"aaaaaaaaaaaaaaaa1", "alice"}, {"bbbbbbbbbbbbbbbb2", "bob"}, {"aaaaaaaaaaaaaaaa", ""}, {"", ""},
	} {
		if got, ok := tok.Lookup(tt.presented); got != tt.name || ok != (tt.name != "") {
			t.Errorf("Lookup(%q) = %q %v", tt.presented, got, ok)
		}
	}
	for _, tt := range []struct{ in, msg string }{
		{"alice", "want name:token"},
		{"alice:short", "shorter than 16"},
		{"al ice:aaaaaaaaaaaaaaaa1", "contains a space"},
		{"alice:aaaaaaaaaaaaaaaa1,alice:bbbbbbbbbbbbbbbb2", "given twice"},
		{"dataset:aaaaaaaaaaaaaaaa1", `token name "dataset" is reserved`},
	} {
		_, err := ParseList(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ParseList(%q) = %v, want %q", tt.in, err, tt.msg)
		}
		if err != nil && strings.Contains(err.Error(), "aaaaaaaa") {
			t.Errorf("error %q shows a token", err)
		}
	}
	if _, err := Load("", "alice:aaaaaaaaaaaaaaaa1"); err != nil {
		t.Error(err)
	}
}

func TestAuthorize(t *testing.T) {
	tok, _ := ParseList("alice:aaaaaaaaaaaaaaaa1")
	for _, tt := range []struct {
		name   string
		policy Policy
		header string
		want   string // author, or the refusal code
	}{
		{"valid", Policy{Tokens: tok}, "Bearer aaaaaaaaaaaaaaaa1", "alice"},
		{"scheme case", Policy{Tokens: tok}, "bearer aaaaaaaaaaaaaaaa1", "alice"},
		{"no header", Policy{Tokens: tok}, "", string(domain.CodeUnauthenticated)},
		{"wrong", Policy{Tokens: tok}, "Bearer aaaaaaaaaaaaaaaa2", string(domain.CodeUnauthenticated)},
		{"basic", Policy{Tokens: tok}, "Basic YWxpY2U6eA==", string(domain.CodeUnauthenticated)},
		{"read-only", Policy{Tokens: tok, ReadOnly: true}, "Bearer aaaaaaaaaaaaaaaa1", string(domain.CodeForbidden)},
		{"no tokens", Policy{}, "Bearer aaaaaaaaaaaaaaaa1", string(domain.CodeForbidden)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			h := tt.policy.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				author, err := tt.policy.Authorize(r.Context())
				if ref, ok := IsRefusal(err); ok {
					got = string(ref.Code)
					if c := domain.CodeOf(err); c != ref.Code {
						t.Errorf("domain.CodeOf(refusal) = %s, want its code %s", c, ref.Code)
					}
				} else {
					got = author
				}
			}))
			req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if c := CallerOf(context.Background()); c.Name != "" || c.Presented {
		t.Errorf("caller outside a request: %+v", c)
	}
}

// Package auth owns who may write: named bearer tokens, how they are
// configured, how a request presents one, and the read-only switch.
//
// Reads are open. A write (a GraphQL mutation, POST /import) needs
// "Authorization: Bearer <token>" naming a configured token; the token's
// name is the author recorded in the store's history. Tokens are never
// logged and are compared in constant time.
package auth

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/alliancegraph/alliancegraph/domain"
)

// EnvTokens is the environment variable that configures tokens as
// "name:token,name:token".
const EnvTokens = "ALLIANCEGRAPH_TOKENS"

// DatasetAuthor is the author the curated dataset's own writes are
// committed under (dataset.Author). An upgrade of the dataset tells them
// from users' writes by it, so no token may be named so.
const DatasetAuthor = "dataset"

// Tokens is the set of configured tokens. The zero value has none, which
// refuses every write.
type Tokens struct {
	names  []string
	hashes [][32]byte // SHA-256 of each token: equal length for the constant-time compare
}

// Len returns how many tokens are configured.
func (t *Tokens) Len() int { return len(t.names) }

// add adds one "name:token" entry.
func (t *Tokens) add(entry, where string) error {
	name, tok, ok := strings.Cut(strings.TrimSpace(entry), ":")
	name, tok = strings.TrimSpace(name), strings.TrimSpace(tok)
	// The message names the entry's position, never its text: it holds a secret.
	if !ok || name == "" || tok == "" {
		return fmt.Errorf("auth: %s: want name:token", where)
	}
	if strings.ContainsAny(name, " \t") {
		return fmt.Errorf("auth: %s: token name %q contains a space", where, name)
	}
	if name == DatasetAuthor {
		return fmt.Errorf("auth: %s: token name %q is reserved for the curated dataset's own writes", where, name)
	}
	if len(tok) < 16 {
		return fmt.Errorf("auth: %s: token of %q is shorter than 16 characters", where, name)
	}
	for _, n := range t.names {
		if n == name {
			return fmt.Errorf("auth: %s: token name %q given twice", where, name)
		}
	}
	t.names = append(t.names, name)
	t.hashes = append(t.hashes, sha256.Sum256([]byte(tok)))
	return nil
}

// ParseList parses "name:token,name:token" (the environment form).
func ParseList(s string) (*Tokens, error) {
	t := &Tokens{}
	for i, e := range strings.Split(s, ",") {
		if strings.TrimSpace(e) == "" {
			continue
		}
		if err := t.add(e, fmt.Sprintf("%s entry %d", EnvTokens, i+1)); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// ParseFile reads lines "name:token"; blank lines and lines starting with
// # are skipped.
func ParseFile(r io.Reader, name string) (*Tokens, error) {
	t := &Tokens{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if err := t.add(s, fmt.Sprintf("%s line %d", name, line)); err != nil {
			return nil, err
		}
	}
	return t, sc.Err()
}

// Load configures tokens from file (if set) and the environment value
// env (if set); both may be used, names must not repeat.
func Load(file, env string) (*Tokens, error) {
	t := &Tokens{}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("auth: tokens file: %w", err)
		}
		defer f.Close()
		ft, err := ParseFile(f, file)
		if err != nil {
			return nil, err
		}
		t = ft
	}
	if env != "" {
		et, err := ParseList(env)
		if err != nil {
			return nil, err
		}
		for i := range et.names {
			for _, n := range t.names {
				if n == et.names[i] {
					return nil, fmt.Errorf("auth: token name %q is in both the file and %s", n, EnvTokens)
				}
			}
			t.names = append(t.names, et.names[i])
			t.hashes = append(t.hashes, et.hashes[i])
		}
	}
	return t, nil
}

// Lookup returns the name of the token presented, comparing against every
// configured token in constant time so timing says nothing about which
// prefix matched.
func (t *Tokens) Lookup(presented string) (string, bool) {
	h := sha256.Sum256([]byte(presented))
	found := -1
	for i := range t.hashes {
		if subtle.ConstantTimeCompare(h[:], t.hashes[i][:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return "", false
	}
	return t.names[found], true
}

// Policy is the server's write policy.
type Policy struct {
	Tokens   *Tokens
	ReadOnly bool // a public mirror: every write is refused
}

// Caller is what a request presented.
type Caller struct {
	Name      string // the token's name; "" when none was valid
	Presented bool   // an Authorization header was sent
}

type callerKey struct{}

// Caller returns the caller stored by Middleware (zero if none).
func CallerOf(ctx context.Context) Caller {
	c, _ := ctx.Value(callerKey{}).(Caller)
	return c
}

// WithCaller stores c in ctx.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// Middleware reads the bearer token, if any, and stores the caller in the
// request context. It never refuses: reads are open, and only writes check
// the caller (Authorize).
func (p *Policy) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(WithCaller(r.Context(), p.Present(r.Header.Get("Authorization")))))
	})
}

// Present returns the caller who sends authorization, the value of an
// Authorization header or of its equivalent in a websocket's
// connection_init payload: "Bearer <token>". An empty value presents
// nothing.
func (p *Policy) Present(authorization string) Caller {
	c := Caller{Presented: authorization != ""}
	scheme, tok, ok := strings.Cut(authorization, " ")
	if ok && strings.EqualFold(scheme, "Bearer") && p.Tokens != nil {
		c.Name, _ = p.Tokens.Lookup(strings.TrimSpace(tok))
	}
	return c
}

// Refusal is why a write was refused; Code is UNAUTHENTICATED or
// FORBIDDEN, and the refusal wraps the domain sentinel of that code, so
// domain.CodeOf gives it too.
type Refusal struct {
	Code    domain.Code
	Message string
}

func (r *Refusal) Error() string { return r.Message }

// Unwrap returns domain.ErrUnauthenticated or domain.ErrForbidden.
func (r *Refusal) Unwrap() error {
	if r.Code == domain.CodeUnauthenticated {
		return domain.ErrUnauthenticated
	}
	return domain.ErrForbidden
}

// Authorize returns the author name for a write by the caller in ctx, or
// a *Refusal.
func (p *Policy) Authorize(ctx context.Context) (string, error) {
	if p.ReadOnly {
		return "", &Refusal{domain.CodeForbidden, "this server is a read-only mirror: writes are disabled"}
	}
	return p.Identify(ctx, "writes")
}

// Identify returns the name of the valid token the caller in ctx
// presented, or a *Refusal naming what (e.g. "backups") needs one. It is
// Authorize without the read-only switch, for privileged reads: an online
// backup holds every version of every record, so it needs a token even
// though it changes nothing, and a read-only mirror still answers it.
func (p *Policy) Identify(ctx context.Context, what string) (string, error) {
	c := CallerOf(ctx)
	switch {
	case p.Tokens == nil || p.Tokens.Len() == 0:
		return "", &Refusal{domain.CodeForbidden, what + " are disabled: no tokens are configured (start the server with --tokens-file FILE or " + EnvTokens + ")"}
	case !c.Presented:
		return "", &Refusal{domain.CodeUnauthenticated, what + " need an Authorization: Bearer <token> header"}
	case c.Name == "":
		return "", &Refusal{domain.CodeUnauthenticated, "the bearer token is not valid"}
	}
	return c.Name, nil
}

// IsRefusal reports whether err is a *Refusal and returns it.
func IsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}

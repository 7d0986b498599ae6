package graph

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestErrorMessageIsTheResolversWords: an error that carries a code is
// shown with the words its resolver returned, cleaned by domain.Message,
// and nothing of how gqlgen prints an error for programs (the
// "input:line:column: path " that gqlerror's Error puts in front): the
// location and the path are the response's own fields.
func TestErrorMessageIsTheResolversWords(t *testing.T) {
	db, err := store.Open(t.TempDir(), store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update("test", func(w *store.Writer) error {
		_, err := w.PutEntity(domain.Entity{ID: "country/FIN", Name: "Finland"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(&Resolver{DB: db}, DefaultLimits(), Socket{}, slog.New(slog.DiscardHandler)))
	defer srv.Close()
	for _, tc := range []struct {
		query, code, msg string
	}{
		{`{ fact(id: "fact/nope") { id } }`, "NOT_FOUND", "not found: fact/nope"},
		{`{ alliance(id: "country/FIN") { name } }`, "NOT_FOUND", "not found: no Organization with ID country/FIN (it is a Country)"},
		{`{ country(id: "FIN") { name } }`, "BAD_USER_INPUT", `ID "FIN" is not <kind>/<key>`},
	} {
		t.Run(tc.query, func(t *testing.T) {
			resp, err := http.Post(srv.URL, "application/json", strings.NewReader(fmt.Sprintf(`{"query": %q}`, tc.query)))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var r struct {
				Errors []struct {
					Message    string
					Extensions struct{ Code string }
				}
			}
			if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || len(r.Errors) != 1 {
				t.Fatalf("errors %+v, %v; want one", r.Errors, err)
			}
			if e := r.Errors[0]; e.Extensions.Code != tc.code || e.Message != tc.msg {
				t.Errorf("%s %q, want %s %q", e.Extensions.Code, e.Message, tc.code, tc.msg)
			}
		})
	}
}

package graph

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestFactEndsLoadByNumber: the entities at the ends of facts a list read
// (an event's participants, an alliance's members) are loaded by the
// numbers the facts carry (store.EntitiesByRef), not looked up by ID: the
// operation's loaders hold a numbered ref for every one of them.
func TestFactEndsLoadByNumber(t *testing.T) {
	db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 5
	err = db.Update("test", func(w *store.Writer) error {
		ents := []domain.Entity{{ID: "doc/src", Name: "Source"}, {ID: "event/e", Name: "E"}, {ID: "org/a", Name: "A"}}
		for i := range n {
			ents = append(ents, domain.Entity{ID: fmt.Sprintf("country/C%d", i), Name: fmt.Sprintf("C%d", i)})
		}
		for _, e := range ents {
			if _, err := w.PutEntity(e); err != nil {
				return err
			}
		}
		for i := range n {
			for _, f := range []domain.Fact{
				{ID: fmt.Sprintf("fact/p%d", i), Predicate: domain.ParticipantIn, From: fmt.Sprintf("country/C%d", i), To: "event/e"},
				{ID: fmt.Sprintf("fact/m%d", i), Predicate: domain.MemberOf, From: fmt.Sprintf("country/C%d", i), To: "org/a", Valid: domain.Interval{From: domain.MustDate("2000-01-01")}},
			} {
				f.Citations = []domain.Citation{{Source: "doc/src"}}
				if _, err := w.PutFact(f); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen *loaders
	r := &Resolver{DB: db, FieldHook: func(ctx context.Context, next graphql.Resolver) (any, error) {
		mu.Lock()
		seen = ctx.Value(opStateKey{}).(*opState).loaders
		mu.Unlock()
		return next(ctx)
	}}
	srv := httptest.NewServer(NewHandler(r, DefaultLimits(), Socket{}, slog.New(slog.DiscardHandler), refuseInTest))
	defer srv.Close()
	for _, q := range []string{
		`{ event(id: "event/e") { participants { from { name } } } }`,
		`{ alliance(id: "org/a") { members(asOf: "2020-01-01") { edges { node { name } } } } }`,
	} {
		t.Run(q, func(t *testing.T) {
			resp, err := http.Post(srv.URL, "application/json", strings.NewReader(fmt.Sprintf(`{"query": %q}`, q)))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.Contains(string(body), `"name":"C4"`) || strings.Contains(string(body), "errors") {
				t.Fatalf("answer: %s", body)
			}
			mu.Lock()
			defer mu.Unlock()
			for i := range n {
				id := fmt.Sprintf("country/C%d", i)
				if ref := seen.ref(id); ref == store.RefOf(id) {
					t.Errorf("%s: loaded by ID alone", id)
				}
			}
		})
	}
}

// refuseInTest answers a refusal in the tests of this package, which run
// the handler without the server's error table: the status says only
// that the request was refused.
func refuseInTest(w http.ResponseWriter, _ *http.Request, err error) {
	http.Error(w, err.Error(), http.StatusBadRequest)
}

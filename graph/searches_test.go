package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestSearchSlots: no more searches hold a slot at once than MaxSearches,
// and every one gets a slot in the end.
func TestSearchSlots(t *testing.T) {
	r := &Resolver{MaxSearches: 2}
	var mu sync.Mutex
	running, peak := 0, 0
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			release, err := r.acquireSearch(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			running++
			peak = max(peak, running)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
			release()
		})
	}
	wg.Wait()
	if peak != 2 {
		t.Errorf("at most %d searches ran at once; want 2", peak)
	}
}

// TestSearchWaitTimesOut: a path or neighborhood query, and a count or
// scan of a whole index (facts' and entities' totalCount, accessions),
// that waits for a slot past the resolver deadline answers TIMEOUT, and
// the next one is answered once the slot is free.
func TestSearchWaitTimesOut(t *testing.T) {
	db := listDB(t, 2)
	if err := db.Update("test", func(w *store.Writer) error {
		_, err := w.PutEntity(domain.Entity{ID: "org/x", Name: "X"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	r := &Resolver{DB: db, MaxSearches: 1}
	lim := DefaultLimits()
	lim.Timeout = 50 * time.Millisecond
	srv := httptest.NewServer(NewHandler(r, lim, Socket{}, slog.New(slog.DiscardHandler), refuseInTest))
	defer srv.Close()
	ask := func(q string) string {
		t.Helper()
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(fmt.Sprintf(`{"query": %q}`, q)))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	release, err := r.acquireSearch(context.Background()) // the only slot
	if err != nil {
		t.Fatal(err)
	}
	queries := []string{
		`{ path(from: "country/C0", to: "country/C1") { length } }`,
		`{ neighborhood(ids: ["country/C0"]) { truncated } }`,
		`{ facts(predicate: MEMBER_OF, first: 1) { totalCount } }`,
		`{ entities(kind: COUNTRY, first: 1) { totalCount } }`,
		`{ alliance(id: "org/x") { accessions { date } } }`,
	}
	for _, q := range queries {
		if got := ask(q); !strings.Contains(got, `"code":"TIMEOUT"`) {
			t.Errorf("%s with no slot free: %s; want TIMEOUT", q, got)
		}
	}
	release()
	for _, q := range queries {
		if got := ask(q); strings.Contains(got, "errors") {
			t.Errorf("%s with the slot free: %s", q, got)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r2 := &Resolver{MaxSearches: 1}
	hold, _ := r2.acquireSearch(context.Background())
	defer hold()
	if _, err := r2.acquireSearch(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
}

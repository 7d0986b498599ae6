package store_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestOpensOlderStore opens testdata/format2, a store directory written
// by the code of the commit before the domain package and the key parser
// (format "alliancegraph/2"): entities with aliases, external IDs, a
// property and a date, memberships, office terms with a precision
// property, a document text, then a commit an hour later that corrected
// a fact and an entity and retracted a fact. Every index must read as it
// was written, at the newest snapshot and at the first commit's.
func TestOpensOlderStore(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/format2")); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(dir, store.DefaultOptions().WithCreate(false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, err := db.Check(time.Time{}, 0); err != nil || len(v) != 0 {
		t.Fatalf("Check: %v %v", v, err)
	}
	first := time.Date(2025, 1, 1, 12, 30, 0, 0, time.UTC)
	if v, err := db.Check(first, 0); err != nil || len(v) != 0 {
		t.Fatalf("Check at the first commit: %v %v", v, err)
	}
	ctx := context.Background()
	d := domain.MustDate
	err = db.View(time.Time{}, func(r *store.Reader) error {
		swe, err := r.EntityByXID("iso3", "SWE")
		if err != nil || swe.Name != "Sweden" {
			t.Errorf("iso3 SWE: %+v %v", swe, err)
		}
		members, err := r.Edges("org/nato", store.EdgeFilter{Dir: store.In, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: d("2024-03-07")})
		if err != nil || len(members) != 2 {
			t.Errorf("members on 2024-03-07: %d %v", len(members), err)
		}
		holders, err := r.Edges("office/nato-sg", store.EdgeFilter{Dir: store.In, AsOf: d("2024-10-01")})
		if err != nil || len(holders) != 1 || holders[0].From != "person/mark-rutte" || holders[0].FromPrecision() != domain.PrecisionDay {
			t.Errorf("holder on 2024-10-01: %+v %v", holders, err)
		}
		started, err := r.FactsStarting(ctx, domain.MemberOf, d("2024-01-01"), 0, 0)
		if err != nil || len(started) != 1 || started[0].ID != "fact/swe-member-of-nato" {
			t.Errorf("memberships from 2024: %+v %v", started, err)
		}
		if _, err := r.Fact("fact/fin-in-event"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("retracted fact: %v, want not found", err)
		}
		hits, _, err := r.Search(ctx, store.SearchQuery{Text: "otan", Limit: 5})
		if err != nil || len(hits) != 1 || hits[0].Entity.ID != "org/nato" {
			t.Errorf("search otan: %+v %v", hits, err)
		}
		byKind, err := r.ByKind(domain.KindPerson, "", 0)
		if err != nil || len(byKind) != 2 {
			t.Errorf("people: %d %v", len(byKind), err)
		}
		texts, err := r.DocumentTexts([]string{"doc/accessions"})
		if q, ok := domain.Quote(texts["doc/accessions"], domain.Span{Start: 0, End: 7}); err != nil || !ok || q != "Finland" {
			t.Errorf("document text: %q %v", texts, err)
		}
		tl, _, err := r.Timeline(ctx, store.TimelineQuery{Entity: "country/FIN", Limit: 10})
		if err != nil || len(tl) == 0 {
			t.Errorf("Finland's timeline: %+v %v", tl, err)
		}
		h, err := r.History("fact/swe-member-of-nato", 0)
		if err != nil || len(h) != 2 || h[0].Change.Op != domain.OpCreate || h[1].Change.Op != domain.OpUpdate || h[1].Note != "correction" {
			t.Errorf("history: %+v %v", h, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(first, func(r *store.Reader) error {
		f, err := r.Fact("fact/swe-member-of-nato")
		if err != nil || f.Valid.From != d("2024-03-08") {
			t.Errorf("Sweden's membership known at the first commit: %+v %v", f, err)
		}
		if e, err := r.Entity("country/SWE"); err != nil || e.Name != "Sverige" {
			t.Errorf("Sweden known at the first commit: %+v %v", e, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The old store takes new writes.
	err = db.Update("test", func(w *store.Writer) error {
		_, err := w.PutFact(domain.Fact{ID: "fact/fin-in-event", Predicate: domain.ParticipantIn, From: "country/FIN", To: "event/fin-accession",
			Citations: []domain.Citation{{Source: "doc/accessions"}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := db.Check(time.Time{}, 0); err != nil || len(v) != 0 {
		t.Fatalf("Check after a write: %v %v", v, err)
	}
}

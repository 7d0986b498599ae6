package store_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// load writes a small graph: a source document, NATO, Finland and its
// membership.
func load(db *store.DB) error {
	return db.Update("example", func(w *store.Writer) error {
		for _, e := range []domain.Entity{
			{ID: "doc/fin-accession", Name: "Finland joins NATO"},
			{ID: "org/nato", Name: "North Atlantic Treaty Organization", Aliases: []string{"NATO"}},
			{ID: "country/FIN", Name: "Finland", Aliases: []string{"Suomi"}, XIDs: map[string]string{"iso3": "FIN"}},
		} {
			if _, err := w.PutEntity(e); err != nil {
				return err
			}
		}
		_, err := w.PutFact(domain.Fact{
			ID:        "fact/fin-nato",
			Predicate: domain.MemberOf,
			From:      "country/FIN",
			To:        "org/nato",
			Valid:     domain.Interval{From: domain.MustDate("2023-04-04")},
			Citations: []domain.Citation{{Source: "doc/fin-accession"}},
		})
		return err
	})
}

func ExampleOpen() {
	// An on-disk store takes a directory; tests and examples keep it in memory.
	db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	err = db.View(time.Time{}, func(r *store.Reader) error {
		_, err := r.Entity("country/FIN")
		return err
	})
	fmt.Println(err)
	// Output: not found: country/FIN
}

func ExampleDB_Update() {
	db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := load(db); err != nil {
		log.Fatal(err)
	}

	// A fact needs a citation; the whole Update is rejected and nothing
	// it wrote is kept.
	err = db.Update("example", func(w *store.Writer) error {
		if _, err := w.PutEntity(domain.Entity{ID: "country/SWE", Name: "Sweden"}); err != nil {
			return err
		}
		_, err := w.PutFact(domain.Fact{ID: "fact/swe-nato", Predicate: domain.MemberOf, From: "country/SWE", To: "org/nato"})
		return err
	})
	fmt.Println(err)
	err = db.View(time.Time{}, func(r *store.Reader) error {
		_, err := r.Entity("country/SWE")
		return err
	})
	fmt.Println(err)
	// Output:
	// invalid: fact/swe-nato has no citation
	// not found: country/SWE
}

func ExampleDB_View() {
	db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := load(db); err != nil {
		log.Fatal(err)
	}

	err = db.View(time.Time{}, func(r *store.Reader) error {
		fin, err := r.EntityByXID("iso3", "FIN")
		if err != nil {
			return err
		}
		for _, day := range []string{"2023-04-03", "2023-04-04"} {
			facts, err := r.Edges(fin.ID, store.EdgeFilter{Dir: store.Out, AsOf: domain.MustDate(day)})
			if err != nil {
				return err
			}
			fmt.Println(day, len(facts), "membership(s)")
		}
		hits, _, err := r.Search(context.Background(), store.SearchQuery{Text: "nato", Limit: 10})
		if err != nil {
			return err
		}
		for _, h := range hits {
			fmt.Printf("%s matched %q\n", h.Entity.ID, h.Matched)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 2023-04-03 0 membership(s)
	// 2023-04-04 1 membership(s)
	// org/nato matched "NATO"
	// doc/fin-accession matched "Finland joins NATO"
}

// Reads at an earlier transaction time see the graph as it stood then.
func ExampleDB_View_knownAt() {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := store.Open("", store.DefaultOptions().WithInMemory(true).WithClock(clock))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	now = now.Add(time.Hour)
	if err := load(db); err != nil {
		log.Fatal(err)
	}
	loaded := db.LastCommit()

	now = now.Add(time.Hour)
	err = db.Update("example", func(w *store.Writer) error {
		return w.DeleteFact("fact/fin-nato")
	})
	if err != nil {
		log.Fatal(err)
	}

	for _, at := range []time.Time{loaded, {}} {
		db.View(at, func(r *store.Reader) error {
			_, err := r.Fact("fact/fin-nato")
			fmt.Printf("known at %s: %v\n", r.KnownAt().Format(time.TimeOnly), err)
			return nil
		})
	}
	// Output:
	// known at 01:00:00: <nil>
	// known at 02:00:00: not found: fact/fin-nato
}

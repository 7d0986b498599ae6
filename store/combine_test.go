package store_test

import (
	"context"
	"errors"
	"github.com/alliancegraph/alliancegraph/domain"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestMembersOf combines memberships of the curated organizations.
func TestMembersOf(t *testing.T) {
	db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := dataset.LoadCurated(db); err != nil {
		t.Fatal(err)
	}
	d := func(s string) domain.Date {
		v, err := domain.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	run := func(q store.MembersQuery) ([]store.CombinedMember, error) {
		var out []store.CombinedMember
		err := db.View(time.Time{}, func(r *store.Reader) error {
			var err error
			out, err = r.MembersOf(context.Background(), q)
			return err
		})
		return out, err
	}
	ids := func(ms []store.CombinedMember) string {
		var s []string
		for _, m := range ms {
			id := strings.TrimPrefix(m.Country.ID, "country/")
			for _, o := range m.Memberships {
				if len(o.Via) > 0 {
					id += "<" + strings.TrimPrefix(o.Fact.From, "country/")
				}
			}
			s = append(s, id)
		}
		return strings.Join(s, " ")
	}
	both := []string{"org/nato", "org/eu"}
	day := d("2024-10-01")
	for _, tc := range []struct {
		name string
		q    store.MembersQuery
		want string
	}{
		{"NATO but not the EU", store.MembersQuery{Orgs: both, AsOf: []domain.Date{day, day}, Mode: store.CombineOnlyFirst},
			"ALB CAN ISL MNE MKD NOR TUR GBR USA"},
		{"the EU but not NATO", store.MembersQuery{Orgs: []string{"org/eu", "org/nato"}, AsOf: []domain.Date{day, day}, Mode: store.CombineOnlyFirst},
			"AUT CYP IRL MLT"},
		{"Warsaw Pact in 1960 and NATO now", store.MembersQuery{Orgs: []string{"org/warsaw-pact", "org/nato"}, AsOf: []domain.Date{d("1960-01-01"), day}, Mode: store.CombineAll},
			"ALB BGR HUN POL ROU"},
		{"through successors", store.MembersQuery{Orgs: []string{"org/warsaw-pact", "org/nato"}, AsOf: []domain.Date{d("1960-01-01"), day}, Mode: store.CombineAll, ThroughSuccessors: true},
			"ALB BGR CZE<CSK DEU<DDR HUN POL ROU SVK<CSK"},
		{"Uzbekistan's CSTO years", store.MembersQuery{Orgs: []string{"org/csto"}, AsOf: []domain.Date{d("2010-01-01")}, Mode: store.CombineAny},
			"ARM BLR KAZ KGZ RUS TJK UZB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := run(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if g := ids(got); g != tc.want {
				t.Errorf("got  %s\nwant %s", g, tc.want)
			}
		})
	}
	t.Run("all and any", func(t *testing.T) {
		all, err := run(store.MembersQuery{Orgs: both, AsOf: []domain.Date{day, day}, Mode: store.CombineAll})
		if err != nil {
			t.Fatal(err)
		}
		anyOf, err := run(store.MembersQuery{Orgs: both, AsOf: []domain.Date{day, day}, Mode: store.CombineAny})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 23 || len(anyOf) != 36 {
			t.Errorf("ALL %d, ANY %d; want 23, 36", len(all), len(anyOf))
		}
		for _, m := range all {
			if len(m.Memberships) != 2 || m.Memberships[0].Org != "org/nato" || m.Memberships[1].Org != "org/eu" ||
				m.Memberships[0].Fact.From != m.Country.ID || m.Memberships[1].Fact.Predicate != domain.MemberOf {
				t.Errorf("%s: memberships %+v", m.Country.ID, m.Memberships)
			}
		}
		if !slices.ContainsFunc(anyOf, func(m store.CombinedMember) bool { return m.Country.ID == "country/AUT" && len(m.Memberships) == 1 }) {
			t.Error("ANY lacks Austria with its one membership")
		}
	})
	for _, tc := range []struct {
		name string
		q    store.MembersQuery
		want error
	}{
		{"no organization", store.MembersQuery{Mode: store.CombineAll}, domain.ErrInvalid},
		{"an organization twice", store.MembersQuery{Orgs: []string{"org/eu", "org/eu"}, AsOf: []domain.Date{day, day}, Mode: store.CombineAll}, domain.ErrInvalid},
		{"days for other organizations", store.MembersQuery{Orgs: both, AsOf: []domain.Date{day}, Mode: store.CombineAll}, domain.ErrInvalid},
		{"unknown organization", store.MembersQuery{Orgs: []string{"org/none"}, AsOf: []domain.Date{day}, Mode: store.CombineAll}, domain.ErrNotFound},
		{"a country", store.MembersQuery{Orgs: []string{"country/FIN"}, AsOf: []domain.Date{day}, Mode: store.CombineAll}, domain.ErrNotFound},
		{"no mode", store.MembersQuery{Orgs: both, AsOf: []domain.Date{day, day}}, domain.ErrInvalid},
	} {
		if _, err := run(tc.q); !errors.Is(err, tc.want) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.want)
		}
	}
}

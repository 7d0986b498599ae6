package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	badger "github.com/dgraph-io/badger/v4"
)

// fakeClock is an injectable clock that only moves when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *fakeClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// t0 is when the test clocks start.
var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// newTestDB opens an in-memory store closed at the end of the test.
func newTestDB(t testing.TB) *DB {
	t.Helper()
	return openOpts(t, "", DefaultOptions().WithInMemory(true))
}

// newClockDB opens an in-memory store on clock c.
func newClockDB(t testing.TB, c *fakeClock) *DB {
	t.Helper()
	return openOpts(t, "", DefaultOptions().WithInMemory(true).WithClock(c.Now))
}

// openDir opens the on-disk store in dir. Close is idempotent, so tests
// that close and reopen may still rely on the cleanup.
func openDir(t testing.TB, dir string, c *fakeClock) *DB {
	t.Helper()
	o := DefaultOptions()
	if c != nil {
		o = o.WithClock(c.Now)
	}
	return openOpts(t, dir, o)
}

func openOpts(t testing.TB, dir string, o Options) *DB {
	t.Helper()
	db, err := Open(dir, o)
	if err != nil {
		t.Fatalf("Open(%q): %v", dir, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func mustUpdate(t testing.TB, db *DB, fn func(w *Writer) error) {
	t.Helper()
	if err := db.Update("test", fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func putEntities(es ...domain.Entity) func(*Writer) error {
	return func(w *Writer) error {
		for _, e := range es {
			if _, err := w.PutEntity(e); err != nil {
				return err
			}
		}
		return nil
	}
}

func putFacts(fs ...domain.Fact) func(*Writer) error {
	return func(w *Writer) error {
		for _, f := range fs {
			if _, err := w.PutFact(f); err != nil {
				return err
			}
		}
		return nil
	}
}

// view runs fn at knownAt and fails the test on error.
func view(t testing.TB, db *DB, knownAt time.Time, fn func(r *Reader) error) {
	t.Helper()
	if err := db.View(knownAt, fn); err != nil {
		t.Fatalf("View(%v): %v", knownAt, err)
	}
}

func dump(t testing.TB, db *DB, knownAt time.Time) string {
	t.Helper()
	var b bytes.Buffer
	if err := db.Dump(knownAt, &b); err != nil {
		t.Fatalf("Dump: %v", err)
	}
	return b.String()
}

func checkClean(t testing.TB, db *DB, knownAt time.Time) {
	t.Helper()
	vs, err := db.Check(knownAt, 0)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	for _, v := range vs {
		t.Errorf("Check(%v): %v", knownAt, v)
	}
}

func factIDs(fs []*domain.Fact) []string {
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	return ids
}

func entityIDs(es []*domain.Entity) []string {
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	return ids
}

// The fixture: a source document, NATO, Finland and Sweden and their
// memberships, plus a person, office and event so every edge direction
// and several predicates occur.
const treaty = "doc/nato-treaty"

func cite() []domain.Citation {
	return []domain.Citation{{Source: treaty, Span: &domain.Span{Start: 0, End: 22}, URL: "https://www.nato.int/cps/en/natohq/official_texts_17120.htm", Retrieved: domain.MustDate("2024-05-01")}}
}

func fixtureEntities() []domain.Entity {
	return []domain.Entity{
		{ID: treaty, Name: "The North Atlantic Treaty", Date: domain.MustDate("1949-04-04")},
		{ID: "org/nato", Name: "North Atlantic Treaty Organization", Aliases: []string{"NATO", "OTAN"}, XIDs: map[string]string{"wikidata": "Q7184"}},
		{ID: "country/FIN", Name: "Finland", Aliases: []string{"Suomi"}, XIDs: map[string]string{"iso3": "FIN", "iso2": "FI"}},
		{ID: "country/SWE", Name: "Sweden", Aliases: []string{"Sverige"}, XIDs: map[string]string{"iso3": "SWE"}},
		{ID: "person/stoltenberg", Name: "Jens Stoltenberg", Props: []domain.Prop{{Key: "born", Type: domain.PropDate, Value: "1959-03-16"}, {Key: "party", Type: domain.PropString, Value: "Labour"}, {Key: "height", Type: domain.PropInt, Value: "193"}}},
		{ID: "office/nato-sg", Name: "Secretary-General of NATO"},
		{ID: "event/vilnius-2023", Name: "2023 Vilnius summit", Date: domain.MustDate("2023-07-11")},
	}
}

func fixtureFacts() []domain.Fact {
	d := domain.MustDate
	return []domain.Fact{
		{ID: "fact/fin-partner", Predicate: domain.PartnerOf, From: "country/FIN", To: "org/nato", Valid: domain.Interval{From: d("1994-05-09"), To: d("2023-04-04")}, Citations: cite()},
		{ID: "fact/fin-member", Predicate: domain.MemberOf, From: "country/FIN", To: "org/nato", Valid: domain.Interval{From: d("2023-04-04")}, Citations: cite(),
			Props: []domain.Prop{{Key: "order", Type: domain.PropInt, Value: "31"}}},
		{ID: "fact/swe-member", Predicate: domain.MemberOf, From: "country/SWE", To: "org/nato", Valid: domain.Interval{From: d("2024-03-07")}, Citations: cite()},
		{ID: "fact/stoltenberg-sg", Predicate: domain.Holds, From: "person/stoltenberg", To: "office/nato-sg", Valid: domain.Interval{From: d("2014-10-01"), To: d("2024-10-01")}, Citations: cite()},
		{ID: "fact/sg-of-nato", Predicate: domain.OfficeOf, From: "office/nato-sg", To: "org/nato", Citations: cite()},
		{ID: "fact/fin-vilnius", Predicate: domain.ParticipantIn, From: "country/FIN", To: "event/vilnius-2023", Valid: domain.Interval{From: d("2023-07-11"), To: d("2023-07-13")}, Citations: cite()},
		{ID: "fact/nato-vilnius", Predicate: domain.ParticipantIn, From: "org/nato", To: "event/vilnius-2023", Citations: cite()},
		{ID: "fact/treaty-mentions-nato", Predicate: domain.Mentions, From: treaty, To: "org/nato", Citations: []domain.Citation{{Source: treaty}}},
	}
}

func fixture(t testing.TB, db *DB) {
	t.Helper()
	mustUpdate(t, db, putEntities(fixtureEntities()...))
	mustUpdate(t, db, putFacts(fixtureFacts()...))
}

func TestEntityPutGet(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	in := domain.Entity{
		ID:      "country/TUR",
		Name:    "  Türkiye ",
		Aliases: []string{"Turkey", " Turkey", "", "Türkiye", "Republic of Türkiye"},
		Props: []domain.Prop{
			{Key: "population", Type: domain.PropInt, Value: "+085000000"},
			{Key: "area", Type: domain.PropFloat, Value: "783.562e3"},
			{Key: "landlocked", Type: domain.PropBool, Value: "F"},
			{Key: "founded", Type: domain.PropDate, Value: "1923-10-29"},
			{Key: "motto", Type: domain.PropString, Value: "Yurtta sulh, cihanda sulh"},
		},
		XIDs: map[string]string{"iso3": "TUR"},
	}
	var changed bool
	mustUpdate(t, db, func(w *Writer) error {
		var err error
		changed, err = w.PutEntity(in)
		if err != nil {
			return err
		}
		// A writer reads its own writes.
		got, err := w.Entity("country/TUR")
		if err != nil || got.Name != "Türkiye" {
			return fmt.Errorf("read own write: %v, %v", got, err)
		}
		return nil
	})
	if !changed {
		t.Error("PutEntity of a new entity reported no change")
	}
	view(t, db, time.Time{}, func(r *Reader) error {
		e, err := r.Entity("country/TUR")
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind != domain.KindCountry || e.Name != "Türkiye" {
			t.Errorf("kind, name = %v, %q", e.Kind, e.Name)
		}
		if want := []string{"Turkey", "Republic of Türkiye"}; !slices.Equal(e.Aliases, want) {
			t.Errorf("aliases = %q, want %q", e.Aliases, want)
		}
		var keys, values []string
		for _, p := range e.Props {
			keys = append(keys, p.Key)
			values = append(values, p.Value)
		}
		if want := []string{"area", "founded", "landlocked", "motto", "population"}; !slices.Equal(keys, want) {
			t.Errorf("prop keys = %q, want %q", keys, want)
		}
		if want := []string{"783562", "1923-10-29", "false", "Yurtta sulh, cihanda sulh", "85000000"}; !slices.Equal(values, want) {
			t.Errorf("prop values = %q, want %q", values, want)
		}
		if p, ok := e.Prop("founded"); !ok || p.Type != domain.PropDate {
			t.Errorf("Prop(founded) = %+v, %v", p, ok)
		}
		if _, ok := e.Prop("nope"); ok {
			t.Error("Prop(nope) found")
		}
		// Errors.
		if _, err := r.Entity("country/XXX"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("Entity(unknown) = %v, want ErrNotFound", err)
		}
		if _, err := r.Entity("country"); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("Entity(malformed) = %v, want ErrInvalid", err)
		}
		if _, err := r.Entity("fact/fin-member"); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("Entity(fact ID) = %v, want ErrInvalid", err)
		}
		// Returned values are copies.
		e.Name = "changed"
		again, _ := r.Entity("country/TUR")
		if again.Name != "Türkiye" {
			t.Error("mutating a returned entity changed the store")
		}
		return nil
	})
	checkClean(t, db, time.Time{})
}

func TestFactPutGet(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	view(t, db, time.Time{}, func(r *Reader) error {
		f, err := r.Fact("fact/fin-member")
		if err != nil {
			t.Fatal(err)
		}
		want := fixtureFacts()[1]
		if f.Predicate != domain.MemberOf || f.From != "country/FIN" || f.To != "org/nato" || f.Valid != want.Valid {
			t.Errorf("Fact = %+v", f)
		}
		if len(f.Citations) != 1 || f.Citations[0].Source != treaty || *f.Citations[0].Span != (domain.Span{Start: 0, End: 22}) ||
			f.Citations[0].Retrieved != domain.MustDate("2024-05-01") || f.Citations[0].URL == "" {
			t.Errorf("Citations = %+v", f.Citations)
		}
		if len(f.Props) != 1 || f.Props[0] != (domain.Prop{Key: "order", Type: domain.PropInt, Value: "31"}) {
			t.Errorf("Props = %+v", f.Props)
		}
		if _, err := r.Fact("fact/none"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("Fact(unknown) = %v, want ErrNotFound", err)
		}
		if _, err := r.Fact("country/FIN"); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("Fact(entity ID) = %v, want ErrInvalid", err)
		}
		return nil
	})
}

func TestBatchReads(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	view(t, db, time.Time{}, func(r *Reader) error {
		es, err := r.Entities([]string{"country/FIN", "country/XXX", "bogus", "", "country/FIN", "fact/fin-member", "org/nato"})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 2 || es["country/FIN"].Name != "Finland" || es["org/nato"].Name != "North Atlantic Treaty Organization" {
			t.Errorf("Entities = %v", es)
		}
		es, err = r.Entities(nil)
		if err != nil || len(es) != 0 {
			t.Errorf("Entities(nil) = %v, %v", es, err)
		}
		fs, err := r.Facts([]string{"fact/fin-member", "fact/none", "country/FIN", "fact/swe-member", "fact/fin-member", "fact/"})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 2 || fs["fact/fin-member"].From != "country/FIN" || fs["fact/swe-member"].From != "country/SWE" {
			t.Errorf("Facts = %v", fs)
		}
		return nil
	})
}

func TestEntityByXID(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	view(t, db, time.Time{}, func(r *Reader) error {
		for _, tt := range []struct{ scheme, value, want string }{
			{"iso3", "FIN", "country/FIN"},
			{"iso2", "FI", "country/FIN"},
			{"iso3", "SWE", "country/SWE"},
			{"wikidata", "Q7184", "org/nato"},
		} {
			e, err := r.EntityByXID(tt.scheme, tt.value)
			if err != nil || e.ID != tt.want {
				t.Errorf("EntityByXID(%s, %s) = %v, %v; want %s", tt.scheme, tt.value, e, err, tt.want)
			}
		}
		for _, tt := range [][2]string{{"iso3", "fin"}, {"iso2", "FIN"}, {"", "FIN"}, {"iso3", ""}} {
			if _, err := r.EntityByXID(tt[0], tt[1]); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("EntityByXID(%q, %q) = %v, want ErrNotFound", tt[0], tt[1], err)
			}
		}
		return nil
	})
	// Moving an external ID: the old value is released and can be taken.
	mustUpdate(t, db, putEntities(domain.Entity{ID: "country/FIN", Name: "Finland", XIDs: map[string]string{"iso3": "FIX"}}))
	mustUpdate(t, db, putEntities(domain.Entity{ID: "country/SWE", Name: "Sweden", XIDs: map[string]string{"iso3": "SWE", "old": "FIN"}}))
	view(t, db, time.Time{}, func(r *Reader) error {
		if _, err := r.EntityByXID("iso2", "FI"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("dropped external ID still found: %v", err)
		}
		if e, err := r.EntityByXID("iso3", "FIX"); err != nil || e.ID != "country/FIN" {
			t.Errorf("EntityByXID(iso3, FIX) = %v, %v", e, err)
		}
		if e, err := r.EntityByXID("old", "FIN"); err != nil || e.ID != "country/SWE" {
			t.Errorf("EntityByXID(old, FIN) = %v, %v", e, err)
		}
		return nil
	})
	checkClean(t, db, time.Time{})
}

func TestEdges(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	d := domain.MustDate
	tests := []struct {
		name string
		id   string
		f    EdgeFilter
		want []string
	}{
		// Out-edges first, each direction by predicate, then other end
		// (creation order), then fact.
		{"nato all", "org/nato", EdgeFilter{}, []string{"fact/nato-vilnius", "fact/fin-member", "fact/swe-member", "fact/fin-partner", "fact/treaty-mentions-nato", "fact/sg-of-nato"}},
		{"nato both explicit", "org/nato", EdgeFilter{Dir: Both}, []string{"fact/nato-vilnius", "fact/fin-member", "fact/swe-member", "fact/fin-partner", "fact/treaty-mentions-nato", "fact/sg-of-nato"}},
		{"nato out", "org/nato", EdgeFilter{Dir: Out}, []string{"fact/nato-vilnius"}},
		{"nato in", "org/nato", EdgeFilter{Dir: In}, []string{"fact/fin-member", "fact/swe-member", "fact/fin-partner", "fact/treaty-mentions-nato", "fact/sg-of-nato"}},
		{"nato in member", "org/nato", EdgeFilter{Dir: In, Predicates: []domain.Predicate{domain.MemberOf}}, []string{"fact/fin-member", "fact/swe-member"}},
		{"predicates sorted and deduplicated", "org/nato", EdgeFilter{Dir: In, Predicates: []domain.Predicate{domain.PartnerOf, domain.MemberOf, domain.PartnerOf}}, []string{"fact/fin-member", "fact/swe-member", "fact/fin-partner"}},
		{"predicate with no edges", "org/nato", EdgeFilter{Predicates: []domain.Predicate{domain.Knows}}, nil},
		{"fin out", "country/FIN", EdgeFilter{Dir: Out}, []string{"fact/fin-member", "fact/fin-partner", "fact/fin-vilnius"}},
		{"fin in", "country/FIN", EdgeFilter{Dir: In}, nil},
		{"person", "person/stoltenberg", EdgeFilter{}, []string{"fact/stoltenberg-sg"}},
		{"office", "office/nato-sg", EdgeFilter{}, []string{"fact/sg-of-nato", "fact/stoltenberg-sg"}},
		// Valid time: [From, To) is half-open.
		{"fin day before accession", "country/FIN", EdgeFilter{Predicates: []domain.Predicate{domain.MemberOf, domain.PartnerOf}, AsOf: d("2023-04-03")}, []string{"fact/fin-partner"}},
		{"fin accession day", "country/FIN", EdgeFilter{Predicates: []domain.Predicate{domain.MemberOf, domain.PartnerOf}, AsOf: d("2023-04-04")}, []string{"fact/fin-member"}},
		{"fin before partnership", "country/FIN", EdgeFilter{Predicates: []domain.Predicate{domain.MemberOf, domain.PartnerOf}, AsOf: d("1994-05-08")}, nil},
		{"fin first partnership day", "country/FIN", EdgeFilter{Predicates: []domain.Predicate{domain.MemberOf, domain.PartnerOf}, AsOf: d("1994-05-09")}, []string{"fact/fin-partner"}},
		{"summit last day", "country/FIN", EdgeFilter{Predicates: []domain.Predicate{domain.ParticipantIn}, AsOf: d("2023-07-12")}, []string{"fact/fin-vilnius"}},
		{"summit end (exclusive)", "country/FIN", EdgeFilter{Predicates: []domain.Predicate{domain.ParticipantIn}, AsOf: d("2023-07-13")}, nil},
		{"open interval any day", "org/nato", EdgeFilter{Dir: Out, AsOf: d("0001-01-01")}, []string{"fact/nato-vilnius"}},
		{"nato 2024-03-07", "org/nato", EdgeFilter{Dir: In, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: d("2024-03-07")}, []string{"fact/fin-member", "fact/swe-member"}},
		{"nato 2024-03-06", "org/nato", EdgeFilter{Dir: In, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: d("2024-03-06")}, []string{"fact/fin-member"}},
		{"sg term end", "person/stoltenberg", EdgeFilter{AsOf: d("2024-10-01")}, nil},
		{"sg term last day", "person/stoltenberg", EdgeFilter{AsOf: d("2024-09-30")}, []string{"fact/stoltenberg-sg"}},
	}
	view(t, db, time.Time{}, func(r *Reader) error {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				fs, err := r.Edges(tt.id, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if got := factIDs(fs); !slices.Equal(got, tt.want) {
					t.Errorf("Edges(%s, %+v) = %q, want %q", tt.id, tt.f, got, tt.want)
				}
			})
		}
		if _, err := r.Edges("country/XXX", EdgeFilter{}); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("Edges(unknown) = %v, want ErrNotFound", err)
		}
		if _, err := r.Edges("fact/fin-member", EdgeFilter{}); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("Edges(fact ID) = %v, want ErrInvalid", err)
		}
		return nil
	})
}

func TestEdgesOf(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	view(t, db, time.Time{}, func(r *Reader) error {
		m, err := r.EdgesOf([]string{"country/FIN", "country/SWE", "country/XXX", "nonsense", "fact/fin-member", "person/stoltenberg"},
			EdgeFilter{Dir: Out, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: domain.MustDate("2024-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{"country/FIN": {"fact/fin-member"}, "country/SWE": nil, "person/stoltenberg": nil}
		if len(m) != len(want) {
			t.Errorf("EdgesOf returned %d entries, want %d: %v", len(m), len(want), m)
		}
		for id, w := range want {
			fs, ok := m[id]
			if !ok {
				t.Errorf("EdgesOf lacks known entity %s", id)
			}
			if got := factIDs(fs); !slices.Equal(got, w) {
				t.Errorf("EdgesOf[%s] = %q, want %q", id, got, w)
			}
		}
		// EdgesOf agrees with Edges.
		all, err := r.EdgesOf([]string{"org/nato"}, EdgeFilter{})
		if err != nil {
			t.Fatal(err)
		}
		one, err := r.Edges("org/nato", EdgeFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(factIDs(all["org/nato"]), factIDs(one)) {
			t.Errorf("EdgesOf = %q, Edges = %q", factIDs(all["org/nato"]), factIDs(one))
		}
		return nil
	})
}

func TestFactsStarting(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	d := domain.MustDate
	var es []domain.Entity
	var fs []domain.Fact
	for _, c := range []struct{ code, from string }{
		{"NOR", "1949-08-24"}, {"DNK", "1949-08-24"}, {"AAA", "1969-12-31"}, {"BBB", "1970-01-01"}, {"OPN", ""}, {"OLD", "0001-01-01"},
	} {
		es = append(es, domain.Entity{ID: "country/" + c.code, Name: c.code})
		var from domain.Date
		if c.from != "" {
			from = d(c.from)
		}
		fs = append(fs, domain.Fact{ID: "fact/" + strings.ToLower(c.code) + "-member", Predicate: domain.MemberOf, From: "country/" + c.code, To: "org/nato", Valid: domain.Interval{From: from}, Citations: cite()})
	}
	mustUpdate(t, db, putEntities(es...))
	mustUpdate(t, db, putFacts(fs...))

	all := []string{"fact/opn-member", "fact/old-member", "fact/nor-member", "fact/dnk-member", "fact/aaa-member", "fact/bbb-member", "fact/fin-member", "fact/swe-member"}
	tests := []struct {
		name     string
		p        domain.Predicate
		from, to domain.Date
		limit    int
		want     []string
	}{
		{"all", domain.MemberOf, 0, 0, 0, all},
		{"limit", domain.MemberOf, 0, 0, 3, all[:3]},
		{"negative limit", domain.MemberOf, 0, 0, -1, all},
		{"founding", domain.MemberOf, d("1949-08-24"), d("1949-08-25"), 0, []string{"fact/nor-member", "fact/dnk-member"}},
		{"before 1970", domain.MemberOf, d("1949-01-01"), d("1970-01-01"), 0, []string{"fact/nor-member", "fact/dnk-member", "fact/aaa-member"}},
		{"from 1970", domain.MemberOf, d("1970-01-01"), 0, 0, []string{"fact/bbb-member", "fact/fin-member", "fact/swe-member"}},
		{"from 1969-12-31", domain.MemberOf, d("1969-12-31"), d("1970-01-02"), 0, []string{"fact/aaa-member", "fact/bbb-member"}},
		{"open from up to first day", domain.MemberOf, 0, d("0001-01-02"), 0, []string{"fact/opn-member", "fact/old-member"}},
		{"from first day excludes open start", domain.MemberOf, d("0001-01-01"), d("1949-08-24"), 0, []string{"fact/old-member"}},
		{"to is exclusive", domain.MemberOf, d("2023-04-04"), d("2024-03-07"), 0, []string{"fact/fin-member"}},
		{"empty range", domain.MemberOf, d("2024-03-07"), d("2024-03-07"), 0, nil},
		{"after all", domain.MemberOf, d("2024-03-08"), 0, 0, nil},
		{"partner", domain.PartnerOf, 0, 0, 0, []string{"fact/fin-partner"}},
		{"holds", domain.Holds, d("2014-10-01"), 0, 0, []string{"fact/stoltenberg-sg"}},
		{"no facts", domain.Knows, 0, 0, 0, nil},
	}
	view(t, db, time.Time{}, func(r *Reader) error {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				fs, err := r.FactsStarting(context.Background(), tt.p, tt.from, tt.to, tt.limit)
				if err != nil {
					t.Fatal(err)
				}
				if got := factIDs(fs); !slices.Equal(got, tt.want) {
					t.Errorf("FactsStarting(%v, %v, %v, %d) = %q, want %q", tt.p, tt.from, tt.to, tt.limit, got, tt.want)
				}
			})
		}
		return nil
	})
}

func TestByKind(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	codes := []string{"NOR", "DNK", "ISL", "EST", "LVA"}
	for _, c := range codes {
		mustUpdate(t, db, putEntities(domain.Entity{ID: "country/" + c, Name: c}))
	}
	all := append([]string{"country/FIN", "country/SWE"}, "country/NOR", "country/DNK", "country/ISL", "country/EST", "country/LVA")
	view(t, db, time.Time{}, func(r *Reader) error {
		got, err := r.ByKind(domain.KindCountry, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(entityIDs(got), all) {
			t.Errorf("ByKind(all) = %q, want %q", entityIDs(got), all)
		}
		// Page through two at a time.
		var paged []string
		after := ""
		for range 10 {
			page, err := r.ByKind(domain.KindCountry, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) > 2 {
				t.Fatalf("page of %d > limit 2", len(page))
			}
			if len(page) == 0 {
				break
			}
			paged = append(paged, entityIDs(page)...)
			after = page[len(page)-1].ID
		}
		if !slices.Equal(paged, all) {
			t.Errorf("paged = %q, want %q", paged, all)
		}
		if page, err := r.ByKind(domain.KindCountry, "country/LVA", 5); err != nil || len(page) != 0 {
			t.Errorf("page after the last = %v, %v", entityIDs(page), err)
		}
		if ps, err := r.ByKind(domain.KindPerson, "", 0); err != nil || !slices.Equal(entityIDs(ps), []string{"person/stoltenberg"}) {
			t.Errorf("ByKind(Person) = %v, %v", entityIDs(ps), err)
		}
		if ps, err := r.ByKind(domain.KindPlace, "", 0); err != nil || len(ps) != 0 {
			t.Errorf("ByKind(Place) = %v, %v", entityIDs(ps), err)
		}
		for _, c := range []struct {
			k    domain.Kind
			want int
		}{{domain.KindCountry, len(all)}, {domain.KindPerson, 1}, {domain.KindPlace, 0}, {domain.KindDocument, 1}} {
			if n, err := r.CountKind(context.Background(), c.k); err != nil || n != c.want {
				t.Errorf("CountKind(%v) = %d, %v; want %d", c.k, n, err, c.want)
			}
		}
		if _, err := r.ByKind(domain.KindCountry, "country/XXX", 2); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("ByKind after unknown = %v, want ErrNotFound", err)
		}
		return nil
	})
}

func TestSearch(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	mustUpdate(t, db, putEntities(
		domain.Entity{ID: "country/TUR", Name: "Türkiye", Aliases: []string{"Turkey"}},
		domain.Entity{ID: "org/nato-only", Name: "NATO"},
		domain.Entity{ID: "org/napa", Name: "NATO Parliamentary Assembly"},
		domain.Entity{ID: "org/ndc", Name: "Defence College", Aliases: []string{"NATO Defence College"}},
		domain.Entity{ID: "event/summit", Name: "Summit of NATO leaders"},
		domain.Entity{ID: "org/natoo", Name: "Natoo"},
		domain.Entity{ID: "place/istanbul", Name: "İstanbul"},
		domain.Entity{ID: "place/lodz", Name: "Łódź"},
	))
	type hit struct {
		id    string
		score float64
		match string
	}
	tests := []struct {
		name  string
		query string
		kinds []domain.Kind
		limit int
		want  []hit
	}{
		{"folded name", "turkiye", nil, 0, []hit{{"country/TUR", scoreExactName, "Türkiye"}}},
		{"accented query", "TÜRKIYE", nil, 0, []hit{{"country/TUR", scoreExactName, "Türkiye"}}},
		{"alias", "Turkey", nil, 0, []hit{{"country/TUR", scoreExactAlias, "Turkey"}}},
		{"prefix", "turk", nil, 0, []hit{{"country/TUR", scorePrefixName, "Türkiye"}}},
		{"prefix on last word", "jens stolt", nil, 0, []hit{{"person/stoltenberg", scorePrefixName, "Jens Stoltenberg"}}},
		{"earlier words are exact", "jen stoltenberg", nil, 0, nil},
		{"word order free", "stoltenberg jens", nil, 0, []hit{{"person/stoltenberg", scoreTokens, "Jens Stoltenberg"}}},
		{"lodz", "lodz", nil, 0, []hit{{"place/lodz", scoreExactName, "Łódź"}}},
		{"istanbul", "istanbul", nil, 0, []hit{{"place/istanbul", scoreExactName, "İstanbul"}}},
		{"score order", "nato", nil, 0, []hit{
			{"org/nato-only", scoreExactName, "NATO"},
			{"org/nato", scoreExactAlias, "NATO"},
			{"org/natoo", scorePrefixName, "Natoo"},
			{"org/napa", scorePrefixName, "NATO Parliamentary Assembly"},
			{"org/ndc", scorePrefixAlias, "NATO Defence College"},
			{"event/summit", scoreTokens, "Summit of NATO leaders"},
			{"office/nato-sg", scoreTokens, "Secretary-General of NATO"},
		}},
		{"exact word does not match longer word", "nato of", nil, 0, []hit{{"event/summit", scoreTokens, "Summit of NATO leaders"}, {"office/nato-sg", scoreTokens, "Secretary-General of NATO"}}},
		{"kinds", "nato", []domain.Kind{domain.KindEvent, domain.KindOffice}, 0, []hit{{"event/summit", scoreTokens, "Summit of NATO leaders"}, {"office/nato-sg", scoreTokens, "Secretary-General of NATO"}}},
		{"limit", "nato", nil, 2, []hit{{"org/nato-only", scoreExactName, "NATO"}, {"org/nato", scoreExactAlias, "NATO"}}},
		{"alias words", "college defence", []domain.Kind{domain.KindOrganization}, 0, []hit{{"org/ndc", scoreTokens, "Defence College"}}},
		{"matched alias reported", "suomi", nil, 0, []hit{{"country/FIN", scoreExactAlias, "Suomi"}}},
		{"no match", "narnia", nil, 0, nil},
		{"empty", "  -- ", nil, 0, nil},
	}
	view(t, db, time.Time{}, func(r *Reader) error {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				limit := tt.limit
				if limit == 0 {
					limit = 100
				}
				hits, _, err := r.Search(context.Background(), SearchQuery{Text: tt.query, Kinds: tt.kinds, Limit: limit})
				if err != nil {
					t.Fatal(err)
				}
				var got []hit
				for _, h := range hits {
					got = append(got, hit{h.Entity.ID, h.Score, h.Matched})
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("Search(%q) =\n%v\nwant\n%v", tt.query, got, tt.want)
				}
			})
		}
		return nil
	})
	// Renaming reindexes: the old name is no longer found, the new one is.
	mustUpdate(t, db, putEntities(domain.Entity{ID: "country/TUR", Name: "Turkey"}))
	view(t, db, time.Time{}, func(r *Reader) error {
		if hits, _, _ := r.Search(context.Background(), SearchQuery{Text: "turkiye", Limit: 100}); len(hits) != 0 {
			t.Errorf("old name still found: %v", hits)
		}
		if hits, _, _ := r.Search(context.Background(), SearchQuery{Text: "turkey", Limit: 100}); len(hits) != 1 || hits[0].Score != scoreExactName {
			t.Errorf("new name not found as exact name: %v", hits)
		}
		return nil
	})
	checkClean(t, db, time.Time{})
}

func TestLongWordSearch(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	long := strings.Repeat("Llanfair", 12) // 96 bytes, indexed by its first 64
	mustUpdate(t, db, putEntities(domain.Entity{ID: "place/llan", Name: long}))
	view(t, db, time.Time{}, func(r *Reader) error {
		for _, q := range []string{long, long[:70], "llanfairllan"} {
			hits, _, err := r.Search(context.Background(), SearchQuery{Text: q, Limit: 100})
			if err != nil || len(hits) != 1 || hits[0].Entity.ID != "place/llan" {
				t.Errorf("Search(%.20q...) = %v, %v", q, hits, err)
			}
		}
		return nil
	})
	checkClean(t, db, time.Time{})
}

func TestIdempotentPuts(t *testing.T) {
	clk := newFakeClock(t0)
	db := newClockDB(t, clk)
	clk.Advance(time.Hour)
	fixture(t, db)
	last := db.LastCommit()
	before := dump(t, db, time.Time{})

	same := []struct {
		name string
		put  func(w *Writer) (bool, error)
	}{
		{"identical entity", func(w *Writer) (bool, error) { return w.PutEntity(fixtureEntities()[2]) }},
		{"entity with explicit kind", func(w *Writer) (bool, error) {
			e := fixtureEntities()[2]
			e.Kind = domain.KindCountry
			return w.PutEntity(e)
		}},
		{"entity in another spelling", func(w *Writer) (bool, error) {
			e := fixtureEntities()[1]
			e.Name = " " + e.Name + "\n"
			e.Aliases = []string{"NATO", " NATO", e.Name, "OTAN", ""}
			return w.PutEntity(e)
		}},
		{"props in another order and form", func(w *Writer) (bool, error) {
			e := fixtureEntities()[4]
			slices.Reverse(e.Props)
			e.Props[0].Value = "+0193" // height: the same int in another form
			return w.PutEntity(e)
		}},
		{"identical fact", func(w *Writer) (bool, error) { return w.PutFact(fixtureFacts()[0]) }},
		{"fact with int in another form", func(w *Writer) (bool, error) {
			f := fixtureFacts()[1]
			f.Props = []domain.Prop{{Key: "order", Type: domain.PropInt, Value: "031"}}
			return w.PutFact(f)
		}},
	}
	for _, tt := range same {
		t.Run(tt.name, func(t *testing.T) {
			clk.Advance(time.Hour)
			var changed bool
			mustUpdate(t, db, func(w *Writer) error {
				var err error
				changed, err = tt.put(w)
				return err
			})
			if changed {
				t.Error("changed = true, want false")
			}
			if got := db.LastCommit(); !got.Equal(last) {
				t.Errorf("LastCommit moved from %v to %v: an unchanged put committed", last, got)
			}
		})
	}
	// A whole fixture reload changes nothing.
	clk.Advance(time.Hour)
	fixture(t, db)
	if got := db.LastCommit(); !got.Equal(last) {
		t.Errorf("reloading the fixture committed at %v", got)
	}
	if after := dump(t, db, time.Time{}); after != before {
		t.Errorf("dump changed:\n%s\nvs\n%s", before, after)
	}
	// A real change does commit, at the clock's time.
	now := clk.Advance(time.Hour)
	mustUpdate(t, db, func(w *Writer) error {
		e := fixtureEntities()[2]
		e.Aliases = append(e.Aliases, "Republic of Finland")
		changed, err := w.PutEntity(e)
		if err == nil && !changed {
			err = errors.New("changed = false for a real change")
		}
		return err
	})
	if got := db.LastCommit(); !got.Equal(now) {
		t.Errorf("LastCommit = %v, want %v", got, now)
	}
}

// errBoom is what a test closure returns to abort an Update.
var errBoom = errors.New("boom")

func TestValidation(t *testing.T) {
	long := strings.Repeat("x", domain.MaxIDLen)
	entity := func(e domain.Entity) func(*Writer) error {
		return func(w *Writer) error { _, err := w.PutEntity(e); return err }
	}
	fact := func(mod func(f *domain.Fact)) func(*Writer) error {
		return func(w *Writer) error {
			f := domain.Fact{ID: "fact/new", Predicate: domain.MemberOf, From: "country/FIN", To: "org/nato", Valid: domain.Interval{From: domain.MustDate("2030-01-01")}, Citations: cite()}
			mod(&f)
			_, err := w.PutFact(f)
			return err
		}
	}
	existing := func(i int, mod func(f *domain.Fact)) func(*Writer) error {
		return func(w *Writer) error {
			f := fixtureFacts()[i]
			mod(&f)
			_, err := w.PutFact(f)
			return err
		}
	}
	prop := func(typ domain.PropType, v string) []domain.Prop {
		return []domain.Prop{{Key: "p", Type: typ, Value: v}}
	}
	d := domain.MustDate
	tests := []struct {
		name string
		fn   func(*Writer) error
		want error
	}{
		// Entity IDs.
		{"empty ID", entity(domain.Entity{ID: "", Name: "x"}), domain.ErrInvalid},
		{"ID without slash", entity(domain.Entity{ID: "country", Name: "x"}), domain.ErrInvalid},
		{"ID without key", entity(domain.Entity{ID: "country/", Name: "x"}), domain.ErrInvalid},
		{"ID without prefix", entity(domain.Entity{ID: "/FIN", Name: "x"}), domain.ErrInvalid},
		{"unknown prefix", entity(domain.Entity{ID: "planet/earth", Name: "x"}), domain.ErrInvalid},
		{"prefix case", entity(domain.Entity{ID: "Country/FIN", Name: "x"}), domain.ErrInvalid},
		{"space in ID", entity(domain.Entity{ID: "country/a b", Name: "x"}), domain.ErrInvalid},
		{"tab in ID", entity(domain.Entity{ID: "country/a\tb", Name: "x"}), domain.ErrInvalid},
		{"NUL in ID", entity(domain.Entity{ID: "country/a\x00b", Name: "x"}), domain.ErrInvalid},
		{"DEL in ID", entity(domain.Entity{ID: "country/a\x7fb", Name: "x"}), domain.ErrInvalid},
		{"ID too long", entity(domain.Entity{ID: "country/" + long, Name: "x"}), domain.ErrInvalid},
		{"fact ID as entity", entity(domain.Entity{ID: "fact/x", Name: "x"}), domain.ErrInvalid},
		{"kind mismatch", entity(domain.Entity{ID: "country/XXX", Kind: domain.KindPerson, Name: "x"}), domain.ErrInvalid},
		{"kind mismatch on existing", entity(domain.Entity{ID: "country/FIN", Kind: domain.KindOrganization, Name: "Finland"}), domain.ErrInvalid},
		{"unknown kind", entity(domain.Entity{ID: "country/XXX", Kind: 99, Name: "x"}), domain.ErrInvalid},
		// Entity text.
		{"no name", entity(domain.Entity{ID: "country/XXX"}), domain.ErrInvalid},
		{"blank name", entity(domain.Entity{ID: "country/XXX", Name: " \t\n"}), domain.ErrInvalid},
		{"name not UTF-8", entity(domain.Entity{ID: "country/XXX", Name: "\xff"}), domain.ErrInvalid},
		{"NUL in name", entity(domain.Entity{ID: "country/XXX", Name: "a\x00b"}), domain.ErrInvalid},
		{"name too long", entity(domain.Entity{ID: "country/XXX", Name: strings.Repeat("n", domain.MaxTextLen+1)}), domain.ErrInvalid},
		{"alias not UTF-8", entity(domain.Entity{ID: "country/XXX", Name: "x", Aliases: []string{"ok", "\xc3"}}), domain.ErrInvalid},
		// External IDs.
		{"scheme upper-case", entity(domain.Entity{ID: "country/XXX", Name: "x", XIDs: map[string]string{"ISO3": "XXX"}}), domain.ErrInvalid},
		{"scheme empty", entity(domain.Entity{ID: "country/XXX", Name: "x", XIDs: map[string]string{"": "XXX"}}), domain.ErrInvalid},
		{"scheme too long", entity(domain.Entity{ID: "country/XXX", Name: "x", XIDs: map[string]string{strings.Repeat("s", 33): "XXX"}}), domain.ErrInvalid},
		{"scheme with NUL", entity(domain.Entity{ID: "country/XXX", Name: "x", XIDs: map[string]string{"a\x00": "XXX"}}), domain.ErrInvalid},
		{"value empty", entity(domain.Entity{ID: "country/XXX", Name: "x", XIDs: map[string]string{"iso3": ""}}), domain.ErrInvalid},
		{"value with NUL", entity(domain.Entity{ID: "country/XXX", Name: "x", XIDs: map[string]string{"iso3": "X\x00"}}), domain.ErrInvalid},
		{"value too long", entity(domain.Entity{ID: "country/XXX", Name: "x", XIDs: map[string]string{"iso3": long + "x"}}), domain.ErrInvalid},
		{"external ID owned by another (new entity)", entity(domain.Entity{ID: "country/XXX", Name: "x", XIDs: map[string]string{"iso3": "FIN"}}), domain.ErrConflict},
		{"external ID owned by another (existing entity)", entity(domain.Entity{ID: "country/SWE", Name: "Sweden", XIDs: map[string]string{"iso3": "FIN"}}), domain.ErrConflict},
		{"external ID owned by another (renamed entity)", entity(domain.Entity{ID: "country/SWE", Name: "Kingdom of Sweden", Aliases: []string{"Sverige"}, XIDs: map[string]string{"iso3": "SWE", "iso2": "FI"}}), domain.ErrConflict},
		// Properties.
		{"int not an int", entity(domain.Entity{ID: "country/XXX", Name: "x", Props: prop(domain.PropInt, "1.5")}), domain.ErrInvalid},
		{"int overflow", entity(domain.Entity{ID: "country/XXX", Name: "x", Props: prop(domain.PropInt, "9223372036854775808")}), domain.ErrInvalid},
		{"float not a float", entity(domain.Entity{ID: "country/XXX", Name: "x", Props: prop(domain.PropFloat, "one")}), domain.ErrInvalid},
		{"float NaN", entity(domain.Entity{ID: "country/XXX", Name: "x", Props: prop(domain.PropFloat, "NaN")}), domain.ErrInvalid},
		{"float infinite", entity(domain.Entity{ID: "country/XXX", Name: "x", Props: prop(domain.PropFloat, "-Inf")}), domain.ErrInvalid},
		{"float overflow", entity(domain.Entity{ID: "country/XXX", Name: "x", Props: prop(domain.PropFloat, "1e400")}), domain.ErrInvalid},
		{"bool not a bool", entity(domain.Entity{ID: "country/XXX", Name: "x", Props: prop(domain.PropBool, "yes")}), domain.ErrInvalid},
		{"date not a date", entity(domain.Entity{ID: "country/XXX", Name: "x", Props: prop(domain.PropDate, "2023-02-29")}), domain.ErrInvalid},
		{"date not YYYY-MM-DD", entity(domain.Entity{ID: "country/XXX", Name: "x", Props: prop(domain.PropDate, "29.02.2024")}), domain.ErrInvalid},
		{"no type", entity(domain.Entity{ID: "country/XXX", Name: "x", Props: prop(0, "x")}), domain.ErrInvalid},
		{"unknown type", entity(domain.Entity{ID: "country/XXX", Name: "x", Props: prop(99, "x")}), domain.ErrInvalid},
		{"empty prop key", entity(domain.Entity{ID: "country/XXX", Name: "x", Props: []domain.Prop{{Type: domain.PropString, Value: "x"}}}), domain.ErrInvalid},
		{"prop value not UTF-8", entity(domain.Entity{ID: "country/XXX", Name: "x", Props: prop(domain.PropString, "\xff")}), domain.ErrInvalid},
		{"prop key twice", entity(domain.Entity{ID: "country/XXX", Name: "x", Props: []domain.Prop{{Key: "a", Type: domain.PropString, Value: "1"}, {Key: "a", Type: domain.PropInt, Value: "1"}}}), domain.ErrInvalid},
		{"prop type change on existing", entity(domain.Entity{ID: "person/stoltenberg", Name: "Jens Stoltenberg", Props: prop(domain.PropInt, "1959-03-16")}), domain.ErrInvalid},
		// Facts: IDs and predicates.
		{"fact ID not a fact", fact(func(f *domain.Fact) { f.ID = "country/new" }), domain.ErrInvalid},
		{"fact ID malformed", fact(func(f *domain.Fact) { f.ID = "fact/" }), domain.ErrInvalid},
		{"fact ID with space", fact(func(f *domain.Fact) { f.ID = "fact/a b" }), domain.ErrInvalid},
		{"no predicate", fact(func(f *domain.Fact) { f.Predicate = 0 }), domain.ErrInvalid},
		{"unknown predicate", fact(func(f *domain.Fact) { f.Predicate = 99 }), domain.ErrInvalid},
		{"MEMBER_OF from a Person", fact(func(f *domain.Fact) { f.From = "person/stoltenberg" }), domain.ErrInvalid},
		{"MEMBER_OF to a Country", fact(func(f *domain.Fact) { f.To = "country/SWE" }), domain.ErrInvalid},
		{"HOLDS from a Country", fact(func(f *domain.Fact) { f.Predicate, f.To = domain.Holds, "office/nato-sg" }), domain.ErrInvalid},
		{"MENTIONS from a Country", fact(func(f *domain.Fact) { f.Predicate = domain.Mentions }), domain.ErrInvalid},
		{"existing fact to wrong kind", existing(1, func(f *domain.Fact) { f.To = "event/vilnius-2023" }), domain.ErrInvalid},
		// Facts: ends.
		{"unknown from", fact(func(f *domain.Fact) { f.From = "country/XXX" }), domain.ErrInvalid},
		{"unknown to", fact(func(f *domain.Fact) { f.To = "org/xxx" }), domain.ErrInvalid},
		{"malformed from", fact(func(f *domain.Fact) { f.From = "finland" }), domain.ErrInvalid},
		{"fact as from", fact(func(f *domain.Fact) { f.From = "fact/fin-member" }), domain.ErrInvalid},
		{"event not an Event", fact(func(f *domain.Fact) { f.Event = "country/SWE" }), domain.ErrInvalid},
		{"unknown event", fact(func(f *domain.Fact) { f.Event = "event/none" }), domain.ErrInvalid},
		// Facts: valid time.
		{"validTo equals validFrom", fact(func(f *domain.Fact) { f.Valid = domain.Interval{From: d("2024-01-01"), To: d("2024-01-01")} }), domain.ErrInvalid},
		{"validTo before validFrom", fact(func(f *domain.Fact) { f.Valid = domain.Interval{From: d("2024-01-02"), To: d("1949-08-24")} }), domain.ErrInvalid},
		{"existing fact reversed", existing(0, func(f *domain.Fact) { f.Valid.To = f.Valid.From - 1 }), domain.ErrInvalid},
		// Facts: citations.
		{"no citation", fact(func(f *domain.Fact) { f.Citations = nil }), domain.ErrInvalid},
		{"empty citation list", fact(func(f *domain.Fact) { f.Citations = []domain.Citation{} }), domain.ErrInvalid},
		{"existing fact without citation", existing(1, func(f *domain.Fact) { f.Citations = nil }), domain.ErrInvalid},
		{"citation source not a Document", fact(func(f *domain.Fact) { f.Citations = []domain.Citation{{Source: "org/nato"}} }), domain.ErrInvalid},
		{"second citation not a Document", fact(func(f *domain.Fact) { f.Citations = append(cite(), domain.Citation{Source: "country/FIN"}) }), domain.ErrInvalid},
		{"citation source unknown", fact(func(f *domain.Fact) { f.Citations = []domain.Citation{{Source: "doc/none"}} }), domain.ErrInvalid},
		{"citation source empty", fact(func(f *domain.Fact) { f.Citations = []domain.Citation{{}} }), domain.ErrInvalid},
		{"citation source a fact", fact(func(f *domain.Fact) { f.Citations = []domain.Citation{{Source: "fact/fin-member"}} }), domain.ErrInvalid},
		{"citation span empty", fact(func(f *domain.Fact) {
			f.Citations = []domain.Citation{{Source: treaty, Span: &domain.Span{Start: 5, End: 5}}}
		}), domain.ErrInvalid},
		{"citation span negative", fact(func(f *domain.Fact) {
			f.Citations = []domain.Citation{{Source: treaty, Span: &domain.Span{Start: -1, End: 5}}}
		}), domain.ErrInvalid},
		{"citation URL not UTF-8", fact(func(f *domain.Fact) { f.Citations = []domain.Citation{{Source: treaty, URL: "http://\xff"}} }), domain.ErrInvalid},
		// Facts: properties.
		{"fact prop type mismatch", fact(func(f *domain.Fact) { f.Props = prop(domain.PropBool, "2") }), domain.ErrInvalid},
		{"existing fact prop type mismatch", existing(1, func(f *domain.Fact) { f.Props = prop(domain.PropInt, "thirty-one") }), domain.ErrInvalid},
		// Deletes.
		{"delete unknown fact", func(w *Writer) error { return w.DeleteFact("fact/none") }, domain.ErrNotFound},
		{"delete an entity", func(w *Writer) error { return w.DeleteFact("country/FIN") }, domain.ErrInvalid},
		{"delete malformed", func(w *Writer) error { return w.DeleteFact("fact/") }, domain.ErrInvalid},
		// Closures that fail after valid writes write nothing.
		{"valid entity then error", func(w *Writer) error {
			if _, err := w.PutEntity(domain.Entity{ID: "country/NOR", Name: "Norway", XIDs: map[string]string{"iso3": "NOR"}}); err != nil {
				return err
			}
			return errBoom
		}, errBoom},
		{"valid changes then invalid fact", func(w *Writer) error {
			if _, err := w.PutEntity(domain.Entity{ID: "country/NOR", Name: "Norway"}); err != nil {
				return err
			}
			if err := w.DeleteFact("fact/swe-member"); err != nil {
				return err
			}
			if _, err := w.PutFact(domain.Fact{ID: "fact/nor-member", Predicate: domain.MemberOf, From: "country/NOR", To: "org/nato", Citations: cite()}); err != nil {
				return err
			}
			if _, err := w.PutEntity(domain.Entity{ID: "country/FIN", Name: "Suomi"}); err != nil {
				return err
			}
			_, err := w.PutFact(domain.Fact{ID: "fact/bad", Predicate: domain.MemberOf, From: "country/NOR", To: "org/nato"})
			return err
		}, domain.ErrInvalid},
	}

	clk := newFakeClock(t0)
	db := newClockDB(t, clk)
	fixture(t, db)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.Advance(time.Minute)
			before, last := dump(t, db, time.Time{}), db.LastCommit()
			err := db.Update("test", tt.fn)
			if !errors.Is(err, tt.want) {
				t.Errorf("Update error = %v, want one wrapping %v", err, tt.want)
			}
			if after := dump(t, db, time.Time{}); after != before {
				t.Errorf("store changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			if got := db.LastCommit(); !got.Equal(last) {
				t.Errorf("LastCommit moved from %v to %v", last, got)
			}
		})
	}
	checkClean(t, db, time.Time{})

	// A rejected Put or Delete leaves the transaction as it was, so a
	// closure that skips the rejected value and carries on (as a bulk
	// loader does) commits nothing broken.
	for _, tt := range tests {
		if tt.want == errBoom || strings.HasPrefix(tt.name, "valid ") {
			continue
		}
		t.Run("ignored/"+tt.name, func(t *testing.T) {
			clk.Advance(time.Minute)
			before, last := dump(t, db, time.Time{}), db.LastCommit()
			err := db.Update("test", func(w *Writer) error {
				if err := tt.fn(w); err == nil {
					return errors.New("write was accepted")
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if after := dump(t, db, time.Time{}); after != before {
				t.Errorf("store changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			if got := db.LastCommit(); !got.Equal(last) {
				t.Errorf("LastCommit moved from %v to %v: a rejected write committed", last, got)
			}
			checkClean(t, db, time.Time{})
		})
	}
}

// The property error names the value as given, not a normalised one.
func TestPropErrorMessage(t *testing.T) {
	db := newTestDB(t)
	err := db.Update("test", putEntities(domain.Entity{ID: "country/XXX", Name: "x", Props: []domain.Prop{{Key: "pop", Type: domain.PropInt, Value: "lots"}}}))
	if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), `"lots"`) {
		t.Errorf("error = %v, want ErrInvalid naming \"lots\"", err)
	}
}

// factFrom reads fact id's ValidFrom at knownAt through the record, the
// by-time index and the out-edge scan, which must all agree.
func factFrom(t *testing.T, db *DB, knownAt time.Time, id string) (domain.Date, bool) {
	t.Helper()
	var from domain.Date
	var found bool
	view(t, db, knownAt, func(r *Reader) error {
		f, err := r.Fact(id)
		if errors.Is(err, domain.ErrNotFound) {
			// Then no index may show it either.
			fs, err := r.FactsStarting(context.Background(), domain.MemberOf, 0, 0, 0)
			if err != nil {
				return err
			}
			if slices.Contains(factIDs(fs), id) {
				t.Errorf("at %v: %s not found but in the by-time index", knownAt, id)
			}
			es, err := r.Edges("org/nato", EdgeFilter{})
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				return err
			}
			if slices.Contains(factIDs(es), id) {
				t.Errorf("at %v: %s not found but among the edges", knownAt, id)
			}
			return nil
		}
		if err != nil {
			return err
		}
		found, from = true, f.Valid.From
		fs, err := r.FactsStarting(context.Background(), domain.MemberOf, from, from+1, 0)
		if err != nil {
			return err
		}
		if !slices.Contains(factIDs(fs), id) {
			t.Errorf("at %v: %s from %v missing from the by-time index at that day", knownAt, id, from)
		}
		es, err := r.Edges(f.From, EdgeFilter{Dir: Out, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: from})
		if err != nil {
			return err
		}
		if got := factIDs(es); !slices.Equal(got, []string{id}) {
			t.Errorf("at %v: edges valid on %v = %q", knownAt, from, got)
		}
		es, err = r.Edges(f.From, EdgeFilter{Dir: Out, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: from - 1})
		if err != nil {
			return err
		}
		if len(es) != 0 {
			t.Errorf("at %v: edges valid the day before %v = %q", knownAt, from, factIDs(es))
		}
		return nil
	})
	return from, found
}

// TestTransactionTime proves that reads at an earlier transaction time
// see the graph as it was then, across restarts and compaction.
func TestTransactionTime(t *testing.T) {
	dir := t.TempDir()
	clk := newFakeClock(t0)
	db := openDir(t, dir, clk)
	beforeAll := clk.Now().Add(-time.Hour)

	clk.Advance(time.Hour)
	fixture(t, db)
	t1 := db.LastCommit()
	if t1.Before(clk.Now()) {
		t.Fatalf("LastCommit = %v, before the clock's %v", t1, clk.Now())
	}
	oldFrom, newFrom := domain.MustDate("2023-04-04"), domain.MustDate("2023-04-05")

	t2 := clk.Advance(time.Hour)
	mustUpdate(t, db, func(w *Writer) error {
		f := fixtureFacts()[1]
		f.Valid.From = newFrom
		changed, err := w.PutFact(f)
		if err == nil && !changed {
			err = errors.New("no change")
		}
		return err
	})
	if got := db.LastCommit(); !got.Equal(t2) {
		t.Fatalf("LastCommit = %v, want %v", got, t2)
	}

	t3 := clk.Advance(time.Hour)
	mustUpdate(t, db, func(w *Writer) error { return w.DeleteFact("fact/swe-member") })
	dumps := map[string]string{}
	times := map[string]time.Time{"before": beforeAll, "t1": t1, "t2-1ns": t2.Add(-1), "t2": t2, "t3": t3, "now": {}}
	for name, at := range times {
		dumps[name] = dump(t, db, at)
	}

	verify := func(t *testing.T, db *DB) {
		t.Helper()
		for _, c := range []struct {
			at   time.Time
			want domain.Date
		}{{t1, oldFrom}, {t2.Add(-1), oldFrom}, {t2, newFrom}, {t3, newFrom}, {time.Time{}, newFrom}, {t3.Add(time.Hour), newFrom}} {
			got, ok := factFrom(t, db, c.at, "fact/fin-member")
			if !ok || got != c.want {
				t.Errorf("at %v: fin-member from %v (found %v), want %v", c.at, got, ok, c.want)
			}
		}
		// The deleted fact: gone now, present before t3.
		if _, ok := factFrom(t, db, time.Time{}, "fact/swe-member"); ok {
			t.Error("deleted fact still found now")
		}
		if _, ok := factFrom(t, db, t3.Add(-1), "fact/swe-member"); !ok {
			t.Error("deleted fact not found just before its deletion")
		}
		// Before the fixture nothing is known.
		if _, ok := factFrom(t, db, t1.Add(-1), "fact/fin-member"); ok {
			t.Error("fact found before it was written")
		}
		view(t, db, beforeAll, func(r *Reader) error {
			if _, err := r.Entity("country/FIN"); !errors.Is(err, domain.ErrNotFound) {
				t.Errorf("entity before the first commit: %v", err)
			}
			return nil
		})
		// Reader.KnownAt reports the snapshot's time, at most the newest commit.
		for _, c := range [][2]time.Time{{t2.Add(time.Minute), t2.Add(time.Minute)}, {t3.Add(time.Hour), t3}, {{}, t3}} {
			view(t, db, c[0], func(r *Reader) error {
				if !r.KnownAt().Equal(c[1]) {
					t.Errorf("View(%v).KnownAt = %v, want %v", c[0], r.KnownAt(), c[1])
				}
				return nil
			})
		}
		if got := db.LastCommit(); !got.Equal(t3) {
			t.Errorf("LastCommit = %v, want %v", got, t3)
		}
		for name, at := range times {
			if got := dump(t, db, at); got != dumps[name] {
				t.Errorf("dump at %s differs:\n%s\nwant\n%s", name, got, dumps[name])
			}
			checkClean(t, db, at)
		}
	}
	t.Run("open", func(t *testing.T) { verify(t, db) })
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openDir(t, dir, clk)
	t.Run("reopened", func(t *testing.T) { verify(t, db) })
	if err := db.Flatten(); err != nil {
		t.Fatal(err)
	}
	t.Run("flattened", func(t *testing.T) { verify(t, db) })
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openDir(t, dir, clk)
	t.Run("reopened after flatten", func(t *testing.T) { verify(t, db) })

	// Writing after a restart continues the id sequence: nothing old is
	// overwritten.
	clk.Advance(time.Hour)
	mustUpdate(t, db, putEntities(domain.Entity{ID: "country/NOR", Name: "Norway"}))
	mustUpdate(t, db, putFacts(domain.Fact{ID: "fact/nor-member", Predicate: domain.MemberOf, From: "country/NOR", To: "org/nato", Valid: domain.Interval{From: domain.MustDate("1949-08-24")}, Citations: cite()}))
	checkClean(t, db, time.Time{})
	view(t, db, time.Time{}, func(r *Reader) error {
		es, err := r.Entities([]string{"country/NOR", treaty, "org/nato", "country/FIN"})
		if err != nil || len(es) != 4 {
			t.Errorf("Entities after restart = %v, %v", es, err)
		}
		return nil
	})
	if got := dump(t, db, t3); got != dumps["t3"] {
		t.Errorf("dump at t3 changed by a later write")
	}
}

func TestViewBeforeFirstCommit(t *testing.T) {
	clk := newFakeClock(t0)
	db := newClockDB(t, clk)
	clk.Advance(time.Hour)
	fixture(t, db)
	for _, at := range []time.Time{
		t0.Add(-time.Nanosecond),
		time.Unix(0, 1),
		time.Unix(0, 0),
		time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), // beyond int64 nanoseconds
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
	} {
		t.Run(at.String(), func(t *testing.T) {
			if d := dump(t, db, at); d != "" {
				t.Errorf("dump at %v = %q, want empty", at, d)
			}
			view(t, db, at, func(r *Reader) error {
				if es, err := r.ByKind(domain.KindCountry, "", 0); err != nil || len(es) != 0 {
					t.Errorf("ByKind = %v, %v", entityIDs(es), err)
				}
				if hits, _, err := r.Search(context.Background(), SearchQuery{Text: "finland", Limit: 100}); err != nil || len(hits) != 0 {
					t.Errorf("Search = %v, %v", hits, err)
				}
				return nil
			})
		})
	}
	// Any time after the newest commit sees the newest graph.
	now := dump(t, db, time.Time{})
	for _, at := range []time.Time{
		db.LastCommit(),
		db.LastCommit().Add(time.Hour),
		time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), // beyond int64 nanoseconds
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
	} {
		if d := dump(t, db, at); d != now {
			t.Errorf("dump at %v differs from now:\n%s", at, d)
		}
	}
}

// Views at the newest commit's time remember where they snapped to; the
// remembered answer must be what a fresh look would give, for every time
// asked, before and after more commits.
func TestViewRemembersTheNewestCommit(t *testing.T) {
	clk := newFakeClock(t0)
	db := newClockDB(t, clk)
	// readTs is the timestamp View reads knownAt at, asked twice: the
	// second time from memory when knownAt is the newest commit's.
	readTs := func(knownAt time.Time) uint64 {
		t.Helper()
		var got [2]uint64
		for i := range got {
			view(t, db, knownAt, func(r *Reader) error { got[i] = r.ts; return nil })
		}
		if got[0] != got[1] {
			t.Fatalf("View(%v) read at %d, then at %d", knownAt, got[0], got[1])
		}
		return got[0]
	}
	// want is a fresh look at the commit records.
	want := func(knownAt time.Time) uint64 {
		t.Helper()
		at := db.snapshotTs(knownAt)
		txn := db.bdb.NewTransactionAt(at, false)
		defer txn.Discard()
		c, err := newestCommit(txn, at)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	empty := db.LastCommit() // the format version's commit
	if got, w := readTs(empty), want(empty); got != w || db.snapped.Load() == nil {
		t.Fatalf("empty store: read at %d, want %d; remembered %+v", got, w, db.snapped.Load())
	}
	var times []time.Time
	for i, e := range fixtureEntities()[:3] {
		clk.Advance(time.Duration(i+1) * time.Minute)
		mustUpdate(t, db, putEntities(e))
		times = append(times, db.LastCommit())
		now := db.LastCommit()
		if got := readTs(now); got != timeTs(now) || *db.snapped.Load() != (snap{timeTs(now), timeTs(now)}) {
			t.Fatalf("commit %d: read now at %d, remembered %+v; the commit is at %d", i, got, db.snapped.Load(), timeTs(now))
		}
		for _, at := range append([]time.Time{empty, t0.Add(-time.Hour), now.Add(time.Hour)}, times...) {
			for _, k := range []time.Time{at, at.Add(-time.Nanosecond), at.Add(time.Nanosecond)} {
				if got, w := readTs(k), want(k); got != w {
					t.Errorf("after commit %d: View(%v) read at %d, the newest commit then is %d", i, k, got, w)
				}
			}
		}
	}
	// A rolled-back bulk write moves "now" past the newest commit
	// record: reads at it snap back to that commit, remembered or not.
	clk.Advance(time.Minute)
	if _, err := db.BulkUpdate(UpdateOptions{}, func(b *Bulk) error {
		if _, err := b.Writer().PutEntity(domain.Entity{ID: "place/a", Name: "A"}); err != nil {
			return err
		}
		if err := b.Flush(); err != nil {
			return err
		}
		return errBoom
	}); !errors.Is(err, errBoom) {
		t.Fatalf("BulkUpdate = %v", err)
	}
	now, last := db.LastCommit(), times[len(times)-1]
	if !now.After(last) {
		t.Fatalf("the rollback left now at %v, the last commit at %v", now, last)
	}
	if got := readTs(now); got != timeTs(last) || *db.snapped.Load() != (snap{timeTs(now), timeTs(last)}) {
		t.Fatalf("after the rollback: read now at %d, remembered %+v; the newest commit is at %d", got, db.snapped.Load(), timeTs(last))
	}
}

func TestCommitTimestampsIncrease(t *testing.T) {
	clk := newFakeClock(t0)
	db := newClockDB(t, clk)
	mustUpdate(t, db, putEntities(fixtureEntities()[0]))
	prev := db.LastCommit()
	var commits []time.Time
	steps := []time.Duration{0, -time.Hour, -24 * time.Hour, time.Nanosecond, 0, -365 * 24 * time.Hour}
	for i, step := range steps {
		clk.Advance(step)
		mustUpdate(t, db, putEntities(domain.Entity{ID: fmt.Sprintf("country/C%d", i), Name: fmt.Sprintf("Country %d", i)}))
		got := db.LastCommit()
		if !got.After(prev) {
			t.Fatalf("step %d (clock %v): commit %v not after %v", i, clk.Now(), got, prev)
		}
		prev = got
		commits = append(commits, got)
	}
	// Each commit's snapshot holds exactly the countries written so far.
	for i, at := range commits {
		view(t, db, at, func(r *Reader) error {
			es, err := r.ByKind(domain.KindCountry, "", 0)
			if err != nil {
				return err
			}
			if len(es) != i+1 {
				t.Errorf("at commit %d: %d countries, want %d", i, len(es), i+1)
			}
			return nil
		})
	}
	// A clock in the past (before 1970, even) still commits after the last.
	clk.Set(time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC))
	mustUpdate(t, db, putEntities(domain.Entity{ID: "country/LATE", Name: "Late"}))
	if got := db.LastCommit(); !got.After(prev) {
		t.Errorf("commit with a pre-1970 clock at %v, not after %v", got, prev)
	}
}

func TestConcurrentUpdates(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 5 {
				err := db.Update(fmt.Sprint(g), putEntities(domain.Entity{ID: fmt.Sprintf("person/p%d-%d", g, i), Name: fmt.Sprintf("Person %d %d", g, i)}))
				if err != nil {
					errs <- err
					return
				}
				if err := db.View(time.Time{}, func(r *Reader) error {
					_, _, err := r.Search(context.Background(), SearchQuery{Text: "person", Limit: 100})
					return err
				}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	view(t, db, time.Time{}, func(r *Reader) error {
		ps, err := r.ByKind(domain.KindPerson, "", 0)
		if err != nil || len(ps) != 41 {
			t.Errorf("persons = %d, %v; want 41", len(ps), err)
		}
		return nil
	})
	checkClean(t, db, time.Time{})
}

func TestDirectoryLock(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir, nil)
	type result struct {
		db  *DB
		err error
	}
	done := make(chan result, 1)
	go func() {
		db2, err := Open(dir, DefaultOptions())
		done <- result{db2, err}
	}()
	// The guard only turns a hang into a clear failure; it asserts no speed.
	select {
	case res := <-done:
		if res.err == nil {
			res.db.Close()
			t.Fatal("second Open of a locked directory succeeded")
		}
		if !errors.Is(res.err, ErrLocked) {
			t.Fatalf("second Open: %v, want ErrLocked", res.err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("second Open of a locked directory hangs")
	}
	// The first handle still works, and closing it releases the lock.
	fixture(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openDir(t, dir, nil)
	view(t, db, time.Time{}, func(r *Reader) error {
		_, err := r.Entity("country/FIN")
		return err
	})
}

func TestOptions(t *testing.T) {
	var logs bytes.Buffer
	o := DefaultOptions().WithSyncWrites(false).WithBlockCacheSize(1 << 20).
		WithLogger(slog.New(slog.NewTextHandler(&logs, nil))).WithClock(nil)
	dir := t.TempDir()
	db := openOpts(t, dir, o)
	fixture(t, db)
	want := dump(t, db, time.Time{})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openOpts(t, dir, o)
	if got := dump(t, db, time.Time{}); got != want {
		t.Errorf("dump after reopen differs:\n%s\nwant\n%s", got, want)
	}
	checkClean(t, db, time.Time{})
}

func TestFormatVersion(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir, nil)
	mustUpdate(t, db, func(w *Writer) error { return w.set(metaKey(metaFormat), []byte("alliancegraph/999")) })
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db2, err := Open(dir, DefaultOptions()); !errors.Is(err, ErrFormat) {
		if err == nil {
			db2.Close()
		}
		t.Fatalf("Open of a newer format: %v, want ErrFormat", err)
	}
}

// TestFormatVersionMissing: a directory with data but no format version,
// which a first import killed while streaming leaves, is refused with
// what to do about it.
func TestFormatVersionMissing(t *testing.T) {
	dir := t.TempDir()
	bdb, err := badger.OpenManaged(DefaultOptions().Badger(dir))
	if err != nil {
		t.Fatal(err)
	}
	txn := bdb.NewTransactionAt(4, true)
	if err := txn.Set(nodeKey(7), []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if err := txn.CommitAt(5, nil); err != nil {
		t.Fatal(err)
	}
	if err := bdb.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(dir, DefaultOptions())
	if err == nil {
		db.Close()
		t.Fatal("Open of a directory without a format version succeeded")
	}
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "delete the directory and import again") {
		t.Fatalf("Open of a directory without a format version: %v, want ErrFormat saying what to do", err)
	}
}

func TestClosed(t *testing.T) {
	db, err := Open("", DefaultOptions().WithInMemory(true))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := db.View(time.Time{}, func(*Reader) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("View after Close: %v", err)
	}
	if err := db.Update("x", func(*Writer) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Update after Close: %v", err)
	}
	if err := db.Dump(time.Time{}, &bytes.Buffer{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Dump after Close: %v", err)
	}
	if _, err := db.Check(time.Time{}, 0); !errors.Is(err, ErrClosed) {
		t.Errorf("Check after Close: %v", err)
	}
}

func TestCheck(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	checkClean(t, db, time.Time{})

	tests := []struct {
		name    string
		corrupt func(w *Writer) error
		problem string
	}{
		{"in-edge deleted", func(w *Writer) error {
			_, e, err := w.fact("fact/fin-member")
			if err != nil {
				return err
			}
			return w.del(inKey(e))
		}, "missing in-edge of fact/fin-member"},
		{"name token deleted", func(w *Writer) error {
			n, _, err := w.resolve("country/FIN")
			if err != nil {
				return err
			}
			return w.del(wordKey("suomi", n))
		}, "missing name token suomi of country/FIN"},
		{"dangling kind entry", func(w *Writer) error {
			return w.set(kindKey(domain.KindCountry, 1<<40), nil)
		}, "kind index entry Country points at no entity"},
		{"kind entry of the wrong kind", func(w *Writer) error {
			n, _, err := w.resolve("country/FIN")
			if err != nil {
				return err
			}
			return w.set(kindKey(domain.KindPerson, n), nil)
		}, "kind index entry Person points at no entity of that kind"},
		{"by-time entry deleted", func(w *Writer) error {
			f, e, err := w.fact("fact/swe-member")
			if err != nil {
				return err
			}
			return w.del(timeKey(domain.MemberOf, f.Valid.From, e.fact))
		}, "missing by-time entry of fact/swe-member"},
		{"stray word entry", func(w *Writer) error {
			n, _, err := w.resolve("country/SWE")
			if err != nil {
				return err
			}
			return w.set(wordKey("norge", n), nil)
		}, `name token "norge" points at no entity with that word`},
		{"external ID deleted", func(w *Writer) error { return w.del(xidKey("iso3", "SWE")) }, "missing external ID iso3 of country/SWE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newTestDB(t)
			fixture(t, db)
			good := db.LastCommit()
			mustUpdate(t, db, tt.corrupt)
			vs, err := db.Check(time.Time{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != 1 || !strings.Contains(vs[0].Problem, tt.problem) {
				t.Errorf("Check = %v, want one violation containing %q", vs, tt.problem)
			}
			for _, v := range vs {
				if v.Key == "" || !strings.Contains(v.String(), v.Key) {
					t.Errorf("violation %v lacks its key", v)
				}
			}
			// The snapshot before the damage is still clean.
			checkClean(t, db, good)
		})
	}

	t.Run("undecodable entity record", func(t *testing.T) {
		db := newTestDB(t)
		fixture(t, db)
		mustUpdate(t, db, func(w *Writer) error {
			n, _, err := w.resolve("country/SWE")
			if err != nil {
				return err
			}
			return w.set(nodeKey(n), []byte("{not json"))
		})
		vs, err := db.Check(time.Time{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(vs, func(v Violation) bool { return strings.Contains(v.Problem, ErrCorrupt.Error()) }) {
			t.Errorf("Check = %v, want a corrupt-record violation", vs)
		}
		view(t, db, time.Time{}, func(r *Reader) error {
			if _, err := r.Entity("country/SWE"); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Entity of a damaged record: %v, want ErrCorrupt", err)
			}
			return nil
		})
	})
	t.Run("limit", func(t *testing.T) {
		db := newTestDB(t)
		fixture(t, db)
		mustUpdate(t, db, func(w *Writer) error {
			for i := range 5 {
				if err := w.set(kindKey(domain.KindOrganization, uint64(1000+i)), nil); err != nil {
					return err
				}
			}
			return nil
		})
		for _, tt := range []struct{ limit, want int }{{0, 5}, {-1, 5}, {1, 1}, {3, 3}, {10, 5}} {
			vs, err := db.Check(time.Time{}, tt.limit)
			if err != nil || len(vs) != tt.want {
				t.Errorf("Check(limit %d) = %d violations, %v; want %d", tt.limit, len(vs), err, tt.want)
			}
		}
	})
}

func TestDumpDeterministic(t *testing.T) {
	// Store a: one entity or fact per commit, in fixture order.
	a := newTestDB(t)
	for _, e := range fixtureEntities() {
		mustUpdate(t, a, putEntities(e))
	}
	for _, f := range fixtureFacts() {
		mustUpdate(t, a, putFacts(f))
	}
	// Store b: everything in one commit, in reverse order (the document
	// first, as citations need it), plus a detour: a fact that is
	// written and deleted, and an entity renamed back.
	b := newTestDB(t)
	mustUpdate(t, b, func(w *Writer) error {
		es := fixtureEntities()
		if _, err := w.PutEntity(es[0]); err != nil {
			return err
		}
		for _, e := range slices.Backward(es[1:]) {
			if e.ID == "country/FIN" {
				e.Name = "Republic of Finland"
			}
			if _, err := w.PutEntity(e); err != nil {
				return err
			}
		}
		if _, err := w.PutFact(domain.Fact{ID: "fact/tmp", Predicate: domain.Knows, From: "person/stoltenberg", To: "person/stoltenberg", Citations: cite()}); err != nil {
			return err
		}
		for _, f := range slices.Backward(fixtureFacts()) {
			if _, err := w.PutFact(f); err != nil {
				return err
			}
		}
		return nil
	})
	mustUpdate(t, b, func(w *Writer) error {
		if _, err := w.PutEntity(fixtureEntities()[2]); err != nil {
			return err
		}
		return w.DeleteFact("fact/tmp")
	})
	da, dbb := dump(t, a, time.Time{}), dump(t, b, time.Time{})
	if da != dbb {
		t.Errorf("dumps differ:\n%s\nvs\n%s", da, dbb)
	}
	lines := strings.Split(strings.TrimSuffix(da, "\n"), "\n")
	if want := len(fixtureEntities()) + len(fixtureFacts()); len(lines) != want {
		t.Errorf("dump has %d lines, want %d", len(lines), want)
	}
	if !strings.HasPrefix(lines[0], `{"entity":{"id":"country/FIN"`) || !strings.HasPrefix(lines[len(lines)-1], `{"fact":{"id":"fact/treaty-mentions-nato"`) {
		t.Errorf("dump not sorted entities then facts by ID:\n%s", da)
	}
	if d2 := dump(t, a, time.Time{}); d2 != da {
		t.Error("dumping twice gave different bytes")
	}
	checkClean(t, a, time.Time{})
	checkClean(t, b, time.Time{})
}

func TestPutFactChangesEnds(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	mustUpdate(t, db, putEntities(domain.Entity{ID: "org/eu", Name: "European Union"}))
	// Move a fact to another predicate and other ends.
	mustUpdate(t, db, func(w *Writer) error {
		f := fixtureFacts()[0] // fin-partner
		f.From, f.To, f.Predicate = "country/SWE", "org/eu", domain.MemberOf
		f.Valid = domain.Interval{From: domain.MustDate("1995-01-01")}
		_, err := w.PutFact(f)
		return err
	})
	view(t, db, time.Time{}, func(r *Reader) error {
		fin, _ := r.Edges("country/FIN", EdgeFilter{})
		if got := factIDs(fin); !slices.Equal(got, []string{"fact/fin-member", "fact/fin-vilnius"}) {
			t.Errorf("FIN edges = %q", got)
		}
		swe, _ := r.Edges("country/SWE", EdgeFilter{})
		if got := factIDs(swe); !slices.Equal(got, []string{"fact/swe-member", "fact/fin-partner"}) {
			t.Errorf("SWE edges = %q", got)
		}
		eu, _ := r.Edges("org/eu", EdgeFilter{Dir: In})
		if got := factIDs(eu); !slices.Equal(got, []string{"fact/fin-partner"}) {
			t.Errorf("EU edges = %q", got)
		}
		if fs, _ := r.FactsStarting(context.Background(), domain.PartnerOf, 0, 0, 0); len(fs) != 0 {
			t.Errorf("old by-time entry remains: %q", factIDs(fs))
		}
		fs, _ := r.FactsStarting(context.Background(), domain.MemberOf, 0, domain.MustDate("2000-01-01"), 0)
		if got := factIDs(fs); !slices.Equal(got, []string{"fact/fin-partner"}) {
			t.Errorf("by-time = %q", got)
		}
		return nil
	})
	checkClean(t, db, time.Time{})
	// A self-loop shows once out and once in.
	mustUpdate(t, db, putFacts(domain.Fact{ID: "fact/self", Predicate: domain.Knows, From: "person/stoltenberg", To: "person/stoltenberg", Citations: cite()}))
	view(t, db, time.Time{}, func(r *Reader) error {
		es, _ := r.Edges("person/stoltenberg", EdgeFilter{Predicates: []domain.Predicate{domain.Knows}})
		if got := factIDs(es); !slices.Equal(got, []string{"fact/self", "fact/self"}) {
			t.Errorf("self-loop edges = %q", got)
		}
		return nil
	})
	// A deleted fact's ID can be used again.
	mustUpdate(t, db, func(w *Writer) error { return w.DeleteFact("fact/self") })
	mustUpdate(t, db, putFacts(domain.Fact{ID: "fact/self", Predicate: domain.Mentions, From: treaty, To: "person/stoltenberg", Citations: cite()}))
	view(t, db, time.Time{}, func(r *Reader) error {
		f, err := r.Fact("fact/self")
		if err != nil || f.Predicate != domain.Mentions {
			t.Errorf("reused fact ID = %+v, %v", f, err)
		}
		return nil
	})
	checkClean(t, db, time.Time{})
}

func TestReadsCounter(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	calls := []struct {
		name string
		call func(r *Reader) error
	}{
		{"Entity", func(r *Reader) error { _, err := r.Entity("country/FIN"); return err }},
		{"Entity missing", func(r *Reader) error { _, err := r.Entity("country/XXX"); return ignore(err, domain.ErrNotFound) }},
		{"Entities", func(r *Reader) error {
			_, err := r.Entities([]string{"country/FIN", "country/SWE", "org/nato", "country/XXX"})
			return err
		}},
		{"EntityByXID", func(r *Reader) error { _, err := r.EntityByXID("iso3", "FIN"); return err }},
		{"Fact", func(r *Reader) error { _, err := r.Fact("fact/fin-member"); return err }},
		{"Facts", func(r *Reader) error {
			_, err := r.Facts([]string{"fact/fin-member", "fact/swe-member", "fact/none"})
			return err
		}},
		{"Edges", func(r *Reader) error { _, err := r.Edges("org/nato", EdgeFilter{}); return err }},
		{"EdgesOf", func(r *Reader) error {
			_, err := r.EdgesOf([]string{"org/nato", "country/FIN", "country/SWE"}, EdgeFilter{})
			return err
		}},
		{"FactsStarting", func(r *Reader) error {
			_, err := r.FactsStarting(context.Background(), domain.MemberOf, 0, 0, 0)
			return err
		}},
		{"ByKind", func(r *Reader) error { _, err := r.ByKind(domain.KindCountry, "", 0); return err }},
		{"Search", func(r *Reader) error {
			_, _, err := r.Search(context.Background(), SearchQuery{Text: "nato", Limit: 100})
			return err
		}},
		{"CountKind", func(r *Reader) error { _, err := r.CountKind(context.Background(), domain.KindCountry); return err }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			before := db.Reads()
			view(t, db, time.Time{}, func(r *Reader) error {
				if err := c.call(r); err != nil {
					return err
				}
				r.KnownAt() // not a store read
				return nil
			})
			if got := db.Reads() - before; got != 1 {
				t.Errorf("%s counted %d reads, want 1", c.name, got)
			}
		})
	}
	// Dump, Check and writes are not Reader calls.
	before := db.Reads()
	dump(t, db, time.Time{})
	checkClean(t, db, time.Time{})
	if got := db.Reads() - before; got != 0 {
		t.Errorf("Dump and Check counted %d reads", got)
	}
}

func ignore(err, target error) error {
	if errors.Is(err, target) {
		return nil
	}
	return err
}

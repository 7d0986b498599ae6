package dataset

import (
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/jsonl"
)

// SyntheticShape is the size of a synthetic graph at factor 1; factor f
// multiplies every count by f.
type SyntheticShape struct {
	Alliances, Countries, People, Offices, Events, Documents int
	// Memberships per country, terms per office, participants per event.
	MembershipsPerCountry, TermsPerOffice, ParticipantsPerEvent int
	Knows                                                       int
}

// Factor1 is the shape the performance issue specifies: 2,000 alliances,
// 10,000 countries, 80,000 people, 8,000 offices, 10,000 events; 50,000
// memberships, 40,000 office terms, 200,000 participations, 520,000
// person-to-person KNOWS facts.
var Factor1 = SyntheticShape{
	Alliances: 2000, Countries: 10000, People: 80000, Offices: 8000, Events: 10000, Documents: 100,
	MembershipsPerCountry: 5, TermsPerOffice: 5, ParticipantsPerEvent: 20, Knows: 520000,
}

// SyntheticSeed is the fixed seed: the same factor always gives the same
// bytes.
const SyntheticSeed = 20241001

var regions = []string{"Africa", "Americas", "Asia", "Europe", "Oceania", "Middle East", "Caribbean", "Central Asia"}

// WriteSynthetic writes a deterministic synthetic graph of the given shape
// times factor to w in the project's JSON Lines import format, entities
// first, then facts. Every fact cites one of the synthetic documents;
// memberships of one country are in distinct alliances and an office's
// terms follow each other, so the graph obeys the store's rules.
func WriteSynthetic(w io.Writer, shape SyntheticShape, factor int) error {
	if factor < 1 {
		return fmt.Errorf("%w: factor must be at least 1", domain.ErrInvalid)
	}
	enc, err := jsonl.NewWriter(w, jsonl.Header{Generator: "alliancegraph gen", Selection: &jsonl.Selection{}})
	if err != nil {
		return err
	}
	g := &synth{enc: enc, rng: rand.New(rand.NewPCG(SyntheticSeed, uint64(factor))), s: shape, k: factor}
	if err := g.entities(); err != nil {
		return err
	}
	if err := g.facts(); err != nil {
		return err
	}
	return enc.Close()
}

type synth struct {
	enc *jsonl.Writer
	rng *rand.Rand
	s   SyntheticShape
	k   int
}

func (g *synth) n(count int) int { return count * g.k }

func allianceID(i int) string { return fmt.Sprintf("org/a%06d", i) }
func countryID(i int) string  { return fmt.Sprintf("country/C%06d", i) }
func personID(i int) string   { return fmt.Sprintf("person/p%07d", i) }
func officeID(i int) string   { return fmt.Sprintf("office/o%06d", i) }
func eventID(i int) string    { return fmt.Sprintf("event/e%06d", i) }
func docID(i int) string      { return fmt.Sprintf("doc/d%05d", i) }

// date returns a random day between 1900-01-01 and 2024-12-31.
func (g *synth) date() domain.Date {
	lo, hi := domain.MustDate("1900-01-01"), domain.MustDate("2024-12-31")
	return lo + domain.Date(g.rng.IntN(int(hi-lo)))
}

func (g *synth) entities() error {
	put := g.enc.Entity
	for i := range g.n(g.s.Documents) {
		if err := put(&domain.Entity{ID: docID(i), Kind: domain.KindDocument, Name: fmt.Sprintf("Synthetic source %d", i),
			Props: []domain.Prop{{Key: "url", Type: domain.PropString, Value: fmt.Sprintf("https://example.org/source/%d", i)}}}); err != nil {
			return err
		}
	}
	for i := range g.n(g.s.Alliances) {
		if err := put(&domain.Entity{ID: allianceID(i), Kind: domain.KindOrganization, Name: fmt.Sprintf("Alliance %d", i)}); err != nil {
			return err
		}
	}
	for i := range g.n(g.s.Countries) {
		e := &domain.Entity{ID: countryID(i), Kind: domain.KindCountry, Name: fmt.Sprintf("Country %d", i),
			XIDs: map[string]string{"iso3": fmt.Sprintf("C%06d", i)},
			Props: []domain.Prop{
				{Key: "area", Type: domain.PropFloat, Value: fmt.Sprint(float64(g.rng.IntN(17_000_000_00)) / 100)},
				{Key: "capital", Type: domain.PropString, Value: fmt.Sprintf("Capital %d", i)},
				{Key: "founded", Type: domain.PropDate, Value: g.date().String()},
				{Key: "gdp", Type: domain.PropFloat, Value: fmt.Sprint(float64(g.rng.IntN(25_000_000)) / 1000)},
				{Key: "independent", Type: domain.PropBool, Value: fmt.Sprint(g.rng.IntN(10) > 0)},
				{Key: "population", Type: domain.PropInt, Value: fmt.Sprint(g.rng.IntN(1_400_000_000))},
				{Key: "region", Type: domain.PropString, Value: regions[g.rng.IntN(len(regions))]},
			}}
		if err := put(e); err != nil {
			return err
		}
	}
	for i := range g.n(g.s.People) {
		if err := put(&domain.Entity{ID: personID(i), Kind: domain.KindPerson, Name: fmt.Sprintf("Person %d", i)}); err != nil {
			return err
		}
	}
	for i := range g.n(g.s.Offices) {
		if err := put(&domain.Entity{ID: officeID(i), Kind: domain.KindOffice, Name: fmt.Sprintf("Office %d", i)}); err != nil {
			return err
		}
	}
	for i := range g.n(g.s.Events) {
		if err := put(&domain.Entity{ID: eventID(i), Kind: domain.KindEvent, Name: fmt.Sprintf("Event %d", i), Date: g.date()}); err != nil {
			return err
		}
	}
	return nil
}

func (g *synth) cite() []domain.Citation {
	return []domain.Citation{{Source: docID(g.rng.IntN(g.n(g.s.Documents)))}}
}

func (g *synth) facts() error {
	put := g.enc.Fact
	// Memberships: each country joins distinct alliances; most later leave.
	m := 0
	for c := range g.n(g.s.Countries) {
		picked := map[int]bool{}
		for len(picked) < min(g.s.MembershipsPerCountry, g.n(g.s.Alliances)) {
			a := g.rng.IntN(g.n(g.s.Alliances))
			if picked[a] {
				continue
			}
			picked[a] = true
			iv := domain.Interval{From: g.date()}
			if g.rng.IntN(10) < 6 {
				iv.To = iv.From + 1 + domain.Date(g.rng.IntN(365*40))
			}
			if err := put(&domain.Fact{ID: fmt.Sprintf("fact/m%07d", m), Predicate: domain.MemberOf, From: countryID(c), To: allianceID(a), Valid: iv, Citations: g.cite()}); err != nil {
				return err
			}
			m++
		}
	}
	// Office terms follow each other.
	t := 0
	for o := range g.n(g.s.Offices) {
		start := g.date() - 365*20
		for range g.s.TermsPerOffice {
			end := start + 1 + domain.Date(g.rng.IntN(365*6))
			if err := put(&domain.Fact{ID: fmt.Sprintf("fact/t%07d", t), Predicate: domain.Holds, From: personID(g.rng.IntN(g.n(g.s.People))), To: officeID(o),
				Valid: domain.Interval{From: start, To: end}, Citations: g.cite()}); err != nil {
				return err
			}
			t++
			start = end
		}
	}
	// Exactly ParticipantsPerEvent distinct participants per event.
	p := 0
	for e := range g.n(g.s.Events) {
		seen := map[string]bool{}
		for len(seen) < g.s.ParticipantsPerEvent {
			who := personID(g.rng.IntN(g.n(g.s.People)))
			if g.rng.IntN(4) == 0 {
				who = countryID(g.rng.IntN(g.n(g.s.Countries)))
			}
			if seen[who] {
				continue
			}
			seen[who] = true
			if err := put(&domain.Fact{ID: fmt.Sprintf("fact/e%08d", p), Predicate: domain.ParticipantIn, From: who, To: eventID(e), Citations: g.cite()}); err != nil {
				return err
			}
			p++
		}
	}
	// KNOWS with a skewed degree: low-numbered people are hubs.
	people := g.n(g.s.People)
	for k := range g.n(g.s.Knows) {
		a := skewed(g.rng, people)
		b := g.rng.IntN(people)
		if a == b {
			b = (b + 1) % people
		}
		if err := put(&domain.Fact{ID: fmt.Sprintf("fact/k%08d", k), Predicate: domain.Knows, From: personID(a), To: personID(b),
			Valid: domain.Interval{From: g.date()}, Citations: g.cite()}); err != nil {
			return err
		}
	}
	return nil
}

// skewed draws from [0, n) with density falling as a power law.
func skewed(rng *rand.Rand, n int) int {
	u := rng.Float64()
	return min(int(float64(n)*u*u*u), n-1)
}

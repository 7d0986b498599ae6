package dataset

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.TempDir(), store.DefaultOptions().WithSyncWrites(false))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func parsed(t *testing.T) *File {
	t.Helper()
	f, err := ParseNATO()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func entityIn(t *testing.T, f *File, id string) *Entity {
	t.Helper()
	for i := range f.Entities {
		if f.Entities[i].ID == id {
			return &f.Entities[i]
		}
	}
	t.Fatalf("no entity %s in the dataset", id)
	return nil
}

func factIn(t *testing.T, f *File, id string) *Fact {
	t.Helper()
	for i := range f.Facts {
		if f.Facts[i].ID == id {
			return &f.Facts[i]
		}
	}
	t.Fatalf("no fact %s in the dataset", id)
	return nil
}

// without returns f's facts (or entities) but those with ids.
func without[T any](xs []T, id func(T) string, ids ...string) []T {
	return slices.DeleteFunc(xs, func(x T) bool { return slices.Contains(ids, id(x)) })
}

func as(t *testing.T, db *store.DB, author string, fn func(w *store.Writer) error) {
	t.Helper()
	if err := db.Update(author, fn); err != nil {
		t.Fatalf("%s's write: %v", author, err)
	}
}

func rename(id, name string) func(w *store.Writer) error {
	return func(w *store.Writer) error {
		e, err := w.Entity(id)
		if err != nil {
			return err
		}
		e.Name = name
		_, err = w.PutEntity(*e)
		return err
	}
}

func dumpOf(t *testing.T, db *store.DB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := db.Dump(time.Time{}, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func plan(t *testing.T, db *store.DB, f *File) *Plan {
	t.Helper()
	p, err := PlanUpgrade(db, f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// lines is a plan's steps, kept records and conflicts as "action id",
// "keep id" and "conflict action id", in the plan's order.
func lines(p *Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, string(s.Action)+" "+s.ID)
	}
	for _, k := range p.Kept {
		out = append(out, "keep "+k.ID)
	}
	for _, c := range p.Conflicts {
		out = append(out, "conflict "+string(c.Action)+" "+c.ID)
	}
	return out
}

// TestSeedOnlyIntoEmptyStore: Seed loads an empty store and stamps it;
// on a store that holds anything it writes nothing, whatever it is given,
// and says whether the given dataset differs from the stored one.
func TestSeedOnlyIntoEmptyStore(t *testing.T) {
	db := openStore(t)
	base := parsed(t)
	res, err := Seed(db, base)
	if err != nil || !res.Loaded || res.Changed == 0 || res.Differs() {
		t.Fatalf("first seed: %+v, %v", res, err)
	}
	as(t, db, "alice", rename("country/NOR", "Norge"))
	before, last := dumpOf(t, db), db.LastCommit()

	newer := parsed(t)
	entityIn(t, newer, "country/ISL").Aliases = append(entityIn(t, newer, "country/ISL").Aliases, "Ísland")
	for _, f := range []*File{base, newer} {
		res, err := Seed(db, f)
		if err != nil || res.Loaded || res.Changed != 0 {
			t.Fatalf("seed of a loaded store: %+v, %v", res, err)
		}
		if want := f == newer; res.Differs() != want {
			t.Errorf("Differs() = %v, want %v (%+v)", res.Differs(), want, res)
		}
	}
	if !bytes.Equal(before, dumpOf(t, db)) || !db.LastCommit().Equal(last) {
		t.Error("seeding a store that holds data wrote to it")
	}
}

// TestSeedLeavesAnImportedStore: a store an import made holds no stamp;
// Seed leaves it alone and reports the stored dataset as unknown.
func TestSeedLeavesAnImportedStore(t *testing.T) {
	db := openStore(t)
	in := JSONLInput("x.jsonl", func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(`{"type":"header","format":"alliancegraph-jsonl","version":1}
{"type":"entity","id":"place/oslo","kind":"Place","name":"Oslo"}
`)), nil
	})
	if _, err := Import(db, []Input{in}, ImportOptions{Author: "cli"}); err != nil {
		t.Fatal(err)
	}
	before, last := dumpOf(t, db), db.LastCommit()
	res, err := SeedNATO(db)
	if err != nil || res.Loaded || !res.Differs() || res.Stored != (store.DatasetStamp{}) {
		t.Fatalf("seed of an imported store: %+v, %v", res, err)
	}
	if res.Stored.String() != "unknown" {
		t.Errorf("stored stamp reads %q", res.Stored)
	}
	if !bytes.Equal(before, dumpOf(t, db)) || !db.LastCommit().Equal(last) {
		t.Error("seeding an imported store wrote to it")
	}
}

// TestStampIgnoresLayout: the stamp hashes the records as the store
// holds them, so comments, the order of records, YAML's spelling and
// what the store normalises away do not change it, and a changed value
// does.
func TestStampIgnoresLayout(t *testing.T) {
	a, err := Parse(bytes.NewReader(append([]byte("# a comment\n"), NATO()...)))
	if err != nil {
		t.Fatal(err)
	}
	sa, _ := a.Stamp()
	sb, _ := parsed(t).Stamp()
	if sa != sb {
		t.Errorf("a comment changed the stamp: %v, %v", sa, sb)
	}
	reordered := parsed(t)
	slices.Reverse(reordered.Facts)
	reordered.Entities[0].Aliases = append(reordered.Entities[0].Aliases, reordered.Entities[0].Name) // dropped by the store
	text, err := yaml.Marshal(reordered)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := again.Stamp(); s != sb {
		t.Errorf("reordering and rewriting the file changed the stamp: %v, %v", s, sb)
	}
	c := parsed(t)
	entityIn(t, c, "country/ISL").Name = "Ísland"
	if sc, _ := c.Stamp(); sc == sb {
		t.Error("a changed name kept the stamp")
	}
}

// TestUpgrade: the plan applies the new dataset's changes to the records
// the dataset owns, keeps what users changed that the dataset did not,
// and reports as conflicts what both changed, what a user deleted and the
// dataset changed, and a removal that would leave a user's fact naming
// nothing. Applying it is one commit by the dataset, which history shows;
// planning again finds nothing more to do.
func TestUpgrade(t *testing.T) {
	db := openStore(t)
	if _, err := Seed(db, parsed(t)); err != nil {
		t.Fatal(err)
	}
	as(t, db, "alice", rename("country/NOR", "Norge"))
	as(t, db, "alice", rename("country/DNK", "Danmark"))
	as(t, db, "alice", func(w *store.Writer) error { _, err := w.DeleteEntity("person/kamala-harris"); return err })
	as(t, db, "alice", func(w *store.Writer) error {
		_, err := w.PutFact(domain.Fact{ID: "fact/trump-knows-rutte", Predicate: domain.Knows, From: "person/donald-trump", To: "person/mark-rutte",
			Citations: []domain.Citation{{Source: "doc/simplewiki-mark-rutte"}}})
		return err
	})

	next := parsed(t)
	isl := entityIn(t, next, "country/ISL")
	isl.Aliases = append(isl.Aliases, "Ísland")
	nor := entityIn(t, next, "country/NOR")
	nor.Aliases = append(nor.Aliases, "Noreg")
	entityIn(t, next, "person/kamala-harris").Aliases = []string{"Kamala Devi Harris"}
	fin := factIn(t, next, "fact/fin-member-of-nato")
	fin.Cite = append(fin.Cite, Cite{Source: "doc/mia-north-macedonia-30th-ally"})
	next.Entities = append(next.Entities, Entity{ID: "place/mons", Name: "Mons"})
	next.Facts = append(next.Facts, Fact{ID: "fact/mons-in-belgium", Predicate: "LOCATED_IN", From: "place/mons", To: "country/BEL",
		Cite: []Cite{{Source: "doc/vrt-nato-hq-1967"}}})
	next.Entities = without(next.Entities, func(e Entity) string { return e.ID }, "person/donald-trump")
	next.Facts = without(next.Facts, func(f Fact) string { return f.ID },
		"fact/accession-2024-follows-invasion-2022", "fact/donald-trump-participant-in-election-2024")

	before, last := dumpOf(t, db), db.LastCommit()
	p := plan(t, db, next)
	want := []string{
		"change country/ISL",
		"add place/mons",
		"change fact/fin-member-of-nato",
		"add fact/mons-in-belgium",
		"remove fact/accession-2024-follows-invasion-2022",
		"remove fact/donald-trump-participant-in-election-2024",
		"keep country/DNK",
		"keep fact/kamala-harris-participant-in-election-2024",
		"conflict change country/NOR",
		"conflict add person/kamala-harris",
		"conflict remove person/donald-trump",
	}
	if got := lines(p); !slices.Equal(got, want) {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var out bytes.Buffer
	if err := p.Print(&out); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`change country/ISL  aliases: + "Ísland"`,
		`change fact/fin-member-of-nato  citations: + doc/mia-north-macedonia-30th-ally`,
		`add    fact/mons-in-belgium  LOCATED_IN place/mons -> country/BEL`,
		`CONFLICT change country/NOR  name: "Norge" -> "Norway"; aliases: + "Noreg" (skipped): changed by alice at `,
		`CONFLICT add    person/kamala-harris  "Kamala Harris" (skipped): deleted by alice at `,
		`CONFLICT remove person/donald-trump  "Donald Trump" (skipped): removing it would leave fact/trump-knows-rutte naming nothing`,
		`keep   country/DNK  changed by alice at `,
		"summary: 2 to add, 2 to change, 2 to remove; 3 conflict(s) skipped; 2 record(s) others changed kept as they are",
	} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("printed plan lacks %q:\n%s", s, out.String())
		}
	}
	if err := p.Try(db); err != nil {
		t.Fatalf("Try: %v", err)
	}
	if !bytes.Equal(before, dumpOf(t, db)) || !db.LastCommit().Equal(last) {
		t.Fatal("Try wrote to the store")
	}

	at, err := p.Apply(db)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	err = db.View(time.Time{}, func(r *store.Reader) error {
		es, err := r.Entities([]string{"country/ISL", "country/NOR", "country/DNK", "person/kamala-harris", "person/donald-trump", "place/mons"})
		if err != nil {
			return err
		}
		if got := es["country/ISL"].Aliases; !slices.Equal(got, isl.Aliases) {
			t.Errorf("Iceland's aliases %v, want %v", got, isl.Aliases)
		}
		if e := es["country/NOR"]; e.Name != "Norge" || slices.Contains(e.Aliases, "Noreg") {
			t.Errorf("Norway is %+v, want it as alice wrote it", e)
		}
		if es["country/DNK"].Name != "Danmark" || es["person/kamala-harris"] != nil || es["person/donald-trump"] == nil || es["place/mons"] == nil {
			t.Errorf("after the upgrade: %v", es)
		}
		fs, err := r.Facts([]string{"fact/accession-2024-follows-invasion-2022", "fact/donald-trump-participant-in-election-2024", "fact/mons-in-belgium", "fact/fin-member-of-nato", "fact/trump-knows-rutte"})
		if err != nil {
			return err
		}
		if len(fs) != 3 || fs["fact/mons-in-belgium"] == nil || len(fs["fact/fin-member-of-nato"].Citations) != len(fin.Cite) || fs["fact/trump-knows-rutte"] == nil {
			t.Errorf("facts after the upgrade: %v", fs)
		}
		if s, _, err := r.DatasetStamp(); s != p.Given || err != nil {
			t.Errorf("stamp %v, %v; want %v", s, err, p.Given)
		}
		h, err := r.History("country/ISL", 0)
		if err != nil {
			return err
		}
		l := h[len(h)-1]
		if l.Author != Author || !l.Time.Equal(at) || l.Change.Op != domain.OpUpdate || !strings.Contains(l.Note, "dataset upgrade to "+p.Given.String()) {
			t.Errorf("Iceland's last change: %+v, want an update by %s at %v naming %s", l, Author, at, p.Given)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if vs, err := db.Check(time.Time{}, 0); err != nil || len(vs) > 0 {
		t.Fatalf("check: %v %v", vs, err)
	}

	again := plan(t, db, next)
	if !again.Empty() || len(again.Conflicts) != 3 {
		t.Errorf("planning again: %v", lines(again))
	}
}

// TestUpgradeOfAnUnstampedStore: a store an older version loaded has no
// stamp, and the dataset's records were written by Author all the same:
// history alone decides, and the upgrade stamps it.
func TestUpgradeOfAnUnstampedStore(t *testing.T) {
	db := openStore(t)
	base := parsed(t)
	as(t, db, Author, func(w *store.Writer) error { _, err := base.write(w); return err })
	as(t, db, "alice", rename("country/NOR", "Norge"))
	p := plan(t, db, base)
	if p.Stored != (store.DatasetStamp{}) || p.Empty() || !slices.Equal(lines(p), []string{"keep country/NOR"}) {
		t.Fatalf("plan: stored %v, %v", p.Stored, lines(p))
	}
	if _, err := p.Apply(db); err != nil {
		t.Fatal(err)
	}
	if p := plan(t, db, base); p.Stored != p.Given || !p.Empty() {
		t.Errorf("after the upgrade: stored %v, given %v, %v", p.Stored, p.Given, lines(p))
	}
}

// TestUpgradeOfAUsersRecord: a record a user created under an ID the new
// dataset then uses is a conflict, left as the user wrote it.
func TestUpgradeOfAUsersRecord(t *testing.T) {
	db := openStore(t)
	if _, err := Seed(db, parsed(t)); err != nil {
		t.Fatal(err)
	}
	as(t, db, "alice", func(w *store.Writer) error {
		_, err := w.PutEntity(domain.Entity{ID: "place/mons", Name: "Mons, Belgium"})
		return err
	})
	next := parsed(t)
	next.Entities = append(next.Entities, Entity{ID: "place/mons", Name: "Mons"})
	p := plan(t, db, next)
	if got := lines(p); !slices.Equal(got, []string{"conflict change place/mons"}) || !strings.Contains(p.Conflicts[0].Reason, "created by alice") ||
		!strings.Contains(p.Conflicts[0].Reason, "the dataset never wrote it") {
		t.Errorf("plan: %v %+v", got, p.Conflicts)
	}
}

// TestUpgradeRefusesAChangedStore: a plan is applied only to the store
// it was made on.
func TestUpgradeRefusesAChangedStore(t *testing.T) {
	db := openStore(t)
	if _, err := Seed(db, parsed(t)); err != nil {
		t.Fatal(err)
	}
	next := parsed(t)
	entityIn(t, next, "country/ISL").Name = "Ísland"
	p := plan(t, db, next)
	as(t, db, "alice", rename("country/NOR", "Norge"))
	before := dumpOf(t, db)
	if _, err := p.Apply(db); !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("Apply on a changed store: %v, want ErrConflict", err)
	}
	if !bytes.Equal(before, dumpOf(t, db)) {
		t.Error("a refused upgrade wrote")
	}
}

// TestUpgradeRuleFailureWritesNothing: a step the store's rules refuse
// (a new membership overlapping a user's) fails Try with the rule's
// error, and Apply writes none of the plan.
func TestUpgradeRuleFailureWritesNothing(t *testing.T) {
	db := openStore(t)
	if _, err := Seed(db, parsed(t)); err != nil {
		t.Fatal(err)
	}
	as(t, db, "alice", func(w *store.Writer) error {
		f, err := w.Fact("fact/swe-member-of-nato")
		if err != nil {
			return err
		}
		f.Valid.To = domain.MustDate("2025-06-01")
		if _, err := w.PutFact(*f); err != nil {
			return err
		}
		_, err = w.PutFact(domain.Fact{ID: "fact/swe-rejoin", Predicate: domain.MemberOf, From: "country/SWE", To: "org/nato",
			Valid: domain.Interval{From: domain.MustDate("2026-01-01")}, Citations: f.Citations})
		return err
	})
	next := parsed(t)
	entityIn(t, next, "country/ISL").Name = "Ísland"
	factIn(t, next, "fact/swe-member-of-nato").ValidTo = "2025-01-01"
	next.Facts = append(next.Facts, Fact{ID: "fact/swe-second", Predicate: "MEMBER_OF", From: "country/SWE", To: "org/nato", ValidFrom: "2025-09-01",
		Cite: []Cite{{Source: "doc/sweden-gov-nato-member"}}})
	p := plan(t, db, next)
	if got := lines(p); !slices.Equal(got, []string{"change country/ISL", "add fact/swe-second", "conflict change fact/swe-member-of-nato"}) {
		t.Fatalf("plan: %v", got)
	}
	before := dumpOf(t, db)
	if err := p.Try(db); !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "overlaps fact/swe-rejoin") {
		t.Errorf("Try: %v, want the overlap", err)
	}
	if _, err := p.Apply(db); !errors.Is(err, domain.ErrConflict) {
		t.Errorf("Apply: %v, want the overlap", err)
	}
	if !bytes.Equal(before, dumpOf(t, db)) {
		t.Error("a failed upgrade wrote")
	}
}

// TestUpgradeRefusesABrokenDataset: a dataset whose fact names an entity
// it does not hold, or that gives an ID twice, is refused before
// anything is planned.
func TestUpgradeRefusesABrokenDataset(t *testing.T) {
	db := openStore(t)
	if _, err := Seed(db, parsed(t)); err != nil {
		t.Fatal(err)
	}
	dangling := parsed(t)
	dangling.Entities = without(dangling.Entities, func(e Entity) string { return e.ID }, "person/donald-trump")
	twice := parsed(t)
	twice.Entities = append(twice.Entities, *entityIn(t, twice, "country/ISL"))
	for name, tc := range map[string]struct {
		f   *File
		msg string
	}{
		"dangling": {dangling, "fact/donald-trump-participant-in-election-2024 names person/donald-trump, which the dataset does not hold"},
		"twice":    {twice, "country/ISL is given twice"},
	} {
		if _, err := PlanUpgrade(db, tc.f); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want %q", name, err, tc.msg)
		}
	}
}

// Package dataset owns alliancegraph's curated data (readable YAML files
// kept in the repo: nato.yaml, the other organizations, successor states,
// summits, leaders/ and the generated names) and loads it into a store; it
// also owns
// the ways data from elsewhere gets in: the bulk importers (import*.go)
// and document ingest (ingest.go).
//
// The curated dataset is loaded into an empty store only (Seed), once:
// after that the store belongs to its users, and a start never writes to
// it. A newer curated dataset is applied by an explicit upgrade
// (upgrade.go) that leaves alone every record a user or an import
// changed since the dataset last wrote it.
package dataset

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

//go:embed nato.yaml
var natoYAML []byte

// NATO returns the curated NATO dataset's source text.
func NATO() []byte { return natoYAML }

// File is the dataset file's structure (see nato.yaml's header).
type File struct {
	Version   int        `yaml:"version"`
	Documents []Document `yaml:"documents"`
	Entities  []Entity   `yaml:"entities"`
	Facts     []Fact     `yaml:"facts"`
	Gaps      []Gap      `yaml:"gaps"`  // documented vacancies, for Lint
	Names     []NameSet  `yaml:"names"` // more aliases for entities (see Merge)
}

// Document is a source: a Document entity.
type Document struct {
	ID        string `yaml:"id"`
	Name      string `yaml:"name"`
	URL       string `yaml:"url"`
	SHA256    string `yaml:"sha256"`
	Published string `yaml:"published"`
	Retrieved string `yaml:"retrieved"`
}

// Entity is a node in the file.
type Entity struct {
	ID      string            `yaml:"id"`
	Name    string            `yaml:"name"`
	Aliases []string          `yaml:"aliases"`
	XIDs    map[string]string `yaml:"xids"`
	Props   map[string]any    `yaml:"props"`
	Date    string            `yaml:"date"`
}

// Fact is an edge in the file.
type Fact struct {
	ID        string         `yaml:"id"`
	Predicate string         `yaml:"predicate"`
	From      string         `yaml:"from"`
	To        string         `yaml:"to"`
	ValidFrom string         `yaml:"validFrom"`
	ValidTo   string         `yaml:"validTo"`
	Event     string         `yaml:"event"`
	Props     map[string]any `yaml:"props"`
	Cite      []Cite         `yaml:"cite"`
}

// Cite is one citation in the file.
type Cite struct {
	Source string `yaml:"source"`
	Span   []int  `yaml:"span"`
}

// Parse reads a dataset file strictly: unknown keys are errors.
func Parse(r io.Reader) (*File, error) {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("dataset: version %d, want 1", f.Version)
	}
	return &f, nil
}

// ParseNATO parses the embedded NATO dataset.
func ParseNATO() (*File, error) { return Parse(bytes.NewReader(natoYAML)) }

// Author is the name the dataset's own writes are committed under: the
// first load into an empty store and every upgrade. History tells the
// dataset's writes from users' by it.
const Author = "dataset"

// Name is the curated dataset's name in its stamp.
const Name = "nato"

// Stamp identifies f by a hash of its records as the store holds them,
// in ID order: comments, layout, the order of records and spellings the
// store normalises away do not change it.
func (f *File) Stamp() (store.DatasetStamp, error) {
	recs, _, err := f.canonical()
	if err != nil {
		return store.DatasetStamp{}, err
	}
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, id := range slices.Sorted(maps.Keys(recs)) {
		r := recs[id]
		var v any = r.ent
		if r.fact != nil {
			v = r.fact
		}
		if err := enc.Encode(v); err != nil {
			return store.DatasetStamp{}, fmt.Errorf("dataset: hashing %s: %w", id, err)
		}
	}
	return store.DatasetStamp{Name: Name, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// write upserts f's records through w and returns how many changed.
func (f *File) write(w *store.Writer) (int, error) {
	changed := 0
	ents, err := f.storeEntities()
	if err != nil {
		return 0, err
	}
	for _, e := range ents {
		c, err := w.PutEntity(e)
		if err != nil {
			return 0, fmt.Errorf("dataset: %w", err)
		}
		if c {
			changed++
		}
	}
	for _, x := range f.Facts {
		sf, err := x.toStore()
		if err != nil {
			return 0, err
		}
		c, err := w.PutFact(sf)
		if err != nil {
			return 0, fmt.Errorf("dataset: %w", err)
		}
		if c {
			changed++
		}
	}
	return changed, nil
}

// SeedResult says what Seed did.
type SeedResult struct {
	// Loaded reports that the store was empty and now holds the dataset;
	// Changed is how many records that wrote.
	Loaded  bool
	Changed int
	// Stored is the dataset the store records after Seed (zero: none,
	// for a store made by an older version or by an import), Given the
	// one Seed was given.
	Stored, Given store.DatasetStamp
}

// Differs reports that the store holds another curated dataset than the
// one given, or one it cannot name: an upgrade would have something to
// review.
func (r SeedResult) Differs() bool { return r.Stored != r.Given }

// Seed loads f into db if db is empty (nothing was ever committed to
// it), in one commit by Author that also records f's stamp. A store that
// holds anything is left exactly as it is, whatever dataset it records:
// its records may be users' edits, and only an upgrade (PlanUpgrade,
// Apply) changes them. On any error nothing is written.
//
// The load goes through the store's fast loader (store.DB.Load), which
// holds no transaction open over the whole dataset: the curated set is
// larger than one transaction of a store opened with a small memtable.
// Like that loader, Seed must run before anything else reads db.
func Seed(db *store.DB, f *File) (SeedResult, error) {
	given, err := f.Stamp()
	if err != nil {
		return SeedResult{}, err
	}
	res := SeedResult{Given: given}
	_, err = db.Load(store.UpdateOptions{Author: Author, Note: "curated dataset " + given.String()}, func(w *store.Writer) error {
		if res.Changed, err = f.write(w); err != nil {
			return err
		}
		return w.SetDatasetStamp(given)
	})
	switch {
	case err == nil:
		res.Loaded, res.Stored = true, given
		return res, nil
	case !errors.Is(err, store.ErrNotEmpty):
		return SeedResult{}, err
	}
	res.Changed = 0
	err = db.View(time.Time{}, func(r *store.Reader) error {
		res.Stored, _, err = r.DatasetStamp()
		return err
	})
	if err != nil {
		return SeedResult{}, err
	}
	return res, nil
}

// SeedNATO is Seed with the embedded NATO dataset.
func SeedNATO(db *store.DB) (SeedResult, error) {
	f, err := ParseNATO()
	if err != nil {
		return SeedResult{}, err
	}
	return Seed(db, f)
}

// LoadNATO seeds db with the embedded NATO dataset (see Seed) and returns
// how many records it wrote: 0 for a store that already holds anything.
func LoadNATO(db *store.DB) (int, error) {
	res, err := SeedNATO(db)
	return res.Changed, err
}

func (f *File) storeEntities() ([]domain.Entity, error) {
	var out []domain.Entity
	for _, d := range f.Documents {
		e := domain.Entity{ID: d.ID, Name: d.Name}
		for _, p := range []struct {
			key, val string
			typ      domain.PropType
		}{
			{"url", d.URL, domain.PropString},
			{"published", d.Published, domain.PropDate},
			{"retrieved", d.Retrieved, domain.PropDate},
		} {
			if p.val != "" {
				e.Props = append(e.Props, domain.Prop{Key: p.key, Type: p.typ, Value: p.val})
			}
		}
		if d.SHA256 != "" {
			e.XIDs = map[string]string{"sha256": d.SHA256}
		}
		out = append(out, e)
	}
	for _, x := range f.Entities {
		e := domain.Entity{ID: x.ID, Name: x.Name, Aliases: slices.Clone(x.Aliases), XIDs: maps.Clone(x.XIDs)}
		if x.Date != "" {
			d, err := domain.ParseDate(x.Date)
			if err != nil {
				return nil, fmt.Errorf("dataset: %s: %w", x.ID, err)
			}
			e.Date = d
		}
		props, err := toProps(x.ID, x.Props)
		if err != nil {
			return nil, err
		}
		e.Props = props
		out = append(out, e)
	}
	return out, nil
}

func (x *Fact) toStore() (domain.Fact, error) {
	p, err := domain.ParsePredicate(x.Predicate)
	if err != nil {
		return domain.Fact{}, fmt.Errorf("dataset: %s: %w", x.ID, err)
	}
	f := domain.Fact{ID: x.ID, Predicate: p, From: x.From, To: x.To, Event: x.Event}
	for _, b := range []struct {
		s string
		d *domain.Date
	}{{x.ValidFrom, &f.Valid.From}, {x.ValidTo, &f.Valid.To}} {
		if b.s == "" {
			continue
		}
		if *b.d, err = domain.ParseDate(b.s); err != nil {
			return domain.Fact{}, fmt.Errorf("dataset: %s: %w", x.ID, err)
		}
	}
	if f.Props, err = toProps(x.ID, x.Props); err != nil {
		return domain.Fact{}, err
	}
	for _, c := range x.Cite {
		sc := domain.Citation{Source: c.Source}
		switch len(c.Span) {
		case 0:
		case 2:
			sc.Span = &domain.Span{Start: c.Span[0], End: c.Span[1]}
		default:
			return domain.Fact{}, fmt.Errorf("dataset: %s: span must be [start, end]", x.ID)
		}
		f.Citations = append(f.Citations, sc)
	}
	return f, nil
}

// toProps types YAML scalars: yaml.v3 gives ints, floats, bools, strings
// and, for unquoted YYYY-MM-DD, time.Time.
func toProps(id string, m map[string]any) ([]domain.Prop, error) {
	var out []domain.Prop
	for k, v := range m {
		p := domain.Prop{Key: k}
		switch v := v.(type) {
		case string:
			p.Type, p.Value = domain.PropString, v
		case int:
			p.Type, p.Value = domain.PropInt, fmt.Sprint(v)
		case float64:
			p.Type, p.Value = domain.PropFloat, fmt.Sprint(v)
		case bool:
			p.Type, p.Value = domain.PropBool, fmt.Sprint(v)
		case time.Time:
			p.Type, p.Value = domain.PropDate, domain.DateOf(v).String()
		default:
			return nil, fmt.Errorf("dataset: %s: property %q has unsupported value %v", id, k, v)
		}
		out = append(out, p)
	}
	return out, nil
}

package dataset

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/alliancegraph/alliancegraph/store"
)

// The curated dataset is every YAML file in this directory and in
// leaders/, built into the binary: nato.yaml (NATO, its Secretaries
// General and the events around them), the other organizations (eu.yaml,
// warsaw.yaml, csto.yaml, partners.yaml), the states that are not in
// nato.yaml (countries.yaml), predecessor and successor states
// (successors.yaml), summits (summits.yaml), one file of heads of state
// and government per state (leaders/<iso3>.yaml) and the names in other
// languages that `go generate` writes from Debian's iso-codes
// (names_gen.yaml). They are loaded as one dataset with one stamp: a
// record may name entities another file declares, and no ID may be given
// twice.
//
//go:embed *.yaml leaders/*.yaml
var curatedFS embed.FS

// NameSet is an entry of a file's names list: more aliases for an entity
// that another file declares (the generated names_gen.yaml holds these).
// Merging adds them to the entity's aliases, after its own.
type NameSet struct {
	ID      string   `yaml:"id"`
	Aliases []string `yaml:"aliases"`
}

// CuratedFS returns the curated dataset's files, as built in.
func CuratedFS() fs.FS { return curatedFS }

// ParseCurated parses the built-in curated dataset: every file, merged
// (see ParseFS).
func ParseCurated() (*File, error) { return ParseFS(curatedFS) }

// ParseFS parses every *.yaml file at the top of fsys and in its leaders
// folder, each as strictly as Parse, and merges them in path order into
// one File (see Merge).
func ParseFS(fsys fs.FS) (*File, error) {
	var names []string
	for _, pattern := range []string{"*.yaml", "leaders/*.yaml"} {
		m, err := fs.Glob(fsys, pattern)
		if err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		names = append(names, m...)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("dataset: no *.yaml files")
	}
	slices.Sort(names)
	files := make([]*File, 0, len(names))
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		f, err := Parse(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		files = append(files, f)
	}
	m, err := Merge(files...)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Merge joins files into one: their documents, entities, facts and gaps
// in order, and each names entry's aliases added to the entity it names
// (an alias the entity already has, or its name, is not added twice). An
// ID given twice, or a names entry for an entity no file declares, is an
// error. The result has no names entries left.
func Merge(files ...*File) (*File, error) {
	out := &File{Version: 1}
	seen := map[string]string{} // ID -> what declared it
	claim := func(id, what string) error {
		if prev, ok := seen[id]; ok {
			return fmt.Errorf("dataset: %s is given twice (%s, %s)", id, prev, what)
		}
		seen[id] = what
		return nil
	}
	var names []NameSet
	for _, f := range files {
		for _, d := range f.Documents {
			if err := claim(d.ID, "document"); err != nil {
				return nil, err
			}
			out.Documents = append(out.Documents, d)
		}
		for _, e := range f.Entities {
			if err := claim(e.ID, "entity"); err != nil {
				return nil, err
			}
			out.Entities = append(out.Entities, e)
		}
		for _, x := range f.Facts {
			if err := claim(x.ID, "fact"); err != nil {
				return nil, err
			}
			out.Facts = append(out.Facts, x)
		}
		out.Gaps = append(out.Gaps, f.Gaps...)
		names = append(names, f.Names...)
	}
	byID := make(map[string]*Entity, len(out.Entities))
	for i := range out.Entities {
		byID[out.Entities[i].ID] = &out.Entities[i]
	}
	for _, n := range names {
		e := byID[n.ID]
		if e == nil {
			return nil, fmt.Errorf("dataset: names for %s, which no file declares", n.ID)
		}
		e.Aliases = addAliases(e.Name, e.Aliases, n.Aliases)
	}
	return out, nil
}

// addAliases appends to have the aliases in add that neither name nor
// have already holds, compared as the store folds them (case and
// accents are kept: "Turkiye" and "Türkiye" are both kept).
func addAliases(name string, have, add []string) []string {
	known := map[string]bool{strings.TrimSpace(name): true}
	for _, a := range have {
		known[strings.TrimSpace(a)] = true
	}
	out := slices.Clone(have)
	for _, a := range add {
		a = strings.TrimSpace(a)
		if a == "" || known[a] {
			continue
		}
		known[a] = true
		out = append(out, a)
	}
	return out
}

// builtIn is the built-in curated dataset, parsed once per process for
// the seeds: parsing it is most of what a first load costs, and a process
// may seed several stores (tests do). Seed only reads it.
var builtIn = sync.OnceValues(ParseCurated)

// SeedCurated is Seed with the built-in curated dataset.
func SeedCurated(db *store.DB) (SeedResult, error) {
	f, err := builtIn()
	if err != nil {
		return SeedResult{}, err
	}
	return Seed(db, f)
}

// LoadCurated seeds db with the built-in curated dataset (see Seed) and
// returns how many records it wrote: 0 for a store that already holds
// anything.
func LoadCurated(db *store.DB) (int, error) {
	res, err := SeedCurated(db)
	return res.Changed, err
}

package dataset

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Gap documents days between two terms of an office, an entry of the
// file's gaps list: the days [From, To) for which the file names no
// holder, with the sources that bound them. Reason says why:
// GapVacancy (the default) when no one held the office (typically the
// outgoing holder's last day and the incoming holder's first, and no
// source naming an acting holder, or a collective body exercising it);
// GapUnverified when someone did but no source seen names or dates them,
// so their terms are left out. Gaps are not loaded into a store; Lint
// uses them to tell a documented gap from a term that was cut short or a
// holder left out by mistake.
type Gap struct {
	Office string `yaml:"office"`
	From   string `yaml:"from"`
	To     string `yaml:"to"`
	Reason string `yaml:"reason"`
	Note   string `yaml:"note"`
	Cite   []Cite `yaml:"cite"`
}

// The reasons a gaps entry gives (Gap.Reason); empty means GapVacancy.
const (
	GapVacancy    = "vacancy"
	GapUnverified = "unverified"
)

// ActingRole is the role property value that marks an acting holder's HOLDS
// fact. It is the only spelling: Lint refuses any other role on a term.
const ActingRole = "acting"

// TermGap is a gap Lint found between consecutive terms of one office.
type TermGap struct {
	Office        string
	Days          domain.Interval // the vacancy, [From, To)
	After, Before string          // the fact IDs on either side
	Backing       *Gap            // the gaps entry that documents it, if any
}

// String describes g for a lint listing.
func (g TermGap) String() string {
	s := fmt.Sprintf("%s vacant %s between %s and %s: ", g.Office, g.Days, g.After, g.Before)
	if g.Backing == nil {
		return s + "not backed"
	}
	var srcs []string
	for _, c := range g.Backing.Cite {
		srcs = append(srcs, c.Source)
	}
	s += "backed by " + strings.Join(srcs, ", ")
	if g.Backing.Reason == GapUnverified {
		s += ", holders not verified"
	}
	if g.Backing.Note != "" {
		s += " (" + g.Backing.Note + ")"
	}
	return s
}

// LintReport is what Lint found: every gap between the terms of each
// single-holder office, backed or not, and the problems that make the
// file wrong.
type LintReport struct {
	Gaps     []TermGap
	Problems []string
}

// lifetime keys: entity properties that bound the days a fact about the
// entity can fall on.
var (
	startKeys = []string{"founded", "born"}
	endKeys   = []string{"dissolved", "died"}
)

// Lint checks what the store's write rules cannot see, because they
// concern a whole file rather than one fact:
//
//   - every fact cites at least one source, each a declared document;
//   - the terms of each single-holder office neither overlap nor leave a
//     gap, unless a gaps entry with a citation documents the vacancy (an
//     acting holder's term fills a gap like any other term);
//   - a HOLDS fact's role, if any, is ActingRole;
//   - every gaps entry names an office, cites a source and matches a gap;
//   - a fact's set bounds lie within its ends' lifetimes where the file
//     knows them (founded/born, dissolved/died: a term may end on the day
//     of death, its first day out of office), and a fact with an event
//     starts on the event's day;
//   - a state's memberships and partnerships end by its `dissolved` day,
//     and a state and its successor are never members of one
//     organization at once (lintStates).
//
// Open bounds are not checked against lifetimes: an omitted validFrom
// means the file does not say, not that the fact was always true.
func (f *File) Lint() LintReport {
	var r LintReport
	bad := func(format string, args ...any) { r.Problems = append(r.Problems, fmt.Sprintf(format, args...)) }

	docs := map[string]bool{}
	for _, d := range f.Documents {
		docs[d.ID] = true
	}
	ents := map[string]*Entity{}
	for i := range f.Entities {
		ents[f.Entities[i].ID] = &f.Entities[i]
	}

	terms := map[string][]term{}
	for _, x := range f.Facts {
		if len(x.Cite) == 0 {
			bad("%s cites no source", x.ID)
		}
		for _, c := range x.Cite {
			if !docs[c.Source] {
				bad("%s cites %s, which is not among the documents", x.ID, c.Source)
			}
		}
		iv, err := interval(x.ValidFrom, x.ValidTo)
		if err != nil {
			bad("%s: %v", x.ID, err)
			continue
		}
		lintLifetimes(x, iv, ents, bad)
		if x.Predicate != "HOLDS" {
			continue
		}
		if role, ok := x.Props["role"]; ok && role != ActingRole {
			bad("%s: role %q; an acting holder is marked role: %s", x.ID, fmt.Sprint(role), ActingRole)
		}
		if e := ents[x.To]; e != nil && singleHolder(e) {
			terms[x.To] = append(terms[x.To], term{id: x.ID, iv: iv})
		}
	}

	f.lintStates(ents, bad)

	gaps := f.lintGapEntries(ents, docs, bad)
	used := map[*Gap]bool{}
	for _, office := range slices.Sorted(maps.Keys(terms)) {
		for _, g := range officeGaps(office, terms[office], bad) {
			for _, e := range gaps[office] {
				if e.iv == g.Days {
					used[e.gap] = true
					if len(e.gap.Cite) > 0 {
						g.Backing = e.gap
					}
				}
			}
			if g.Backing == nil {
				bad("%s: gap %s between %s and %s is backed by no gaps entry and no acting holder", office, g.Days, g.After, g.Before)
			}
			r.Gaps = append(r.Gaps, g)
		}
	}
	for i := range f.Gaps {
		if g := &f.Gaps[i]; !used[g] && ents[g.Office] != nil {
			if iv, err := interval(g.From, g.To); err == nil {
				bad("gaps entry %s %s matches no gap between holders", g.Office, iv)
			}
		}
	}
	return r
}

type term struct {
	id string
	iv domain.Interval
}

type gapEntry struct {
	gap *Gap
	iv  domain.Interval
}

// lintGapEntries checks each gaps entry on its own and returns the usable
// ones by office.
func (f *File) lintGapEntries(ents map[string]*Entity, docs map[string]bool, bad func(string, ...any)) map[string][]gapEntry {
	out := map[string][]gapEntry{}
	for i := range f.Gaps {
		g := &f.Gaps[i]
		if e := ents[g.Office]; e == nil || !strings.HasPrefix(e.ID, "office/") {
			bad("gaps entry for %q: not an office in this file", g.Office)
			continue
		}
		iv, err := interval(g.From, g.To)
		if err != nil || iv.From == 0 || iv.To == 0 {
			bad("gaps entry %s: from and to must both be days, from before to (%q, %q)", g.Office, g.From, g.To)
			continue
		}
		if len(g.Cite) == 0 {
			bad("gaps entry %s %s cites no source", g.Office, iv)
		}
		if g.Reason != "" && g.Reason != GapVacancy && g.Reason != GapUnverified {
			bad("gaps entry %s %s: reason %q; want %s or %s", g.Office, iv, g.Reason, GapVacancy, GapUnverified)
		}
		for _, c := range g.Cite {
			if !docs[c.Source] {
				bad("gaps entry %s %s cites %s, which is not among the documents", g.Office, iv, c.Source)
			}
		}
		out[g.Office] = append(out[g.Office], gapEntry{gap: g, iv: iv})
	}
	return out
}

// officeGaps walks one office's terms in start order and reports each gap
// between consecutive terms; an overlap with any earlier term is a problem.
// An open start sorts first, an open end runs for ever.
func officeGaps(office string, ts []term, bad func(string, ...any)) []TermGap {
	slices.SortFunc(ts, func(a, b term) int {
		return cmp.Or(cmp.Compare(a.iv.From, b.iv.From), cmp.Compare(a.iv.To, b.iv.To), cmp.Compare(a.id, b.id))
	})
	var out []TermGap
	var open []term // earlier terms that may still overlap a later one
	for i, t := range ts {
		for _, o := range open {
			if o.iv.Overlaps(t.iv) {
				bad("%s: %s %s and %s %s overlap", office, o.id, o.iv, t.id, t.iv)
			}
		}
		if i > 0 {
			last := latestEnd(ts[:i])
			if last.iv.To != 0 && t.iv.From > last.iv.To {
				out = append(out, TermGap{Office: office, Days: domain.Interval{From: last.iv.To, To: t.iv.From}, After: last.id, Before: t.id})
			}
		}
		open = slices.DeleteFunc(append(open, t), func(o term) bool { return o.iv.To != 0 && o.iv.To <= t.iv.From })
	}
	return out
}

// latestEnd is the term among ts that ends last (an open end is last).
func latestEnd(ts []term) term {
	return slices.MaxFunc(ts, func(a, b term) int {
		switch {
		case a.iv.To == b.iv.To:
			return 0
		case a.iv.To == 0:
			return 1
		case b.iv.To == 0:
			return -1
		}
		return cmp.Compare(a.iv.To, b.iv.To)
	})
}

// lintLifetimes checks x's set bounds against the lifetimes of its ends and
// its start against its event's day.
func lintLifetimes(x Fact, iv domain.Interval, ents map[string]*Entity, bad func(string, ...any)) {
	for _, id := range []string{x.From, x.To} {
		e := ents[id]
		if e == nil {
			continue
		}
		if start, key, ok := lifeBound(e, startKeys); ok && iv.From != 0 && iv.From < start {
			bad("%s starts %s, before %s was %s (%s)", x.ID, iv.From, id, key, start)
		}
		if end, key, ok := lifeBound(e, endKeys); ok {
			// The first day out of office is at the latest the day after.
			limit := end + 1
			if iv.From != 0 && iv.From > end {
				bad("%s starts %s, after %s %s (%s)", x.ID, iv.From, id, key, end)
			}
			if iv.To != 0 && iv.To > limit {
				bad("%s lasts until %s, after %s %s (%s)", x.ID, iv.To, id, key, end)
			}
		}
	}
	if x.Event != "" {
		if e := ents[x.Event]; e != nil && e.Date != "" {
			if d, err := domain.ParseDate(e.Date); err == nil && iv.From != d {
				bad("%s starts %s, but its event %s happened on %s", x.ID, iv.From, x.Event, d)
			}
		}
	}
}

// lifeBound returns the first of keys that e has as a date property.
func lifeBound(e *Entity, keys []string) (domain.Date, string, bool) {
	for _, k := range keys {
		v, ok := e.Props[k]
		if !ok {
			continue
		}
		var d domain.Date
		var err error
		switch v := v.(type) {
		case time.Time:
			d = domain.DateOf(v)
		case string:
			d, err = domain.ParseDate(v)
		default:
			continue
		}
		if err == nil {
			return d, k, true
		}
	}
	return 0, "", false
}

// singleHolder mirrors domain.SingleHolder for a file entity: an office is
// single-holder unless its singleHolder property is false.
func singleHolder(e *Entity) bool {
	if !strings.HasPrefix(e.ID, "office/") {
		return false
	}
	v, ok := e.Props[domain.SingleHolderProp]
	return !ok || v != false
}

func interval(from, to string) (domain.Interval, error) {
	var iv domain.Interval
	var err error
	if from != "" {
		if iv.From, err = domain.ParseDate(from); err != nil {
			return iv, err
		}
	}
	if to != "" {
		if iv.To, err = domain.ParseDate(to); err != nil {
			return iv, err
		}
	}
	return iv, iv.Validate()
}

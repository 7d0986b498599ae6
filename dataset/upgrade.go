package dataset

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// An upgrade applies a newer curated dataset to a store that holds an
// older one, without undoing anything a user or an import wrote. For
// every record the new dataset holds, and every record the dataset ever
// wrote, it compares three states: the store's, the new dataset's, and
// the one the dataset last wrote (read from history at that commit).
//
//   - store = new dataset: nothing to do.
//   - the record's latest change was the dataset's (or nobody ever wrote
//     it): a step, applied.
//   - someone else changed it since, and the new dataset says what the
//     dataset said before: kept as they wrote it.
//   - someone else changed it since, and the new dataset says something
//     else: a conflict, skipped and reported.

// Action is what an upgrade does to one record.
type Action string

// The actions of an upgrade's steps.
const (
	Add    Action = "add"
	Change Action = "change"
	Remove Action = "remove"
)

// FieldChange is one field a step changes, with its value in the store
// and in the new dataset as readable text. For a list (aliases,
// citations), Added and Removed hold the items the new list adds and
// drops; both are empty when it only reorders them.
type FieldChange struct {
	Field          string
	Old, New       string
	Added, Removed []string
}

// Step is one record the new dataset adds, changes or removes.
type Step struct {
	ID     string
	Action Action
	// What is the record in a few words: an entity's name, a fact's
	// predicate, ends and dates (the new record's; the store's for a
	// removal).
	What string
	// Fields lists, for a change, every field that differs from the
	// store's record.
	Fields []FieldChange
	want   rec // the new dataset's record; none for a removal
}

// Conflict is a step the upgrade skips: someone other than the dataset
// changed the record since the dataset last wrote it (or made it), and
// the new dataset would change it too. The record stays as it is.
type Conflict struct {
	Step
	// Author and At are the record's latest change: who and when.
	Author string
	At     time.Time
	// Reason says why it is skipped, for people.
	Reason string
}

// Kept is a record someone other than the dataset changed, which the new
// dataset does not change: it stays as they wrote it, and is no conflict.
type Kept struct {
	ID     string
	Author string
	At     time.Time
	Op     domain.Op
}

// Plan is what an upgrade to a dataset would do to a store.
type Plan struct {
	// Stored is the dataset the store records (zero: none, for a store
	// made by an older version or by an import); Given the new one.
	Stored, Given store.DatasetStamp
	// At is the newest commit of the snapshot planned on: Apply refuses
	// to run on a store that has changed since.
	At        time.Time
	Steps     []Step
	Conflicts []Conflict
	Kept      []Kept
}

// Count returns how many steps p has of action a.
func (p *Plan) Count(a Action) int {
	n := 0
	for _, s := range p.Steps {
		if s.Action == a {
			n++
		}
	}
	return n
}

// Empty reports whether applying p would write nothing: no step, and the
// store already records the new dataset.
func (p *Plan) Empty() bool { return len(p.Steps) == 0 && p.Stored == p.Given }

// rec is one record, an entity or a fact, or none.
type rec struct {
	ent  *domain.Entity
	fact *domain.Fact
}

func (r rec) none() bool { return r.ent == nil && r.fact == nil }

// PlanUpgrade works out what upgrading db to the dataset f would do. It
// only reads.
func PlanUpgrade(db *store.DB, f *File) (*Plan, error) {
	given, err := f.Stamp()
	if err != nil {
		return nil, err
	}
	want, order, err := f.canonical()
	if err != nil {
		return nil, err
	}
	p := &Plan{Given: given}
	err = db.View(time.Time{}, func(r *store.Reader) error {
		if p.At, err = r.SnapshotTime(); err != nil {
			return err
		}
		if p.Stored, _, err = r.DatasetStamp(); err != nil {
			return err
		}
		owned, err := r.ChangedBy(Author)
		if err != nil {
			return err
		}
		ids := slices.Clone(order)
		for _, id := range owned {
			if _, ok := want[id]; !ok {
				ids = append(ids, id) // the dataset wrote it; the new one lacks it
			}
		}
		cur, err := readRecs(r, ids)
		if err != nil {
			return err
		}
		var others []pending
		for _, id := range ids {
			c, w := cur[id], want[id]
			fields := diff(c, w)
			if c.none() == w.none() && len(fields) == 0 {
				continue
			}
			step := newStep(id, c, w, fields)
			hist, err := r.History(id, 0)
			if err != nil {
				return err
			}
			if len(hist) == 0 || hist[len(hist)-1].Author == Author {
				p.Steps = append(p.Steps, step)
				continue
			}
			o := pending{step: step, last: hist[len(hist)-1]}
			for _, h := range slices.Backward(hist) {
				if h.Author == Author {
					o.datasetAt = h.Time
					break
				}
			}
			others = append(others, o)
		}
		if err := p.judge(db, others); err != nil {
			return err
		}
		return p.checkReferences(r)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// pending is a step on a record someone other than the dataset changed
// last: its latest change, and when the dataset last wrote it (zero:
// never).
type pending struct {
	step      Step
	last      store.HistoryEntry
	datasetAt time.Time
}

// judge sorts the steps on records others changed into kept (the new
// dataset says what the dataset last wrote) and conflicts, reading each
// record as the dataset's last commit of it left it.
func (p *Plan) judge(db *store.DB, others []pending) error {
	byTime := map[time.Time][]string{}
	for _, o := range others {
		if !o.datasetAt.IsZero() {
			byTime[o.datasetAt] = append(byTime[o.datasetAt], o.step.ID)
		}
	}
	old := map[string]rec{}
	for at, ids := range byTime {
		err := db.View(at, func(r *store.Reader) error {
			recs, err := readRecs(r, ids)
			maps.Copy(old, recs)
			return err
		})
		if err != nil {
			return err
		}
	}
	for _, o := range others {
		before := old[o.step.ID] // none when the dataset never wrote it
		if before.none() == o.step.want.none() && len(diff(before, o.step.want)) == 0 {
			p.Kept = append(p.Kept, Kept{ID: o.step.ID, Author: o.last.Author, At: o.last.Time, Op: o.last.Change.Op})
			continue
		}
		reason := fmt.Sprintf("%s by %s at %s", opVerb(o.last.Change.Op), o.last.Author, o.last.Time.Format(time.RFC3339))
		if o.datasetAt.IsZero() {
			reason += "; the dataset never wrote it"
		} else {
			reason += " since the dataset last wrote it"
		}
		p.Conflicts = append(p.Conflicts, Conflict{Step: o.step, Author: o.last.Author, At: o.last.Time, Reason: reason})
	}
	return nil
}

func opVerb(op domain.Op) string {
	switch op {
	case domain.OpCreate:
		return "created"
	case domain.OpDelete:
		return "deleted"
	}
	return "changed"
}

// checkReferences turns into conflicts the steps that would leave a
// reference to nothing: a fact the dataset adds or changes that names an
// entity a user deleted (and the upgrade does not add back), and an
// entity the dataset removes that a fact the upgrade keeps still names.
// Facts are checked first: dropping a fact step keeps the store's
// version, which the entity check then sees.
func (p *Plan) checkReferences(r *store.Reader) error {
	step := map[string]Action{}
	for _, s := range p.Steps {
		step[s.ID] = s.Action
	}
	var missing []string
	for _, s := range p.Steps {
		if s.want.fact != nil {
			missing = append(missing, factRefs(s.want.fact)...)
		}
	}
	have, err := r.Entities(missing)
	if err != nil {
		return err
	}
	p.dropSteps(func(s Step) string {
		if s.want.fact == nil {
			return ""
		}
		for _, id := range factRefs(s.want.fact) {
			if a, ok := step[id]; ok && a != Remove || have[id] != nil {
				continue
			}
			return "it names " + id + ", which the store no longer holds"
		}
		return ""
	})

	// The facts the upgrade leaves as they are, by the entities they name.
	removing := map[string]bool{}
	for _, s := range p.Steps {
		if s.Action == Remove && !domain.IsFactID(s.ID) {
			removing[s.ID] = true
		}
	}
	if len(removing) == 0 {
		return nil
	}
	step = map[string]Action{}
	for _, s := range p.Steps {
		step[s.ID] = s.Action
	}
	namedBy := map[string]string{}
	_, err = r.Walk(context.Background(), store.Selection{}, store.Visitor{Fact: func(f *domain.Fact) error {
		if _, touched := step[f.ID]; touched {
			return nil // removed, or replaced by the new dataset's version
		}
		for _, id := range factRefs(f) {
			if removing[id] && namedBy[id] == "" {
				namedBy[id] = f.ID
			}
		}
		return nil
	}})
	if err != nil {
		return err
	}
	p.dropSteps(func(s Step) string {
		if by := namedBy[s.ID]; by != "" && s.Action == Remove {
			return "removing it would leave " + by + " naming nothing, and the upgrade keeps that fact"
		}
		return ""
	})
	return nil
}

// dropSteps moves the steps for which why returns a reason to the
// conflicts.
func (p *Plan) dropSteps(why func(Step) string) {
	kept := p.Steps[:0]
	for _, s := range p.Steps {
		if reason := why(s); reason != "" {
			p.Conflicts = append(p.Conflicts, Conflict{Step: s, Reason: reason})
			continue
		}
		kept = append(kept, s)
	}
	p.Steps = kept
}

// factRefs lists the entities f names: its ends, its event and its
// sources.
func factRefs(f *domain.Fact) []string {
	ids := []string{f.From, f.To}
	if f.Event != "" {
		ids = append(ids, f.Event)
	}
	for _, c := range f.Citations {
		ids = append(ids, c.Source)
	}
	return ids
}

// errTried rolls back Try's transaction.
var errTried = errors.New("dataset: upgrade tried")

// Apply makes p's steps as one commit by Author whose note names both
// datasets, and records the new dataset's stamp in it: all of it or, on
// any error, nothing. It refuses, with domain.ErrConflict, a store that
// changed since p was planned. It returns the commit's transaction time
// (the newest commit's when p is empty).
func (p *Plan) Apply(db *store.DB) (time.Time, error) {
	o := store.UpdateOptions{Author: Author, Note: fmt.Sprintf("dataset upgrade to %s (from %s)", p.Given, p.Stored)}
	return db.UpdateWith(o, p.write)
}

// Try makes p's steps in a transaction it then discards: every rule the
// store checks runs, and nothing is written. It returns what Apply would
// fail with, or nil.
func (p *Plan) Try(db *store.DB) error {
	err := db.Update(Author, func(w *store.Writer) error {
		if err := p.write(w); err != nil {
			return err
		}
		return errTried
	})
	if errors.Is(err, errTried) {
		return nil
	}
	return err
}

// write makes p's steps: fact removals first (a replaced membership must
// go before its successor arrives), then entities, then facts, then
// entity removals (their facts are gone by then).
func (p *Plan) write(w *store.Writer) error {
	at, err := w.SnapshotTime()
	if err != nil {
		return err
	}
	if !at.Equal(p.At) {
		return fmt.Errorf("%w: the store changed since the upgrade was planned; plan it again", domain.ErrConflict)
	}
	for _, phase := range []func(Step) error{
		func(s Step) error {
			if s.Action == Remove && domain.IsFactID(s.ID) {
				return w.DeleteFact(s.ID)
			}
			return nil
		},
		func(s Step) error {
			if s.want.ent != nil {
				_, err := w.PutEntity(*s.want.ent)
				return err
			}
			return nil
		},
		func(s Step) error {
			if s.want.fact != nil {
				_, err := w.PutFact(*s.want.fact)
				return err
			}
			return nil
		},
		func(s Step) error {
			if s.Action == Remove && !domain.IsFactID(s.ID) {
				_, err := w.DeleteEntity(s.ID)
				return err
			}
			return nil
		},
	} {
		for _, s := range p.Steps {
			if err := phase(s); err != nil {
				return fmt.Errorf("dataset upgrade: %s %s: %w", s.Action, s.ID, err)
			}
		}
	}
	if p.Stored != p.Given {
		return w.SetDatasetStamp(p.Given)
	}
	return nil
}

// canonical returns f's records as the store would hold them, by ID, and
// their IDs in the file's order (documents, entities, facts). It refuses
// a file that gives an ID twice or whose facts name an entity it does not
// hold: the dataset must stand on its own, as it does in an empty store.
func (f *File) canonical() (map[string]rec, []string, error) {
	ents, err := f.storeEntities()
	if err != nil {
		return nil, nil, err
	}
	out := map[string]rec{}
	var order []string
	add := func(id string, r rec) error {
		if _, dup := out[id]; dup {
			return fmt.Errorf("dataset: %s is given twice", id)
		}
		out[id] = r
		order = append(order, id)
		return nil
	}
	for _, e := range ents {
		c, err := domain.CanonicalEntity(e)
		if err != nil {
			return nil, nil, fmt.Errorf("dataset: %w", err)
		}
		if err := add(c.ID, rec{ent: &c}); err != nil {
			return nil, nil, err
		}
	}
	for _, x := range f.Facts {
		sf, err := x.toStore()
		if err != nil {
			return nil, nil, err
		}
		c, err := domain.CanonicalFact(sf)
		if err != nil {
			return nil, nil, fmt.Errorf("dataset: %w", err)
		}
		if !domain.IsFactID(c.ID) {
			return nil, nil, fmt.Errorf("dataset: fact ID %s must start with fact/", c.ID)
		}
		if err := add(c.ID, rec{fact: &c}); err != nil {
			return nil, nil, err
		}
	}
	for _, id := range order {
		if f := out[id].fact; f != nil {
			for _, ref := range factRefs(f) {
				if out[ref].ent == nil {
					return nil, nil, fmt.Errorf("dataset: %s names %s, which the dataset does not hold", id, ref)
				}
			}
		}
	}
	return out, order, nil
}

// readRecs reads the records with ids from r, by ID; absent ones are
// missing from the map.
func readRecs(r *store.Reader, ids []string) (map[string]rec, error) {
	var ents, facts []string
	for _, id := range ids {
		if domain.IsFactID(id) {
			facts = append(facts, id)
		} else {
			ents = append(ents, id)
		}
	}
	es, err := r.Entities(ents)
	if err != nil {
		return nil, err
	}
	fs, err := r.Facts(facts)
	if err != nil {
		return nil, err
	}
	out := make(map[string]rec, len(es)+len(fs))
	for id, e := range es {
		out[id] = rec{ent: e}
	}
	for id, f := range fs {
		out[id] = rec{fact: f}
	}
	return out, nil
}

// newStep makes the step that turns the store's record c into the new
// dataset's w.
func newStep(id string, c, w rec, fields []FieldChange) Step {
	s := Step{ID: id, want: w}
	switch {
	case c.none():
		s.Action, s.What = Add, describe(w)
	case w.none():
		s.Action, s.What = Remove, describe(c)
	default:
		s.Action, s.What, s.Fields = Change, describe(w), fields
	}
	return s
}

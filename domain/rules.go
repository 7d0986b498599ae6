package domain

import "fmt"

// The alliance rules. The store applies them to every write, whoever makes
// it (a mutation, an import, the dataset loader), so no path can store a
// graph that breaks them:
//
//   - a state is a member of an alliance at most once at a time: two
//     MEMBER_OF facts with the same ends must not overlap in valid time (a
//     state that leaves and rejoins has two facts that do not overlap);
//   - a single-holder office has one holder at a time: two HOLDS facts to
//     it must not overlap. Every Office is single-holder unless its
//     boolean property "singleHolder" is false (a board, a college).
//
// A rule that fails is ErrConflict: the fact is well-formed but collides
// with one already stored. Rules are checked when a fact is written; an
// office later marked single-holder is not re-checked against old terms.
//
// This file says what the rules are; the store finds the stored facts a
// new one must be compared with (Exclusivity says which) and calls
// Overlap on each.

// SingleHolderProp is the Office property that, set to false, lets an
// office have several holders at once.
const SingleHolderProp = "singleHolder"

// SingleHolder reports whether e is an office with one holder at a time.
func SingleHolder(e *Entity) bool {
	if e.Kind != KindOffice {
		return false
	}
	p, ok := e.Prop(SingleHolderProp)
	return !ok || p.Type != PropBool || p.Value != "false"
}

// Exclusivity says which stored facts a fact must not overlap in valid
// time.
type Exclusivity uint8

// The exclusivities.
const (
	// NotExclusive: no rule; facts of the predicate may overlap.
	NotExclusive Exclusivity = iota
	// ExclusivePair: facts of the same predicate with the same From and
	// To (MEMBER_OF: a state is a member of an alliance once at a time).
	ExclusivePair
	// ExclusiveTo: facts of the same predicate with the same To, when
	// that entity is SingleHolder (HOLDS: an office has one holder at a
	// time).
	ExclusiveTo
)

// Exclusivity returns the rule facts of predicate p obey.
func (p Predicate) Exclusivity() Exclusivity {
	switch p {
	case MemberOf:
		return ExclusivePair
	case Holds:
		return ExclusiveTo
	}
	return NotExclusive
}

// Overlap returns an error wrapping ErrConflict when fact f may not stand
// beside fact o, one that f's Exclusivity compares it with: they are two
// facts (different IDs) whose intervals share a day. It returns nil
// otherwise.
func Overlap(f, o *Fact) error {
	if o.ID == f.ID || !o.Valid.Overlaps(f.Valid) {
		return nil
	}
	switch f.Predicate {
	case MemberOf:
		return fmt.Errorf("%w: %s: %s would be a member of %s twice at once: it overlaps %s %s",
			ErrConflict, f.ID, f.From, f.To, o.ID, o.Valid)
	case Holds:
		return fmt.Errorf("%w: %s: %s has one holder at a time, and %s holds it %s (%s)",
			ErrConflict, f.ID, f.To, o.From, o.Valid, o.ID)
	}
	return fmt.Errorf("%w: %s: it overlaps %s %s", ErrConflict, f.ID, o.ID, o.Valid)
}

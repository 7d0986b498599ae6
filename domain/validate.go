package domain

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// What a storable record is. The store runs these on every write (and
// adds what only it can check: that the IDs a record names exist); an
// importer runs them to compare what a write would store with what is
// stored.

// CanonicalEntity returns e as PutEntity would store it (kind from the
// ID, name and aliases trimmed, aliases deduplicated, properties sorted
// and in their canonical text), or why it cannot be stored. Comparing
// canonical forms tells whether a put would change anything.
func CanonicalEntity(e Entity) (Entity, error) {
	e.Aliases, e.Props = slices.Clone(e.Aliases), slices.Clone(e.Props)
	err := NormalizeEntity(&e)
	return e, err
}

// CanonicalFact returns f with its properties as PutFact stores them
// (sorted, in their canonical text). Its references are not checked:
// that needs the store (PutFact does it).
func CanonicalFact(f Fact) (Fact, error) {
	props, err := NormalizeProps(f.Props)
	if err != nil {
		return f, fmt.Errorf("%s: %w", f.ID, err)
	}
	f.Props = props
	return f, nil
}

// NormalizeEntity validates e and puts it in canonical form (kind from the
// ID, aliases deduplicated in order, properties sorted by key).
func NormalizeEntity(e *Entity) error {
	k, _, err := SplitID(e.ID)
	if err != nil {
		return err
	}
	if k == KindFact {
		return fmt.Errorf("%w: %s is a fact ID, not an entity ID", ErrInvalid, e.ID)
	}
	if e.Kind != 0 && e.Kind != k {
		return fmt.Errorf("%w: ID %s is of kind %s, not %s", ErrInvalid, e.ID, k, e.Kind)
	}
	e.Kind = k
	e.Name = strings.TrimSpace(e.Name)
	if e.Name == "" {
		return fmt.Errorf("%w: %s has no name", ErrInvalid, e.ID)
	}
	if err := CheckText("name", e.Name); err != nil {
		return err
	}
	var aliases []string
	for _, a := range e.Aliases {
		a = strings.TrimSpace(a)
		if err := CheckText("alias", a); err != nil {
			return err
		}
		if a != "" && a != e.Name && !slices.Contains(aliases, a) {
			aliases = append(aliases, a)
		}
	}
	e.Aliases = aliases
	for scheme, value := range e.XIDs {
		if !validScheme(scheme) {
			return fmt.Errorf("%w: external ID scheme %q must be lower-case letters and digits", ErrInvalid, scheme)
		}
		if value == "" || strings.IndexByte(value, 0) >= 0 || len(value) > MaxIDLen || !utf8.ValidString(value) {
			return fmt.Errorf("%w: external ID %s has an empty or malformed value", ErrInvalid, scheme)
		}
	}
	if len(e.XIDs) == 0 {
		e.XIDs = nil
	}
	props, err := NormalizeProps(e.Props)
	if err != nil {
		return fmt.Errorf("%s: %w", e.ID, err)
	}
	e.Props = props
	return nil
}

func validScheme(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// CheckText refuses text a record cannot hold: not UTF-8, with a NUL, or
// longer than MaxTextLen; what names it in the error.
func CheckText(what, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s is not valid UTF-8 text", ErrInvalid, what)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("%w: %s contains a NUL character (U+0000)", ErrInvalid, what)
	}
	if len(s) > MaxTextLen {
		return fmt.Errorf("%w: %s longer than %d bytes", ErrInvalid, what, MaxTextLen)
	}
	return nil
}

// MaxTextLen bounds a name, alias, property key or value, or citation URL.
const MaxTextLen = 4096

// NormalizeProps checks each value against its type and sorts by key.
func NormalizeProps(ps []Prop) ([]Prop, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	ps = slices.Clone(ps)
	for i := range ps {
		p := &ps[i]
		if p.Key == "" || CheckText("property key", p.Key) != nil {
			return nil, fmt.Errorf("%w: empty or malformed property key", ErrInvalid)
		}
		if err := CheckText("property "+p.Key, p.Value); err != nil {
			return nil, err
		}
		if err := checkPropValue(p); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(ps, func(a, b Prop) int { return strings.Compare(a.Key, b.Key) })
	for i := 1; i < len(ps); i++ {
		if ps[i].Key == ps[i-1].Key {
			return nil, fmt.Errorf("%w: property %q given twice", ErrInvalid, ps[i].Key)
		}
	}
	return ps, nil
}

func checkPropValue(p *Prop) error {
	var err error
	switch p.Type {
	case PropString:
	case PropInt:
		var v int64
		if v, err = strconv.ParseInt(p.Value, 10, 64); err == nil {
			p.Value = strconv.FormatInt(v, 10)
		}
	case PropFloat:
		var v float64
		if v, err = strconv.ParseFloat(p.Value, 64); err == nil {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				// GraphQL's Float, JSON and most consumers have no
				// NaN or infinity.
				return fmt.Errorf("%w: property %q: %q is not a finite number", ErrInvalid, p.Key, p.Value)
			}
			p.Value = strconv.FormatFloat(v, 'g', -1, 64)
		}
	case PropBool:
		var v bool
		if v, err = strconv.ParseBool(p.Value); err == nil {
			p.Value = strconv.FormatBool(v)
		}
	case PropDate:
		_, err = ParseDate(p.Value)
	default:
		return fmt.Errorf("%w: property %q has unknown type %d", ErrInvalid, p.Key, p.Type)
	}
	if err != nil {
		return fmt.Errorf("%w: property %q: %q is not a valid value of its type", ErrInvalid, p.Key, p.Value)
	}
	return nil
}

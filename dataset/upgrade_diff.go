package dataset

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// diff returns the fields in which the new dataset's record w differs
// from the store's c; nil when either is none (an add or a removal is
// not a field change).
func diff(c, w rec) []FieldChange {
	var out []FieldChange
	field := func(name, old, new string) {
		if old != new {
			out = append(out, FieldChange{Field: name, Old: old, New: new})
		}
	}
	switch {
	case c.ent != nil && w.ent != nil:
		a, b := c.ent, w.ent
		field("name", text(a.Name), text(b.Name))
		if c, ok := listChange("aliases", quoted(a.Aliases), quoted(b.Aliases)); ok {
			out = append(out, c)
		}
		field("date", date(a.Date), date(b.Date))
		out = append(out, propDiff(a.Props, b.Props)...)
		for _, k := range unionKeys(a.XIDs, b.XIDs) {
			field("xids."+k, optText(a.XIDs, k), optText(b.XIDs, k))
		}
	case c.fact != nil && w.fact != nil:
		a, b := c.fact, w.fact
		field("predicate", a.Predicate.String(), b.Predicate.String())
		field("from", a.From, b.From)
		field("to", a.To, b.To)
		field("validFrom", date(a.Valid.From), date(b.Valid.From))
		field("validTo", date(a.Valid.To), date(b.Valid.To))
		field("event", orNone(a.Event), orNone(b.Event))
		out = append(out, propDiff(a.Props, b.Props)...)
		if c, ok := listChange("citations", citations(a.Citations), citations(b.Citations)); ok {
			out = append(out, c)
		}
	}
	return out
}

func propDiff(a, b []domain.Prop) []FieldChange {
	av, bv := props(a), props(b)
	var out []FieldChange
	for _, k := range unionKeys(av, bv) {
		if o, n := optText(av, k), optText(bv, k); o != n {
			out = append(out, FieldChange{Field: "props." + k, Old: o, New: n})
		}
	}
	return out
}

// props maps each property's key to its value as text (a string quoted,
// so that "1" and 1 differ).
func props(ps []domain.Prop) map[string]string {
	m := make(map[string]string, len(ps))
	for _, p := range ps {
		v := p.Value
		if p.Type == domain.PropString {
			v = strconv.Quote(v)
		}
		m[p.Key] = v
	}
	return m
}

func unionKeys(a, b map[string]string) []string {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// none is how a missing value reads.
const none = "(none)"

func orNone(s string) string {
	if s == "" {
		return none
	}
	return s
}

func text(s string) string {
	if s == "" {
		return none
	}
	return strconv.Quote(s)
}

func optText(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return none
}

func date(d domain.Date) string { return orNone(d.String()) }

func quoted(xs []string) []string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return q
}

// listChange compares a list field: what the new list adds and drops, or,
// when it only reorders, both lists whole.
func listChange(name string, a, b []string) (FieldChange, bool) {
	if slices.Equal(a, b) {
		return FieldChange{}, false
	}
	c := FieldChange{Field: name, Old: "[" + strings.Join(a, ", ") + "]", New: "[" + strings.Join(b, ", ") + "]",
		Added: minus(b, a), Removed: minus(a, b)}
	return c, true
}

// minus returns the items of a that b lacks, counting repeats.
func minus(a, b []string) []string {
	left := map[string]int{}
	for _, x := range b {
		left[x]++
	}
	var out []string
	for _, x := range a {
		if left[x] > 0 {
			left[x]--
			continue
		}
		out = append(out, x)
	}
	return out
}

func citations(cs []domain.Citation) []string {
	q := make([]string, len(cs))
	for i, c := range cs {
		q[i] = c.Source
		if c.Span != nil {
			q[i] += fmt.Sprintf("[%d,%d)", c.Span.Start, c.Span.End)
		}
		if c.URL != "" {
			q[i] += " " + c.URL
		}
		if c.Retrieved != 0 {
			q[i] += " retrieved " + c.Retrieved.String()
		}
	}
	return q
}

// describe says what a record is in a few words.
func describe(r rec) string {
	switch {
	case r.ent != nil:
		return text(r.ent.Name)
	case r.fact != nil:
		f := r.fact
		s := fmt.Sprintf("%s %s -> %s", f.Predicate, f.From, f.To)
		if f.Valid != (domain.Interval{}) {
			s += " " + f.Valid.String()
		}
		return s
	}
	return ""
}

// maxValue bounds a value printed in a plan, in runes.
const maxValue = 80

func short(s string) string {
	if r := []rune(s); len(r) > maxValue {
		return string(r[:maxValue-1]) + "…"
	}
	return s
}

// fieldText prints a step's changed fields: field: old -> new; ...
func fieldText(fs []FieldChange) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		if len(f.Added)+len(f.Removed) == 0 {
			parts[i] = fmt.Sprintf("%s: %s -> %s", f.Field, short(f.Old), short(f.New))
			continue
		}
		var ch []string
		if len(f.Added) > 0 {
			ch = append(ch, "+ "+short(strings.Join(f.Added, ", ")))
		}
		if len(f.Removed) > 0 {
			ch = append(ch, "- "+short(strings.Join(f.Removed, ", ")))
		}
		parts[i] = f.Field + ": " + strings.Join(ch, " ")
	}
	return strings.Join(parts, "; ")
}

func stepText(s Step) string {
	line := fmt.Sprintf("%-6s %s", s.Action, s.ID)
	if len(s.Fields) > 0 {
		return line + "  " + fieldText(s.Fields)
	}
	return line + "  " + s.What
}

// Print writes p for people: one line per step, kept record and
// conflict, then a summary line.
func (p *Plan) Print(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "dataset upgrade: the store holds %s; the new dataset is %s\n", p.Stored, p.Given)
	for _, s := range p.Steps {
		fmt.Fprintf(&b, "  %s\n", stepText(s))
	}
	for _, k := range p.Kept {
		fmt.Fprintf(&b, "  keep   %s  %s by %s at %s; the new dataset does not change it\n", k.ID, opVerb(k.Op), k.Author, k.At.Format(time.RFC3339))
	}
	for _, c := range p.Conflicts {
		fmt.Fprintf(&b, "  CONFLICT %s (skipped): %s\n", stepText(c.Step), c.Reason)
	}
	fmt.Fprintf(&b, "summary: %d to add, %d to change, %d to remove; %d conflict(s) skipped; %d record(s) others changed kept as they are\n",
		p.Count(Add), p.Count(Change), p.Count(Remove), len(p.Conflicts), len(p.Kept))
	_, err := io.WriteString(w, b.String())
	return err
}

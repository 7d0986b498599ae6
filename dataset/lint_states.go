package dataset

import (
	"slices"
	"strings"

	"github.com/alliancegraph/alliancegraph/domain"
)

// lintStates checks what a state's lifetime and its successors mean for
// memberships and partnerships (MEMBER_OF, PARTNER_OF from a country):
//
//   - a state's `dissolved` is its first day out of existence, so its
//     memberships must end by then (an open end is a problem), where the
//     general lifetime check allows a day more;
//   - no two members of one organization at once where one state is the
//     other's predecessor, directly or through others (SUCCEEDED between
//     countries): a membership passes on, it is not held twice. Siblings
//     (two successors of one state) may be members together.
func (f *File) lintStates(ents map[string]*Entity, bad func(string, ...any)) {
	preds := map[string][]string{} // state -> the states it SUCCEEDED
	type member struct {
		fact Fact
		iv   domain.Interval
	}
	byOrg := map[string][]member{}
	for _, x := range f.Facts {
		if !strings.HasPrefix(x.From, "country/") {
			continue
		}
		switch x.Predicate {
		case "SUCCEEDED":
			if strings.HasPrefix(x.To, "country/") {
				preds[x.From] = append(preds[x.From], x.To)
			}
			continue
		case "MEMBER_OF", "PARTNER_OF":
		default:
			continue
		}
		iv, err := interval(x.ValidFrom, x.ValidTo)
		if err != nil {
			continue // reported by Lint
		}
		if e := ents[x.From]; e != nil {
			if end, _, ok := lifeBound(e, []string{"dissolved"}); ok {
				switch {
				case iv.To == 0:
					bad("%s: %s ceased on %s, but the membership has no end", x.ID, x.From, end)
				case iv.To > end:
					bad("%s lasts until %s, after %s ceased (%s)", x.ID, iv.To, x.From, end)
				}
			}
		}
		if x.Predicate == "MEMBER_OF" {
			byOrg[x.To] = append(byOrg[x.To], member{x, iv})
		}
	}
	ancestor := func(a, b string) bool { // is a a predecessor of b?
		seen := map[string]bool{}
		queue := slices.Clone(preds[b])
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			if p == a {
				return true
			}
			if !seen[p] {
				seen[p] = true
				queue = append(queue, preds[p]...)
			}
		}
		return false
	}
	for _, org := range sortedKeys(byOrg) {
		ms := byOrg[org]
		for i, a := range ms {
			for _, b := range ms[i+1:] {
				if a.fact.From == b.fact.From || !a.iv.Overlaps(b.iv) {
					continue
				}
				if ancestor(a.fact.From, b.fact.From) || ancestor(b.fact.From, a.fact.From) {
					bad("%s: %s (%s) and %s (%s) are members at once, and one state succeeded the other", org, a.fact.ID, a.fact.From, b.fact.ID, b.fact.From)
				}
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

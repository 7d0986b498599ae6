package store

import (
	"cmp"
	"slices"
	"strings"
)

// Hit is one search result.
type Hit struct {
	Entity  *Entity
	Score   float64
	Matched string // the name or alias that matched
}

// Match scores, highest first.
const (
	scoreExactName   = 100
	scoreExactAlias  = 90
	scorePrefixName  = 70
	scorePrefixAlias = 60
	scoreTokens      = 50
)

// maxSearchCandidates bounds how many index entries one query token may
// visit, so a one-letter query over a large graph stays cheap.
const maxSearchCandidates = 10000

// Search finds entities whose name or aliases contain every word of query
// (case- and accent-folded; the last word may be a prefix), ranked exact
// name > exact alias > name prefix > alias prefix > words, then by name.
// kinds filters (empty: all); at most limit hits.
func (r *Reader) Search(query string, kinds []Kind, limit int) ([]Hit, error) {
	r.count()
	toks := Tokens(query)
	if len(toks) == 0 {
		return nil, nil
	}
	var cand map[uint64]bool
	for i, t := range toks {
		prefix := i == len(toks)-1
		ids := map[uint64]bool{}
		visited := 0
		err := r.scanPrefix(wordPrefix(t, !prefix), func(k []byte) (bool, error) {
			_, n, err := parseWordKey(k)
			if err != nil {
				return false, err
			}
			if cand == nil || cand[n] {
				ids[n] = true
			}
			visited++
			return visited < maxSearchCandidates, nil
		})
		if err != nil {
			return nil, err
		}
		cand = ids
		if len(cand) == 0 {
			return nil, nil
		}
	}
	folded := strings.Join(toks, " ")
	hits := make([]Hit, 0, len(cand))
	for n := range cand {
		e, err := r.entityByNum(n)
		if err != nil {
			return nil, err
		}
		if len(kinds) > 0 && !slices.Contains(kinds, e.Kind) {
			continue
		}
		hits = append(hits, score(e, folded))
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Entity.Name, b.Entity.Name); c != 0 {
			return c
		}
		return cmp.Compare(a.Entity.ID, b.Entity.ID)
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

// score ranks e against a query already folded and joined into words.
func score(e *Entity, q string) Hit {
	norm := func(s string) string { return strings.Join(Tokens(s), " ") }
	best := Hit{Entity: e, Score: scoreTokens, Matched: e.Name}
	try := func(s string, exact, prefix float64) {
		n := norm(s)
		sc := 0.0
		switch {
		case n == q:
			sc = exact
		case strings.HasPrefix(n, q):
			sc = prefix
		}
		if sc > best.Score {
			best.Score, best.Matched = sc, s
		}
	}
	try(e.Name, scoreExactName, scorePrefixName)
	for _, a := range e.Aliases {
		try(a, scoreExactAlias, scorePrefixAlias)
	}
	if best.Score == scoreTokens {
		// Report the alias whose words matched when the name's did not.
		qt := strings.Fields(q)
		if !containsTokens(Tokens(e.Name), qt) {
			for _, a := range e.Aliases {
				if containsTokens(Tokens(a), qt) {
					best.Matched = a
					break
				}
			}
		}
	}
	return best
}

// containsTokens reports whether every query token is a word of have (the
// last one as a prefix).
func containsTokens(have, q []string) bool {
	for i, t := range q {
		ok := slices.ContainsFunc(have, func(h string) bool {
			if i == len(q)-1 {
				return strings.HasPrefix(h, t)
			}
			return h == t
		})
		if !ok {
			return false
		}
	}
	return true
}

package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Hit is one search result.
type Hit struct {
	Entity  *domain.Entity
	Score   float64
	Matched string // the name or alias that matched
}

// Key orders hits: best score first, then shorter names (where the match
// is more of the name), then folded name, then ID. Search cursors are keys.
func (h Hit) Key() string {
	return fmt.Sprintf("%03d|%05d|%s|%s", 999-int(h.Score), min(utf8.RuneCountInString(h.Entity.Name), 99999), domain.Fold(h.Entity.Name), h.Entity.ID)
}

// Match scores, highest first.
const (
	scoreExactName   = 100
	scoreExactAlias  = 90
	scorePrefixName  = 70
	scorePrefixAlias = 60
	scoreTokens      = 50
	scoreFuzzy       = 40
)

// maxSearchCandidates bounds how many index entries one query word may
// visit, so a one-letter query over a large graph stays cheap.
const maxSearchCandidates = 10000

// minFuzzyRunes is the shortest word a typo is forgiven in.
const minFuzzyRunes = 5

// SearchQuery asks for entities by name.
type SearchQuery struct {
	Text  string
	Kinds []domain.Kind // empty: all
	After string        // a Hit.Key: only later hits
	Limit int           // at most this many (> 0)
}

// Search finds entities whose name or aliases contain every word of the
// query, case- and accent-folded; the last word may be a prefix, and a word
// of five letters or more that matches nothing may carry one typo (an
// insertion, deletion, substitution or swap of neighbours, not in its first
// letter). Hits rank exact name > exact alias > name prefix > alias prefix >
// all words > words with a typo, then shorter name first, then by name. It
// returns whether more hits follow. It stops with ctx's error once ctx is
// done.
func (r *Reader) Search(ctx context.Context, q SearchQuery) ([]Hit, bool, error) {
	r.count()
	st := &stopper{ctx: ctx}
	if err := st.check(); err != nil {
		return nil, false, err
	}
	toks := domain.Tokens(q.Text)
	if len(toks) == 0 || q.Limit < 1 {
		return nil, false, nil
	}
	var cand map[uint64]bool
	fuzzy := map[string]bool{} // index words a typo was forgiven for
	for i, t := range toks {
		ids, err := r.wordIDs(st, t, i == len(toks)-1, cand)
		if err != nil {
			return nil, false, err
		}
		if len(ids) == 0 && utf8.RuneCountInString(t) >= minFuzzyRunes {
			words, err := r.nearWords(st, t)
			if err != nil {
				return nil, false, err
			}
			for _, w := range words {
				fuzzy[w] = true
				more, err := r.wordIDs(st, w, false, cand)
				if err != nil {
					return nil, false, err
				}
				for n := range more {
					ids[n] = true
				}
			}
		}
		if len(ids) == 0 {
			return nil, false, nil
		}
		cand = ids
	}
	folded := strings.Join(toks, " ")
	hits := make([]Hit, 0, len(cand))
	for n := range cand {
		if err := st.check(); err != nil {
			return nil, false, err
		}
		e, err := r.entityByNum(n)
		if err != nil {
			return nil, false, err
		}
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, e.Kind) {
			continue
		}
		h := score(e, folded, fuzzy)
		if q.After == "" || h.Key() > q.After {
			hits = append(hits, h)
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int { return cmp.Compare(a.Key(), b.Key()) })
	more := len(hits) > q.Limit
	if more {
		hits = hits[:q.Limit]
	}
	return hits, more, nil
}

// wordIDs returns the entities having word t (or a word starting with t,
// with prefix), narrowed to within when it is not nil.
func (r *Reader) wordIDs(st *stopper, t string, prefix bool, within map[uint64]bool) (map[uint64]bool, error) {
	ids := map[uint64]bool{}
	visited := 0
	err := r.scanPrefix(wordPrefix(t, !prefix), func(k []byte) (bool, error) {
		if err := st.check(); err != nil {
			return false, err
		}
		_, n, err := parseWordKey(k)
		if err != nil {
			return false, err
		}
		if within == nil || within[n] {
			ids[n] = true
		}
		visited++
		return visited < maxSearchCandidates, nil
	})
	return ids, err
}

// nearWords returns the distinct index words within one edit of t that
// share its first letter, skipping from word to word rather than reading
// every entity's entry.
func (r *Reader) nearWords(st *stopper, t string) ([]string, error) {
	first, _ := utf8.DecodeRuneInString(t)
	prefix := wordPrefix(string(first), false)
	it := r.txn.NewIterator(badgerIterOpts(prefix))
	defer it.Close()
	var out []string
	for it.Seek(prefix); it.ValidForPrefix(prefix) && len(out) < maxSearchCandidates; {
		if err := st.check(); err != nil {
			return nil, err
		}
		w, _, err := parseWordKey(it.Item().Key())
		if err != nil {
			return nil, err
		}
		if withinOneEdit([]rune(t), []rune(w)) {
			out = append(out, w)
		}
		it.Seek(afterWord(w))
	}
	return out, nil
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or transposition of adjacent runes.
func withinOneEdit(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if i == len(a) {
		return true // equal, or b has one rune appended
	}
	if len(a) == len(b) {
		if slices.Equal(a[i+1:], b[i+1:]) {
			return true // substitution
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && slices.Equal(a[i+2:], b[i+2:])
	}
	return slices.Equal(a[i:], b[i+1:]) // b has one rune inserted
}

// score ranks e against a query already folded and joined into words;
// fuzzy holds the index words matched only through a typo.
func score(e *domain.Entity, q string, fuzzy map[string]bool) Hit {
	norm := func(s string) string { return strings.Join(domain.Tokens(s), " ") }
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
	if best.Score > scoreTokens {
		return best
	}
	// Report the name or alias whose words matched.
	qt := strings.Fields(q)
	names := append([]string{e.Name}, e.Aliases...)
	for _, s := range names {
		if containsTokens(domain.Tokens(s), qt) {
			best.Matched = s
			return best
		}
	}
	if len(fuzzy) > 0 {
		best.Score = scoreFuzzy
		for _, s := range names {
			if slices.ContainsFunc(domain.Tokens(s), func(w string) bool { return fuzzy[w] }) {
				best.Matched = s
				break
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

package store

import (
	"context"
	"github.com/alliancegraph/alliancegraph/domain"
	"testing"
	"time"
)

// TestSearchAliasesInEveryScript: a name in any script that is exactly a
// country's alias finds that country first, as an exact alias (90), above
// entities it only begins (an alias prefix, 60); a word that matches no
// alias exactly reaches the same country only as a typo (40), below.
func TestSearchAliasesInEveryScript(t *testing.T) {
	db := newTestDB(t)
	mustUpdate(t, db, putEntities(
		domain.Entity{ID: "country/GRC", Name: "Greece", Aliases: []string{"Hellenic Republic", "Ελλάδα", "Греция"}},
		domain.Entity{ID: "event/greek-x", Name: "Ελλάδας Αγώνας"},
		domain.Entity{ID: "country/HUN", Name: "Hungary", Aliases: []string{"Magyarország", "Ungarn"}},
		domain.Entity{ID: "org/magyarorszagi", Name: "Magyarországi Szövetség"},
		domain.Entity{ID: "country/RUS", Name: "Russia", Aliases: []string{"Россия", "ロシア"}},
		domain.Entity{ID: "country/CZE", Name: "Czechia", Aliases: []string{"Česko", "Česká republika"}},
		domain.Entity{ID: "country/CSK", Name: "Czechoslovakia", Aliases: []string{"Československo"}},
	))
	view(t, db, time.Time{}, func(r *Reader) error {
		for _, tc := range []struct {
			q, want string
			score   float64
			n       int // hits
		}{
			{"Ελλάδα", "country/GRC", scoreExactAlias, 2},
			{"ΕΛΛΑΔΑ", "country/GRC", scoreExactAlias, 2},
			{"Греция", "country/GRC", scoreExactAlias, 1},
			{"Magyarorszag", "country/HUN", scoreExactAlias, 2},
			{"Россия", "country/RUS", scoreExactAlias, 1},
			{"ロシア", "country/RUS", scoreExactAlias, 1},
			{"Česko", "country/CZE", scoreExactAlias, 2},
			{"Ελλάδx", "country/GRC", scoreFuzzy, 1},
			{"Magyarorzsag", "country/HUN", scoreFuzzy, 1},
		} {
			hits, _, err := r.Search(context.Background(), SearchQuery{Text: tc.q, Limit: 5})
			if err != nil {
				return err
			}
			if len(hits) != tc.n || hits[0].Entity.ID != tc.want || hits[0].Score != tc.score {
				t.Errorf("Search(%q): %d hits, first %+v; want %d, %s with score %v", tc.q, len(hits), hits, tc.n, tc.want, tc.score)
				continue
			}
			for _, h := range hits[1:] {
				if h.Score >= hits[0].Score {
					t.Errorf("Search(%q): %s scores %v, not below the exact alias", tc.q, h.Entity.ID, h.Score)
				}
			}
		}
		return nil
	})
}

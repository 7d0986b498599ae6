package dataset_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/dataset/datasettest"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

func loadedDB(t *testing.T) *store.DB { return datasettest.NATO(t) }

func TestLoadIsIdempotentAndClean(t *testing.T) {
	db := loadedDB(t)
	var before, after bytes.Buffer
	if err := db.Dump(time.Time{}, &before); err != nil {
		t.Fatal(err)
	}
	last := db.LastCommit()
	n, err := dataset.LoadNATO(db)
	if err != nil || n != 0 {
		t.Fatalf("second load: changed %d, err %v; want 0, nil", n, err)
	}
	if !db.LastCommit().Equal(last) {
		t.Errorf("second load committed at %v", db.LastCommit())
	}
	if err := db.Dump(time.Time{}, &after); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before.Bytes(), after.Bytes()) {
		t.Error("dump changed after reloading the dataset")
	}
	v, err := db.Check(time.Time{}, 0)
	if err != nil || len(v) != 0 {
		t.Fatalf("check: %v %v", v, err)
	}
}

func TestMemberCounts(t *testing.T) {
	db := loadedDB(t)
	for _, tc := range []struct {
		date string
		want int
	}{
		{"1949-08-23", 0}, {"1949-08-24", 12}, {"2023-04-03", 30}, {"2023-04-04", 31},
		{"2024-03-06", 31}, {"2024-03-07", 32}, {"2026-01-01", 32},
	} {
		t.Run(tc.date, func(t *testing.T) {
			err := db.View(time.Time{}, func(r *store.Reader) error {
				fs, err := r.Edges("org/nato", store.EdgeFilter{Dir: store.In, Predicates: []domain.Predicate{domain.MemberOf}, AsOf: domain.MustDate(tc.date)})
				if len(fs) != tc.want {
					t.Errorf("members on %s: %d, want %d", tc.date, len(fs), tc.want)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestEveryFactCited checks that every fact cites a source and that every
// membership fact points at an accession event on its start date.
func TestEveryFactCited(t *testing.T) {
	f, err := dataset.ParseNATO()
	if err != nil {
		t.Fatal(err)
	}
	events := map[string]string{}
	for _, e := range f.Entities {
		events[e.ID] = e.Date
	}
	for _, x := range f.Facts {
		if len(x.Cite) == 0 {
			t.Errorf("%s has no citation", x.ID)
		}
		if x.Predicate == "MEMBER_OF" && (x.Event == "" || events[x.Event] != x.ValidFrom) {
			t.Errorf("%s: event %q does not happen on %s", x.ID, x.Event, x.ValidFrom)
		}
	}
}

// TestSeedSpans reads the seed article from ../shared/seeds (never copied
// into the repo) and checks that each span cited from it names the fact's
// entities: a name or alias of each end, or for an event or office, one of
// the significant words of its name or aliases. A span must lie within one
// sentence, so that what it says is said in one place rather than pieced
// together from the end of one sentence and the start of the next, and
// the dateline ("Brussels:") counts for nothing: it says where the report
// was filed, not where anything in it happened.
func TestSeedSpans(t *testing.T) {
	f, err := dataset.ParseNATO()
	if err != nil {
		t.Fatal(err)
	}
	var seed dataset.Document
	for _, d := range f.Documents {
		if d.SHA256 != "" {
			seed = d
		}
	}
	if seed.SHA256 != datasettest.SeedSHA256 {
		t.Fatalf("nato.yaml's seed document has sha256 %s, the seed article %s", seed.SHA256, datasettest.SeedSHA256)
	}
	text := datasettest.Seed(t)
	runes := []rune(text)
	dateline := datelineEnd(runes)
	names := map[string][]string{}
	for _, e := range f.Entities {
		names[e.ID] = append([]string{e.Name}, e.Aliases...)
	}
	spans := 0
	for _, x := range f.Facts {
		for _, c := range x.Cite {
			if c.Source != seed.ID {
				continue
			}
			spans++
			if len(c.Span) != 2 || c.Span[0] < 0 || c.Span[1] > len(runes) || c.Span[0] >= c.Span[1] {
				t.Errorf("%s: span %v outside the text (%d code points)", x.ID, c.Span, len(runes))
				continue
			}
			quote := string(runes[c.Span[0]:c.Span[1]])
			if b := sentenceBreak(runes[c.Span[0]:c.Span[1]]); b >= 0 {
				t.Errorf("%s: span %v %q runs across a sentence end at %d", x.ID, c.Span, quote, c.Span[0]+b)
			}
			body := string(runes[max(c.Span[0], min(dateline, c.Span[1])):c.Span[1]])
			for _, end := range []string{x.From, x.To} {
				if !namesEntity(body, end, names[end]) {
					t.Errorf("%s: span %v %q does not name %s outside the dateline", x.ID, c.Span, quote, end)
				}
			}
		}
	}
	if spans < 10 {
		t.Errorf("only %d facts cite the seed article", spans)
	}
}

// datelineEnd returns where the article's dateline ends: the code point
// after "Place: " at the very start of the text, or 0 when there is none.
func datelineEnd(runes []rune) int {
	for i := 0; i < len(runes) && i < 40; i++ {
		switch runes[i] {
		case ':':
			if i+1 < len(runes) && runes[i+1] == ' ' {
				return i + 2
			}
			return 0
		case '.', '\n':
			return 0
		}
	}
	return 0
}

// sentenceBreak returns the offset in q of the first sentence end followed
// by more text: '.', '!' or '?' (and any closing quotes) then white space
// and a capital letter or an opening quote, or a line break. It returns -1
// when q lies within one sentence. "U.S. presidential" is not a break.
func sentenceBreak(q []rune) int {
	for i, r := range q {
		if r == '\n' && i > 0 && i < len(q)-1 {
			return i
		}
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		j := i + 1
		for j < len(q) && strings.ContainsRune("\"'’”", q[j]) {
			j++
		}
		if j >= len(q) || !unicode.IsSpace(q[j]) {
			continue
		}
		for j < len(q) && unicode.IsSpace(q[j]) {
			j++
		}
		if j < len(q) && (unicode.IsUpper(q[j]) || strings.ContainsRune("\"“‘", q[j])) {
			return i
		}
	}
	return -1
}

var stopwords = []string{"the", "of", "and", "to", "nato", "from", "in", "for", "with"}

func namesEntity(quote, id string, names []string) bool {
	fq := domain.Fold(quote)
	for _, n := range names {
		if strings.Contains(fq, domain.Fold(n)) {
			return true
		}
	}
	if !strings.HasPrefix(id, "event/") && !strings.HasPrefix(id, "office/") {
		return false
	}
	words := domain.Tokens(quote)
	for _, n := range names {
		for _, tok := range domain.Tokens(n) {
			if len(tok) >= 4 && !slices.Contains(stopwords, tok) && slices.Contains(words, tok) {
				return true
			}
		}
	}
	return false
}

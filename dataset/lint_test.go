package dataset_test

import (
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset"
)

// TestLintBuiltIn lints the built-in datasets: the NATO file alone (what
// SeedNATO loads) and the whole curated set, every file merged (what serve
// seeds). The -v output lists every gap between an office's holders; the
// test fails on an unbacked gap, an overlap or any other finding.
func TestLintBuiltIn(t *testing.T) {
	for name, parse := range map[string]func() (*dataset.File, error){"nato": dataset.ParseNATO, "curated": dataset.ParseCurated} {
		t.Run(name, func(t *testing.T) {
			f, err := parse()
			if err != nil {
				t.Fatal(err)
			}
			r := f.Lint()
			for _, g := range r.Gaps {
				t.Log("gap:", g)
			}
			for _, p := range r.Problems {
				t.Error(p)
			}
		})
	}
}

// lintHeader declares the documents and entities the lint cases share: an
// office with a founding-era organisation, three people (one who died) and
// a multi-holder board.
const lintHeader = `version: 1
documents:
  - {id: doc/a, name: A, url: "https://example.org/a"}
entities:
  - {id: org/x, name: X, props: {founded: 1950-01-01}}
  - {id: office/sg, name: SG}
  - {id: office/board, name: Board, props: {singleHolder: false}}
  - {id: person/a, name: A}
  - {id: person/b, name: B, props: {died: 1994-08-13}}
  - {id: person/c, name: C}
  - {id: event/e, name: E, date: 1960-05-01}
`

func TestLintFindings(t *testing.T) {
	for _, tt := range []struct {
		name     string
		body     string
		gaps     []string // substrings, one per gap, in order
		problems []string // substrings, one per problem, in order
	}{
		{"consecutive terms", `facts:
  - {id: fact/a, predicate: HOLDS, from: person/a, to: office/sg, validFrom: 1960-01-01, validTo: 1965-01-01, cite: [{source: doc/a}]}
  - {id: fact/c, predicate: HOLDS, from: person/c, to: office/sg, validFrom: 1965-01-01, cite: [{source: doc/a}]}
`, nil, nil},
		{"acting holder fills the gap", `facts:
  - {id: fact/a, predicate: HOLDS, from: person/a, to: office/sg, validFrom: 1960-01-01, validTo: 1965-01-01, cite: [{source: doc/a}]}
  - {id: fact/b, predicate: HOLDS, from: person/b, to: office/sg, validFrom: 1965-01-01, validTo: 1965-03-01, props: {role: acting}, cite: [{source: doc/a}]}
  - {id: fact/c, predicate: HOLDS, from: person/c, to: office/sg, validFrom: 1965-03-01, cite: [{source: doc/a}]}
`, nil, nil},
		{"unbacked gap", `facts:
  - {id: fact/a, predicate: HOLDS, from: person/a, to: office/sg, validFrom: 1960-01-01, validTo: 1965-01-01, cite: [{source: doc/a}]}
  - {id: fact/c, predicate: HOLDS, from: person/c, to: office/sg, validFrom: 1965-03-01, cite: [{source: doc/a}]}
`, []string{"office/sg vacant [1965-01-01, 1965-03-01) between fact/a and fact/c: not backed"},
			[]string{"office/sg: gap [1965-01-01, 1965-03-01) between fact/a and fact/c is backed by no gaps entry and no acting holder"}},
		{"backed gap", `facts:
  - {id: fact/a, predicate: HOLDS, from: person/a, to: office/sg, validFrom: 1960-01-01, validTo: 1965-01-01, cite: [{source: doc/a}]}
  - {id: fact/c, predicate: HOLDS, from: person/c, to: office/sg, validFrom: 1965-03-01, cite: [{source: doc/a}]}
gaps:
  - {office: office/sg, from: 1965-01-01, to: 1965-03-01, note: no acting holder named, cite: [{source: doc/a}]}
`, []string{"office/sg vacant [1965-01-01, 1965-03-01) between fact/a and fact/c: backed by doc/a"}, nil},
		{"gap entry without a citation", `facts:
  - {id: fact/a, predicate: HOLDS, from: person/a, to: office/sg, validFrom: 1960-01-01, validTo: 1965-01-01, cite: [{source: doc/a}]}
  - {id: fact/c, predicate: HOLDS, from: person/c, to: office/sg, validFrom: 1965-03-01, cite: [{source: doc/a}]}
gaps:
  - {office: office/sg, from: 1965-01-01, to: 1965-03-01}
`, []string{"not backed"}, []string{
			"gaps entry office/sg [1965-01-01, 1965-03-01) cites no source",
			"office/sg: gap [1965-01-01, 1965-03-01) between fact/a and fact/c is backed by no gaps entry",
		}},
		{"stale gap entry", `facts:
  - {id: fact/a, predicate: HOLDS, from: person/a, to: office/sg, validFrom: 1960-01-01, validTo: 1965-01-01, cite: [{source: doc/a}]}
  - {id: fact/c, predicate: HOLDS, from: person/c, to: office/sg, validFrom: 1965-01-01, cite: [{source: doc/a}]}
gaps:
  - {office: office/sg, from: 1964-01-01, to: 1965-01-01, cite: [{source: doc/a}]}
`, nil, []string{"gaps entry office/sg [1964-01-01, 1965-01-01) matches no gap between holders"}},
		{"overlap", `facts:
  - {id: fact/a, predicate: HOLDS, from: person/a, to: office/sg, validFrom: 1960-01-01, validTo: 1965-01-02, cite: [{source: doc/a}]}
  - {id: fact/c, predicate: HOLDS, from: person/c, to: office/sg, validFrom: 1965-01-01, cite: [{source: doc/a}]}
`, nil, []string{"office/sg: fact/a [1960-01-01, 1965-01-02) and fact/c [1965-01-01, …) overlap"}},
		{"overlap after a long term", `facts:
  - {id: fact/a, predicate: HOLDS, from: person/a, to: office/sg, validFrom: 1960-01-01, cite: [{source: doc/a}]}
  - {id: fact/b, predicate: HOLDS, from: person/b, to: office/sg, validFrom: 1962-01-01, validTo: 1963-01-01, cite: [{source: doc/a}]}
  - {id: fact/c, predicate: HOLDS, from: person/c, to: office/sg, validFrom: 1964-01-01, cite: [{source: doc/a}]}
`, nil, []string{"fact/a [1960-01-01, …) and fact/b", "fact/a [1960-01-01, …) and fact/c"}},
		{"acting holder overlaps", `facts:
  - {id: fact/a, predicate: HOLDS, from: person/a, to: office/sg, validFrom: 1960-01-01, validTo: 1965-01-01, cite: [{source: doc/a}]}
  - {id: fact/b, predicate: HOLDS, from: person/b, to: office/sg, validFrom: 1964-12-01, validTo: 1965-03-01, props: {role: acting}, cite: [{source: doc/a}]}
`, nil, []string{"fact/a [1960-01-01, 1965-01-01) and fact/b [1964-12-01, 1965-03-01) overlap"}},
		{"multi-holder office may overlap", `facts:
  - {id: fact/a, predicate: HOLDS, from: person/a, to: office/board, validFrom: 1960-01-01, cite: [{source: doc/a}]}
  - {id: fact/c, predicate: HOLDS, from: person/c, to: office/board, validFrom: 1962-01-01, cite: [{source: doc/a}]}
`, nil, nil},
		{"acting spelled differently", `facts:
  - {id: fact/b, predicate: HOLDS, from: person/b, to: office/sg, validFrom: 1965-01-01, validTo: 1965-03-01, props: {role: interim}, cite: [{source: doc/a}]}
`, nil, []string{`fact/b: role "interim"; an acting holder is marked role: acting`}},
		{"uncited fact", `facts:
  - {id: fact/a, predicate: HOLDS, from: person/a, to: office/sg, validFrom: 1960-01-01}
`, nil, []string{"fact/a cites no source"}},
		{"unknown source", `facts:
  - {id: fact/a, predicate: HOLDS, from: person/a, to: office/sg, validFrom: 1960-01-01, cite: [{source: doc/missing}]}
`, nil, []string{"fact/a cites doc/missing, which is not among the documents"}},
		{"before the organisation was founded", `facts:
  - {id: fact/x, predicate: OFFICE_OF, from: office/sg, to: org/x, validFrom: 1949-06-01, cite: [{source: doc/a}]}
`, nil, []string{"fact/x starts 1949-06-01, before org/x was founded (1950-01-01)"}},
		{"in office after death", `facts:
  - {id: fact/b, predicate: HOLDS, from: person/b, to: office/sg, validFrom: 1988-07-01, validTo: 1994-09-01, cite: [{source: doc/a}]}
`, nil, []string{"fact/b lasts until 1994-09-01, after person/b died (1994-08-13)"}},
		{"ends on the day of death", `facts:
  - {id: fact/b, predicate: HOLDS, from: person/b, to: office/sg, validFrom: 1988-07-01, validTo: 1994-08-13, cite: [{source: doc/a}]}
`, nil, nil},
		{"event on another day", `facts:
  - {id: fact/x, predicate: PARTICIPANT_IN, from: org/x, to: event/e, cite: [{source: doc/a}]}
  - {id: fact/y, predicate: MEMBER_OF, from: person/a, to: org/x, validFrom: 1960-05-02, event: event/e, cite: [{source: doc/a}]}
`, nil, []string{"fact/y starts 1960-05-02, but its event event/e happened on 1960-05-01"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := dataset.Parse(strings.NewReader(lintHeader + tt.body))
			if err != nil {
				t.Fatal(err)
			}
			r := f.Lint()
			check := func(what string, got []string, want []string) {
				t.Helper()
				if len(got) != len(want) {
					t.Fatalf("%s: got %d %q, want %d %q", what, len(got), got, len(want), want)
				}
				for i := range want {
					if !strings.Contains(got[i], want[i]) {
						t.Errorf("%s %d: %q does not contain %q", what, i, got[i], want[i])
					}
				}
			}
			var gaps []string
			for _, g := range r.Gaps {
				gaps = append(gaps, g.String())
			}
			check("gaps", gaps, tt.gaps)
			check("problems", r.Problems, tt.problems)
		})
	}
}

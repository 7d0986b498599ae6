package dataset_test

import (
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset"
)

// statesHeader declares a successor chain (A became B, which split into C
// and D), an organization and a state with a lifetime.
const statesHeader = `version: 1
documents:
  - {id: doc/a, name: A, url: "https://example.org/a"}
entities:
  - {id: org/x, name: X}
  - {id: country/A, name: A, props: {dissolved: 1990-01-01}}
  - {id: country/B, name: B, props: {founded: 1990-01-01, dissolved: 2000-01-01}}
  - {id: country/C, name: C, props: {founded: 2000-01-01}}
  - {id: country/D, name: D, props: {founded: 2000-01-01}}
  - {id: country/E, name: E}
facts:
  - {id: fact/b-a, predicate: SUCCEEDED, from: country/B, to: country/A, validFrom: 1990-01-01, cite: [{source: doc/a}]}
  - {id: fact/c-b, predicate: SUCCEEDED, from: country/C, to: country/B, validFrom: 2000-01-01, cite: [{source: doc/a}]}
  - {id: fact/d-b, predicate: SUCCEEDED, from: country/D, to: country/B, validFrom: 2000-01-01, cite: [{source: doc/a}]}
`

func TestLintStates(t *testing.T) {
	for _, tt := range []struct {
		name     string
		body     string
		problems []string // substrings, one per problem, in order
	}{
		{"a chain passes membership on", `
  - {id: fact/a-x, predicate: MEMBER_OF, from: country/A, to: org/x, validFrom: 1980-01-01, validTo: 1990-01-01, cite: [{source: doc/a}]}
  - {id: fact/b-x, predicate: MEMBER_OF, from: country/B, to: org/x, validFrom: 1990-01-01, validTo: 2000-01-01, cite: [{source: doc/a}]}
  - {id: fact/c-x, predicate: MEMBER_OF, from: country/C, to: org/x, validFrom: 2000-01-01, cite: [{source: doc/a}]}
  - {id: fact/d-x, predicate: MEMBER_OF, from: country/D, to: org/x, validFrom: 2001-01-01, cite: [{source: doc/a}]}
`, nil},
		{"a state and its successor members at once", `
  - {id: fact/a-x, predicate: MEMBER_OF, from: country/A, to: org/x, validFrom: 1980-01-01, validTo: 1990-01-01, cite: [{source: doc/a}]}
  - {id: fact/c-x, predicate: MEMBER_OF, from: country/C, to: org/x, validFrom: 1989-06-01, cite: [{source: doc/a}]}
`, []string{
			"fact/c-x starts 1989-06-01, before country/C was founded (2000-01-01)",
			"org/x: fact/a-x (country/A) and fact/c-x (country/C) are members at once",
		}},
		{"membership after the state ceased", `
  - {id: fact/b-x, predicate: MEMBER_OF, from: country/B, to: org/x, validFrom: 1995-01-01, cite: [{source: doc/a}]}
`, []string{"fact/b-x: country/B ceased on 2000-01-01, but the membership has no end"}},
		{"membership ends a day after the state ceased", `
  - {id: fact/b-x, predicate: MEMBER_OF, from: country/B, to: org/x, validFrom: 1995-01-01, validTo: 2000-01-02, cite: [{source: doc/a}]}
`, []string{"fact/b-x lasts until 2000-01-02, after country/B ceased (2000-01-01)"}},
		{"partnership before the state existed", `
  - {id: fact/d-x, predicate: PARTNER_OF, from: country/D, to: org/x, validFrom: 1999-12-31, cite: [{source: doc/a}]}
`, []string{"fact/d-x starts 1999-12-31, before country/D was founded (2000-01-01)"}},
		{"an unrelated state may overlap", `
  - {id: fact/a-x, predicate: MEMBER_OF, from: country/A, to: org/x, validFrom: 1980-01-01, validTo: 1990-01-01, cite: [{source: doc/a}]}
  - {id: fact/e-x, predicate: MEMBER_OF, from: country/E, to: org/x, validFrom: 1980-01-01, cite: [{source: doc/a}]}
`, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := dataset.Parse(strings.NewReader(statesHeader + tt.body))
			if err != nil {
				t.Fatal(err)
			}
			got := f.Lint().Problems
			if len(got) != len(tt.problems) {
				t.Fatalf("got %d problems %q, want %d %q", len(got), got, len(tt.problems), tt.problems)
			}
			for i := range got {
				if !strings.Contains(got[i], tt.problems[i]) {
					t.Errorf("problem %d: %q does not contain %q", i, got[i], tt.problems[i])
				}
			}
		})
	}
}

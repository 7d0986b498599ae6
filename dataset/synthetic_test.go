package dataset_test

import (
	"bytes"
	"crypto/sha256"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/jsonl"
)

// small is the factor-1 shape scaled down so the test runs in a moment.
var small = dataset.SyntheticShape{Alliances: 20, Countries: 100, People: 800, Offices: 80, Events: 100, Documents: 5,
	MembershipsPerCountry: 5, TermsPerOffice: 5, ParticipantsPerEvent: 20, Knows: 5200}

func TestSyntheticDeterministicAndShaped(t *testing.T) {
	var a, b bytes.Buffer
	if err := dataset.WriteSynthetic(&a, small, 2); err != nil {
		t.Fatal(err)
	}
	if err := dataset.WriteSynthetic(&b, small, 2); err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(a.Bytes()) != sha256.Sum256(b.Bytes()) {
		t.Fatal("two runs differ")
	}
	counts := map[string]int{}
	err := jsonl.Read(bytes.NewReader(a.Bytes()), func(r jsonl.Record) error {
		switch {
		case r.Entity != nil:
			counts[r.Entity.Kind.String()]++
		case r.Fact != nil:
			counts[r.Fact.Predicate.String()]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"Organization": 40, "Country": 200, "Person": 1600, "Office": 160, "Event": 200, "Document": 10,
		"MEMBER_OF": 1000, "HOLDS": 800, "PARTICIPANT_IN": 4000, "KNOWS": 10400}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%s: %d, want %d", k, counts[k], n)
		}
	}
}

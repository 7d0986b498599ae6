package domain

import "testing"

// The IDs the program makes up are the ones it made before MintFactID
// made them all: a mutation's assertFact, a document's mentions, the
// Wikidata importer, an upsert by external ID. A change here would give
// a re-imported or re-asserted fact a second ID.
func TestMintedIDs(t *testing.T) {
	f := &Fact{Predicate: MemberOf, From: "country/FIN", To: "org/nato", Valid: Interval{From: MustDate("2023-04-04")}}
	open := &Fact{Predicate: Holds, From: "person/Mark-Rutte", To: "office/nato/sg"}
	for _, tt := range []struct{ got, want string }{
		{NewFactID(f), "fact/fin-member-of-nato-2023-04-04"},
		{NewFactID(open), "fact/mark-rutte-holds-nato-sg-open"},
		{MintFactID("sha256-0123456789abcdef", "mentions", "country/FIN"), "fact/sha256-0123456789abcdef-mentions-country-FIN"},
		{MintFactID("wikidata", "Q33", "member-of", "Q7184", "2023-04-04"), "fact/wikidata-Q33-member-of-Q7184-2023-04-04"},
		{MintFactID("a b", "c\td/e\x7f"), "fact/a-b-c-d-e-"},
		{MintEntityID(KindCountry, "iso3", "FIN"), "country/iso3-FIN"},
		{MintEntityID(KindOrganization, "wikidata", "Q 7/1"), "org/wikidata-Q-7-1"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
		if _, _, err := SplitID(tt.got); err != nil {
			t.Errorf("%q is not a valid ID: %v", tt.got, err)
		}
	}
	if !IsFactID(MintFactID("x")) || IsFactID(MintEntityID(KindPerson, "x")) {
		t.Error("IsFactID does not tell minted fact and entity IDs apart")
	}
}

func TestFactIDPrefix(t *testing.T) {
	if factIDPrefix != KindFact.Prefix()+"/" {
		t.Errorf("factIDPrefix %q is not KindFact's prefix and a slash", factIDPrefix)
	}
}

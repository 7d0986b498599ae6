package dataset_test

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestImportCSVAndWikidataUnicode: text that is not UTF-8, or a \u
// escape of half a surrogate pair, in a CSV cell (JSON cells included,
// which encoding/json would read as U+FFFD) or a Wikidata binding is
// refused naming the file, line and field; U+FFFD sent on purpose is
// imported.
func TestImportCSVAndWikidataUnicode(t *testing.T) {
	rels, _ := os.ReadFile("testdata/csv/relationships.csv")
	nodes := func(row string) dataset.Input {
		head := csvNodesHead + "country/ISL,Country,Iceland,,,,\norg/example,Organization,Example,,,,\nevent/founding,Event,Founding,,1950-05-01,,\ndoc/example-source,Document,Source,,,,\n"
		return dataset.CSVInput("csv", readerOpen(func() io.Reader { return strings.NewReader(head + row + "\n") }),
			readerOpen(func() io.Reader { return strings.NewReader(string(rels)) }))
	}
	wikidata := func(label string) dataset.Input {
		doc := wikidataHead + `{"state": {"type": "uri", "value": "http://www.wikidata.org/entity/Q9900001"},
 "stateLabel": {"type": "literal", "value": "` + label + `"},
 "org": {"type": "uri", "value": "http://www.wikidata.org/entity/Q7184"}, "orgLabel": {"type": "literal", "value": "North Atlantic Treaty Organization"}}
]}}`
		return dataset.WikidataInput("w.json", readerOpen(func() io.Reader { return strings.NewReader(doc) }))
	}
	for _, tc := range []struct {
		name string
		db   func(*testing.T) *store.DB
		in   dataset.Input
		want string // "" : imports
	}{
		{"csv: bad byte in a name", emptyDB, nodes("place/u,Place,U\xff,,,,"), "csv nodes.csv:6: column name: not valid UTF-8 (byte 0xff)"},
		{"csv: bad byte in an alias", emptyDB, nodes("place/u,Place,U,\"[\"\"a\xc3\"\"]\",,,"), "csv nodes.csv:6: column aliases: not valid UTF-8 (byte 0xc3)"},
		{"csv: lone surrogate in an alias", emptyDB, nodes(`place/u,Place,U,"[""a"",""\ud800""]",,,`), `csv nodes.csv:6: column aliases[1]: \ud800 is half of a UTF-16 surrogate pair`},
		{"csv: lone surrogate in a property", emptyDB, nodes(`place/u,Place,U,,,,"{""motto"":""\udfff""}"`), `csv nodes.csv:6: column properties.motto: \udfff is half of a UTF-16 surrogate pair`},
		{"csv: U+FFFD on purpose", emptyDB, nodes("place/u,Place,U\ufffd,\"[\"\"\\ufffd\"\"]\",,,"), ""},
		{"wikidata: lone surrogate in a label", loadedDB, wikidata(`X\ud800`), `w.json:3: stateLabel.value: \ud800 is half of a UTF-16 surrogate pair`},
		{"wikidata: bad byte in a label", loadedDB, wikidata("X\xff"), `w.json:3: stateLabel.value: not valid UTF-8 (byte 0xff)`},
		{"wikidata: U+FFFD on purpose", loadedDB, wikidata(`X\ufffd`), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := tc.db(t)
			before := dumpOf(t, db)
			_, err := dataset.Import(db, []dataset.Input{tc.in}, dataset.ImportOptions{Author: "test"})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInvalid with %q", err, tc.want)
			}
			if dumpOf(t, db) != before {
				t.Error("a refused import changed the store")
			}
		})
	}
}

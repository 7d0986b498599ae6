package graph_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset/datasettest"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestGoldenCurated runs every query under testdata/curated/queries over
// real HTTP against a server holding the whole curated dataset, and
// compares each response with testdata/curated/golden (go test -update
// rewrites). The questions issue 20 asks are also checked on their own,
// so that an -update cannot bless a wrong answer.
func TestGoldenCurated(t *testing.T) {
	db := datasettest.Curated(t)
	srv := servertest.New(t, servertest.DB(db))
	files, err := filepath.Glob("testdata/curated/queries/*.graphql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no queries: %v", err)
	}
	answers := map[string]string{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".graphql")
		t.Run(name, func(t *testing.T) {
			q, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			status, body := servertest.Post(t, srv.URL, string(q), nil)
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, body, "", "  "); err != nil || status != 200 {
				t.Fatalf("status %d, response %s", status, body)
			}
			pretty.WriteByte('\n')
			answers[name] = pretty.String()
			golden := filepath.Join("testdata", "curated", "golden", name+".json")
			if *update {
				if err := os.WriteFile(golden, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(pretty.Bytes(), want) {
				t.Errorf("response differs from %s:\n%s", golden, pretty.Bytes())
			}
		})
	}

	for name, wants := range map[string][]string{
		"eu_member_count_brexit": {`"lastDayIn": 28`, `"firstDayOut": 27`, `"validTo": "2020-02-01"`},
		"uzbekistan_csto":        {`"id": "fact/uzb-member-of-csto-2006"`, `"in2015": []`},
		"leaders_at_nato_accession": {`"date": "2023-04-04"`, `"name": "Sanna Marin"`, `"name": "Sauli Niinistö"`,
			`"date": "2024-03-07"`, `"name": "Ulf Kristersson"`, `"name": "Carl XVI Gustaf"`},
		"leader_to_accession_path": {`"id": "person/sanna-marin"`, `"id": "fact/fin-member-of-nato"`, `"id": "event/nato-accession-2023-04-04"`},
	} {
		for _, w := range wants {
			if !strings.Contains(answers[name], w) {
				t.Errorf("%s lacks %s:\n%s", name, w, answers[name])
			}
		}
	}
	memberIDs := func(name string) []string {
		var r struct {
			Data struct {
				MembersOf []struct {
					Country struct{ ID string }
				}
			}
		}
		if err := json.Unmarshal([]byte(answers[name]), &r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var ids []string
		for _, m := range r.Data.MembersOf {
			ids = append(ids, strings.TrimPrefix(m.Country.ID, "country/"))
		}
		return ids
	}
	for name, want := range map[string]string{
		"nato_not_eu_2024":       "ALB CAN ISL MNE MKD NOR TUR GBR USA",
		"eu_not_nato_2024":       "AUT CYP IRL MLT",
		"warsaw_pact_later_nato": "ALB BGR CZE DEU HUN POL ROU SVK",
	} {
		if got := strings.Join(memberIDs(name), " "); got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
	var s struct {
		Data map[string][]struct {
			Entity struct{ ID string }
		}
	}
	if err := json.Unmarshal([]byte(answers["search_endonyms"]), &s); err != nil {
		t.Fatal(err)
	}
	for alias, id := range map[string]string{"suomi": "country/FIN", "sverige": "country/SWE", "deutschland": "country/DEU",
		"magyarorszag": "country/HUN", "ellada": "country/GRC", "cesko": "country/CZE"} {
		if hits := s.Data[alias]; len(hits) == 0 || hits[0].Entity.ID != id {
			t.Errorf("search %s: %+v, want %s first", alias, hits, id)
		}
	}
}

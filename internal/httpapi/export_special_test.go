package httpapi_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

// Names and aliases with everything the formats must escape: quotes,
// markup characters, non-Latin letters, line breaks, backslashes, tabs and
// separators.
var (
	specialName    = `Ελλάδα "Hellas" <b>&amp;</b> 'Ἑλλάς' \ end\`
	specialAliases = []string{"line one\nline two", `C:\path\n "q"`, "Пример & 例子; a,b|c", "tab\there -- --> ]]>"}
	specialOrgName = `Alliance <"&"> 北约 \\ ✓`
)

func specialDB(t *testing.T) *store.DB {
	t.Helper()
	db := servertest.OpenStore(t, "")
	err := db.Update("test", func(w *store.Writer) error {
		for _, e := range []domain.Entity{
			{ID: "doc/source", Name: "A source & <its> \"title\""},
			{ID: "org/special", Name: specialOrgName, Aliases: []string{"ALL\r\nIANCE"}},
			{ID: "country/XSP", Name: specialName, Aliases: specialAliases, XIDs: map[string]string{"iso3": "X<&>"},
				Props: []domain.Prop{{Key: "motto \"x\"", Type: domain.PropString, Value: "a\nb <c>"}, {Key: "pop", Type: domain.PropInt, Value: "42"}}},
		} {
			if _, err := w.PutEntity(e); err != nil {
				return err
			}
		}
		_, err := w.PutFact(domain.Fact{ID: "fact/xsp-member-of-special", Predicate: domain.MemberOf, From: "country/XSP", To: "org/special",
			Valid:     domain.Interval{From: domain.MustDate("2024-03-07")},
			Props:     []domain.Prop{{Key: "note", Type: domain.PropString, Value: "\"quoted\" & <tagged>\n\\"}},
			Citations: []domain.Citation{{Source: "doc/source", URL: "https://example.org/a?b=c&d=<e>", Span: &domain.Span{Start: 1, End: 5}}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestExportSpecialCharacters: every format still parses in its consumer
// and gives back the exact names and aliases (DOT: the name, which is the
// label Graphviz draws).
func TestExportSpecialCharacters(t *testing.T) {
	db := specialDB(t)
	defer db.Close()
	srv := servertest.New(t, servertest.DB(db))
	q := url.Values{"ids": {"org/special"}, "depth": {"1"}}
	for _, f := range export.Formats() {
		t.Run(f.Name, func(t *testing.T) {
			resp, body := servertest.GetExport(t, srv.URL, f.Name, q)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			g := servertest.ReadExport(t, f.Name, body)
			if len(g.Nodes) != 2 || len(g.Edges) != 1 {
				t.Fatalf("%d nodes and %d edges, want 2 and 1: %+v", len(g.Nodes), len(g.Edges), g)
			}
			x, org := g.Nodes["country/XSP"], g.Nodes["org/special"]
			if x.Name != specialName || org.Name != specialOrgName {
				t.Errorf("names came back as %q and %q", x.Name, org.Name)
			}
			if x.Aliases != nil && !slices.Equal(x.Aliases, specialAliases) {
				t.Errorf("aliases came back as %q", x.Aliases)
			}
			if f.Name != "dot" && x.Aliases == nil {
				t.Errorf("%s carries aliases but the reader found none", f.Name)
			}
			if e := g.Edges[0]; e.Source != "country/XSP" || e.Target != "org/special" || (e.ValidFrom != "" && e.ValidFrom != "2024-03-07") {
				t.Errorf("edge came back as %+v", e)
			}
		})
	}
}

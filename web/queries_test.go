package web

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestExplorerQueriesValidate: every operation the explorer sends
// (explore/queries/*.graphql, bundled into explore.js as they are) is valid
// against the served schema, so a schema change that would break the page
// fails here instead of in a browser.
func TestExplorerQueriesValidate(t *testing.T) {
	sdl, err := os.ReadFile(filepath.Join("..", "schema.graphqls"))
	if err != nil {
		t.Fatal(err)
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(sdl)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	files, err := filepath.Glob(filepath.Join("explore", "queries", "*.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	// api.js imports each of these; a file added without a use, or a use
	// without a file, is a mistake either way.
	api, err := os.ReadFile(filepath.Join("explore", "api.js"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		name := filepath.Base(f)
		names = append(names, name)
		if !strings.Contains(string(api), "'./queries/"+name+"'") {
			t.Errorf("explore/api.js does not import %s", name)
		}
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, errs := gqlparser.LoadQuery(schema, string(text))
		if len(errs) > 0 {
			t.Errorf("%s does not validate against schema.graphqls: %v", name, errs)
			continue
		}
		if len(doc.Operations) != 1 || doc.Operations[0].Name == "" || doc.Operations[0].Operation != ast.Query {
			t.Errorf("%s: want exactly one named query", name)
		}
	}
	for _, want := range []string{"members.graphql", "neighborhood.graphql", "path.graphql", "search.graphql", "timeline.graphql"} {
		if !slices.Contains(names, want) {
			t.Errorf("no explore/queries/%s", want)
		}
	}
}

// TestExplorerQueryValidationCatches: the validator this test relies on
// refuses an operation that asks for a field the schema lacks, so the test
// above can fail.
func TestExplorerQueryValidationCatches(t *testing.T) {
	sdl, err := os.ReadFile(filepath.Join("..", "schema.graphqls"))
	if err != nil {
		t.Fatal(err)
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(sdl)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	if _, errs := gqlparser.LoadQuery(schema, `query Bad { alliance(id: "org/nato") { memberCountt } }`); len(errs) == 0 {
		t.Fatal("a misspelt field validated")
	}
}

package browsertest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/web"
	"github.com/alliancegraph/alliancegraph/web/browsertest"
)

// introspection is the smallest schema GraphiQL accepts: type Query with one
// field. GraphiQL validates it, so the scalars the introspection types use
// are listed too. It keeps this test independent of the real server.
const introspection = `{"data":{"__schema":{
 "description":null,"queryType":{"name":"Query"},"mutationType":null,"subscriptionType":null,
 "types":[
  {"kind":"OBJECT","name":"Query","description":null,"specifiedByURL":null,
   "fields":[{"name":"hello","description":null,"args":[],"isDeprecated":false,"deprecationReason":null,
     "type":{"kind":"SCALAR","name":"String","ofType":null}}],
   "inputFields":null,"interfaces":[],"enumValues":null,"possibleTypes":null},
  {"kind":"SCALAR","name":"String","description":null,"specifiedByURL":null,"fields":null,
   "inputFields":null,"interfaces":null,"enumValues":null,"possibleTypes":null},
  {"kind":"SCALAR","name":"Boolean","description":null,"specifiedByURL":null,"fields":null,
   "inputFields":null,"interfaces":null,"enumValues":null,"possibleTypes":null}],
 "directives":[]}}}`

// fakeGraphQL answers GraphiQL's introspection query and any other query
// with a fixed result; enough to drive the page without the real server.
func fakeGraphQL(w http.ResponseWriter, r *http.Request) {
	var req struct{ Query string }
	if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&req) != nil {
		http.Error(w, "want a POSTed GraphQL request", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if strings.Contains(req.Query, "__schema") {
		_, _ = w.Write([]byte(introspection))
		return
	}
	_, _ = w.Write([]byte(`{"data":{"__typename":"Query"}}`))
}

// requireChromium skips without Chromium, except in CI, where a missing
// browser must not pass silently.
func requireChromium(t *testing.T) string {
	t.Helper()
	path, err := browsertest.FindChromium()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return path
}

func TestRunExampleAgainstFakeServer(t *testing.T) {
	chromium := requireChromium(t)

	mux := http.NewServeMux()
	mux.HandleFunc("/graphql", fakeGraphQL)
	mux.Handle("/", web.Handler(web.Options{
		Endpoint: "/graphql",
		Examples: []web.Example{
			{Name: "Root type", Query: "{ __typename }"},
			{Name: "Hello", Query: "{ hello }"},
		},
	}))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	if resp, err := http.Get(srv.URL + "/"); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode == http.StatusServiceUnavailable {
		if os.Getenv("CI") == "true" {
			t.Fatal("GraphiQL assets are not built: CI must run `make web` before go test")
		}
		t.Skip("GraphiQL assets are not built; run `make web`")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	text, png, err := browsertest.RunExampleScreenshot(ctx, srv.URL, chromium)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Data struct {
			Typename string `json:"__typename"`
		}
	}
	if err := json.Unmarshal([]byte(text), &got); err != nil || got.Data.Typename != "Query" {
		t.Fatalf("result pane = %q, want the first example's result", text)
	}
	// Lets a person look at the page: GRAPHIQL_SCREENSHOT=graphiql.png
	if out := os.Getenv("GRAPHIQL_SCREENSHOT"); out != "" {
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

package graph_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// describedQuery introspects every place a description can be.
const describedQuery = `{ __schema { types {
  name kind description
  fields(includeDeprecated: true) { name description args { name description } }
  inputFields { name description }
  enumValues(includeDeprecated: true) { name description }
} directives { name description args { name description } } } }`

// TestEveryPartIsDescribed: a client generator shows descriptions as
// docs, so every type, field, argument, input field and enum value of
// the API has one (GraphQL's own __ types and built-in scalars aside).
func TestEveryPartIsDescribed(t *testing.T) {
	srv := servertest.New(t)
	r := servertest.Query(t, srv.URL, describedQuery)
	if len(r.Errors) > 0 {
		t.Fatalf("introspection: %v", r.Errors)
	}
	type named struct{ Name, Description string }
	type field struct {
		Name, Description string
		Args              []named
	}
	var s struct {
		Schema struct {
			Types []struct {
				Name, Kind, Description string
				Fields                  []field
				InputFields             []named
				EnumValues              []named
			}
			Directives []field
		} `json:"__schema"`
	}
	if err := json.Unmarshal(r.Data, &s); err != nil {
		t.Fatal(err)
	}
	builtin := map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}
	builtinDirective := map[string]bool{"include": true, "skip": true, "deprecated": true, "specifiedBy": true, "oneOf": true, "defer": true}
	var missing []string
	need := func(what, desc string) {
		if strings.TrimSpace(desc) == "" {
			missing = append(missing, what)
		}
	}
	for _, ty := range s.Schema.Types {
		if strings.HasPrefix(ty.Name, "__") || builtin[ty.Name] {
			continue
		}
		need(ty.Name, ty.Description)
		for _, f := range ty.Fields {
			need(ty.Name+"."+f.Name, f.Description)
			for _, a := range f.Args {
				need(ty.Name+"."+f.Name+"("+a.Name+")", a.Description)
			}
		}
		for _, f := range ty.InputFields {
			need(ty.Name+"."+f.Name, f.Description)
		}
		for _, v := range ty.EnumValues {
			need(ty.Name+"."+v.Name, v.Description)
		}
	}
	for _, d := range s.Schema.Directives {
		if builtinDirective[d.Name] {
			continue
		}
		need("@"+d.Name, d.Description)
		for _, a := range d.Args {
			need("@"+d.Name+"("+a.Name+")", a.Description)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d parts of the schema have no description (schema.graphqls):\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// TestSubscriptionDescriptionSaysToken: the Subscription type's
// description, which GraphiQL's Docs panel and client generators show,
// says what a subscription needs: a token in connection_init unless the
// server runs with --ws-anonymous (it said subscriptions need none).
func TestSubscriptionDescriptionSaysToken(t *testing.T) {
	srv := servertest.New(t)
	var got struct{ Type struct{ Description string } }
	servertest.OK(t, servertest.Query(t, srv.URL, `{ Type: __type(name: "Subscription") { description } }`), &got)
	d := got.Type.Description
	for _, want := range []string{"connection_init", "--ws-anonymous", "UNAUTHENTICATED"} {
		if !strings.Contains(d, want) {
			t.Errorf("the Subscription description does not mention %s:\n%s", want, d)
		}
	}
	if strings.Contains(d, "need no token") {
		t.Errorf("the Subscription description says subscriptions need no token:\n%s", d)
	}
}

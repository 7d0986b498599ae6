package graph_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestDeferOverWebsocket: a query with @defer over the websocket (the one
// transport here that delivers more than one payload per operation) gets
// its first payload without the deferred memberships, then a second
// payload holding them, labelled and placed at the object's path (gqlgen's
// payload shape: data, label, path, hasNext). The
// graph package makes a full @defer group only for objects with a deferred
// field (graph/deferred.go); this is the path that must keep working.
func TestDeferOverWebsocket(t *testing.T) {
	ts := servertest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := servertest.WSOpen(t, ctx, ts.URL)
	servertest.Subscribe(t, ctx, c, "1", `{ entity(id: "country/FIN") { id ... on Country @defer(label: "more") { memberships { to { id } } } } }`)
	var payloads []json.RawMessage
	for {
		m := servertest.WSNext(t, ctx, c)
		if m.Type == "complete" {
			break
		}
		if m.Type != "next" {
			t.Fatalf("unexpected message %+v", m)
		}
		payloads = append(payloads, m.Payload)
	}
	if len(payloads) != 2 {
		t.Fatalf("got %d payloads, want 2: %s", len(payloads), payloads)
	}
	var first struct {
		Data struct {
			Entity map[string]any `json:"entity"`
		} `json:"data"`
		HasNext bool `json:"hasNext"`
	}
	if err := json.Unmarshal(payloads[0], &first); err != nil {
		t.Fatal(err)
	}
	if first.Data.Entity["id"] != "country/FIN" || first.Data.Entity["memberships"] != nil || !first.HasNext {
		t.Errorf("first payload %s: want the entity's id, no memberships yet, and hasNext", payloads[0])
	}
	var got struct {
		Label string `json:"label"`
		Path  []any  `json:"path"`
		Data  struct {
			Memberships []struct {
				To struct {
					ID string `json:"id"`
				} `json:"to"`
			} `json:"memberships"`
		} `json:"data"`
		HasNext bool `json:"hasNext"`
	}
	if err := json.Unmarshal(payloads[1], &got); err != nil {
		t.Fatal(err)
	}
	if got.Label != "more" || len(got.Path) != 1 || got.Path[0] != "entity" || got.HasNext {
		t.Errorf("second payload %s: want label more, path [entity], no more to come", payloads[1])
	}
	found := false
	for _, m := range got.Data.Memberships {
		found = found || m.To.ID == "org/nato"
	}
	if !found {
		t.Errorf("deferred memberships %s: no membership of org/nato", payloads[1])
	}
}

// TestDeferOverHTTP: POST and GET answer once, so a query that defers is
// refused with a coded error instead of answering its deferred fields with
// null and a "hasNext" that nothing follows. @defer(if: false) defers
// nothing and is answered.
func TestDeferOverHTTP(t *testing.T) {
	ts := servertest.New(t)
	const refused = "@defer needs the websocket transport"
	for _, tc := range []struct {
		name, q string
		vars    map[string]any
		ok      bool
	}{
		{"inline fragment", `{ entity(id: "country/FIN") { id ... on Country @defer { memberships { id } } } }`, nil, false},
		{"labelled, nested in a list", `{ alliance(id: "org/nato") { members(first: 2) { edges { node { id ... @defer(label: "x") { name } } } } } }`, nil, false},
		{"fragment spread", `query { entity(id: "country/FIN") { ...F @defer } } fragment F on Country { name }`, nil, false},
		{"inside a named fragment", `query { entity(id: "country/FIN") { ...F } } fragment F on Country { id ... @defer { name } }`, nil, false},
		{"if from a variable", `query($d: Boolean!) { entity(id: "country/FIN") { id ... @defer(if: $d) { name } } }`, map[string]any{"d": true}, false},
		{"if false", `{ entity(id: "country/FIN") { id ... @defer(if: false) { name } } }`, nil, true},
		{"if false from a variable", `query($d: Boolean!) { entity(id: "country/FIN") { id ... @defer(if: $d) { name } } }`, map[string]any{"d": false}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, b := servertest.Post(t, ts.URL, tc.q, tc.vars)
			var r servertest.Response
			if err := json.Unmarshal(b, &r); err != nil {
				t.Fatalf("status %d, body %s: %v", status, b, err)
			}
			if tc.ok {
				if status != 200 || len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"name":"Finland"`) || strings.Contains(string(b), "hasNext") {
					t.Errorf("status %d: %s; want the name in one response", status, b)
				}
				return
			}
			if status != 200 || r.Data != nil && string(r.Data) != "null" || r.Code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, refused) || strings.Contains(string(b), "hasNext") {
				t.Errorf("status %d: %s; want BAD_USER_INPUT %q", status, b, refused)
			}
		})
	}
	// GET goes through the same check.
	resp, err := http.Get(ts.URL + "/graphql?query=" + url.QueryEscape(`{ entity(id: "country/FIN") { id ... @defer { name } } }`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r servertest.Response
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.Code() != "BAD_USER_INPUT" {
		t.Errorf("GET: status %d, %+v, %v", resp.StatusCode, r, err)
	}
}

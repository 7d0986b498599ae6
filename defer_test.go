package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

// TestDeferOverWebsocket: a query with @defer over the websocket (the one
// transport here that delivers more than one payload per operation) gets
// its first payload without the deferred memberships, then a second
// payload holding them, labelled and placed at the object's path (gqlgen's
// payload shape: data, label, path, hasNext). The
// graph package makes a full @defer group only for objects with a deferred
// field (graph/deferred.go); this is the path that must keep working.
func TestDeferOverWebsocket(t *testing.T) {
	ts, _ := newTestServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := wsOpen(t, ctx, ts.URL)
	subscribe(t, ctx, c, "1", `{ entity(id: "country/FIN") { id ... on Country @defer(label: "more") { memberships { to { id } } } } }`)
	var payloads []json.RawMessage
	for {
		m := wsNext(t, ctx, c)
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

package graph_test

import (
	"fmt"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestHistoryPages: history(after:) reads past the page size limit, one
// page at a time, each change once and in order.
func TestHistoryPages(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk())
	const edits = 130
	up := `mutation($in: UpsertEntityInput!) { upsertEntity(input: $in) { entity { id } } }`
	for i := range edits {
		servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, up, map[string]any{"in": map[string]any{
			"id": "place/paged", "kind": "PLACE", "name": fmt.Sprintf("Paged %d", i)}}), nil)
	}
	type change struct {
		Op     string
		Cursor *string
	}
	var all []change
	var after any
	for page := 0; ; page++ {
		if page > edits {
			t.Fatal("history never ended")
		}
		var h struct{ History []change }
		servertest.OK(t, servertest.GQL(t, srv.URL, "", `query($after: String) { history(id: "place/paged", first: 50, after: $after) { op cursor } }`,
			map[string]any{"after": after}), &h)
		all = append(all, h.History...)
		if len(h.History) < 50 {
			break
		}
		after = *h.History[len(h.History)-1].Cursor
	}
	if len(all) != edits || all[0].Op != "CREATE" || all[1].Op != "UPDATE" {
		t.Fatalf("read %d changes (first %+v), want %d starting with CREATE, UPDATE", len(all), all[:min(2, len(all))], edits)
	}
	seen := map[string]bool{}
	for _, c := range all {
		if c.Cursor == nil || seen[*c.Cursor] {
			t.Fatalf("cursor missing or repeated: %v", c.Cursor)
		}
		seen[*c.Cursor] = true
	}
	for _, bad := range []string{"nonsense", "YzE6MA", "YzE6eA"} { // "c1:0", "c1:x"
		r := servertest.GQL(t, srv.URL, "", `query($a: String) { history(id: "place/paged", after: $a) { op } }`, map[string]any{"a": bad})
		if r.Code() != "BAD_USER_INPUT" {
			t.Errorf("after %q: code %q, want BAD_USER_INPUT", bad, r.Code())
		}
	}
}

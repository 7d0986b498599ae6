package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestMembershipChangedNeedsAnOrganization: subscribing to the
// membership of an ID that is no organization in the store is refused
// with NOT_FOUND instead of waiting forever for events that cannot come.
func TestMembershipChangedNeedsAnOrganization(t *testing.T) {
	srv, _ := newWriteServer(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := wsOpen(t, ctx, srv.URL)
	for _, id := range []string{"org/no-such-alliance", "country/NOR"} {
		subscribe(t, ctx, c, "m", `subscription { membershipChanged(alliance: "`+id+`") { kind } }`)
		m := wsNext(t, ctx, c)
		if m.Type != "next" || !strings.Contains(string(m.Payload), `"code":"NOT_FOUND"`) {
			t.Fatalf("%s: got %s %s, want NOT_FOUND", id, m.Type, m.Payload)
		}
		if m := wsNext(t, ctx, c); m.Type != "complete" {
			t.Fatalf("%s: got %s, want complete", id, m.Type)
		}
	}
}

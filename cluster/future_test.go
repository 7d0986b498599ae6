package cluster_test

import (
	"bytes"
	"testing"
)

// TestMinRevisionBeyondTheLog: a minRevision that etcd has not reached
// was never the revision of any answer, so waiting for it would only hold
// a request slot until the timeout; it is refused at once as bad input,
// by GraphQL and by the other endpoints, while a reachable one is served.
func TestMinRevisionBeyondTheLog(t *testing.T) {
	etcd := startEtcd(t, 1)
	c := newAGCluster(t, etcd.endpoints(), 1)
	a := c.start(0)
	w := mustGQL(t, a.URL, upsert, person("future-0", "Future Zero"), 0)

	const far = 1 << 50
	r, err := gql(t.Context(), a.URL, `{ entity(id: "person/future-0") { name } }`, nil, far)
	if err != nil {
		t.Fatal(err)
	}
	if r.code() != "BAD_USER_INPUT" || len(r.Data) > 0 && !bytes.Equal(r.Data, []byte("null")) {
		t.Errorf("a read at revision %d: %s, code %q, want BAD_USER_INPUT and no data", uint64(far), r.Data, r.code())
	}
	if status, body, _ := get(t, a.URL, "/export?format=jsonl", far); status != 400 || !bytes.Contains(body, []byte("BAD_USER_INPUT")) {
		t.Errorf("GET /export at revision %d: %d %s, want 400 BAD_USER_INPUT", uint64(far), status, body)
	}
	if got := mustGQL(t, a.URL, `{ entity(id: "person/future-0") { name } }`, nil, w.Extensions.Revision); !bytes.Contains(got.Data, []byte("Future Zero")) {
		t.Errorf("a read at the write's revision %d: %s", w.Extensions.Revision, got.Data)
	}
}

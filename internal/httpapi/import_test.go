package httpapi_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

func TestImportOverHTTP(t *testing.T) {
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	line := func(s string) []byte { return []byte(s + "\n") }
	good := bytes.Join([][]byte{
		line(`{"type":"header","format":"alliancegraph-jsonl","version":1}`),
		line(`{"type":"entity","id":"place/vilnius","kind":"Place","name":"Vilnius"}`),
		line(`{"type":"fact","id":"fact/vilnius-in-ltu","predicate":"LOCATED_IN","from":"place/vilnius","to":"country/LTU","citations":[{"source":"doc/seed-rutte-takes-over"}]}`),
	}, nil)
	before := servertest.Dump(t, db)
	for _, tt := range []struct {
		name, token string
		status      int
		code        string
	}{{"no token", "", 401, "UNAUTHENTICATED"}, {"wrong token", "nope-nope-nope-nope-nope", 401, "UNAUTHENTICATED"}} {
		status, out := servertest.PostImport(t, srv.URL, tt.token, "application/jsonl", "", good)
		if status != tt.status || !strings.Contains(servertest.JSON(out), tt.code) {
			t.Errorf("%s: %d %v", tt.name, status, out)
		}
	}
	bad := bytes.Replace(good, []byte(`"country/LTU"`), []byte(`"country/XXX"`), 1)
	status, out := servertest.PostImport(t, srv.URL, servertest.AliceToken, "application/jsonl", "", bad)
	if status != 400 || !strings.Contains(servertest.JSON(out), "upload.jsonl:3: ") || !strings.Contains(servertest.JSON(out), "unknown entity: country/XXX") {
		t.Errorf("bad line: %d %v", status, out)
	}
	if servertest.Dump(t, db) != before {
		t.Fatal("refused imports changed the store")
	}
	status, out = servertest.PostImport(t, srv.URL, servertest.AliceToken, "application/jsonl", "", good)
	if status != 200 || servertest.JSON(out["data"]) != `{"import":{"at":"`+db.LastCommit().Format(time.RFC3339Nano)+`","changed":2,"records":3}}` {
		t.Errorf("import: %d %v", status, out)
	}
	var h struct {
		History []struct{ Author, Note string }
	}
	servertest.OK(t, servertest.GQL(t, srv.URL, "", `{ history(id: "place/vilnius") { author note } }`, nil), &h)
	if len(h.History) != 1 || h.History[0].Author != "alice" || h.History[0].Note != "import upload.jsonl" {
		t.Errorf("history: %+v", h)
	}
	if status, out := servertest.PostImport(t, srv.URL, servertest.AliceToken, "text/csv", "", good); status != 415 || !strings.Contains(servertest.JSON(out), `"message":"Content-Type \"text/csv\" is not importable`) {
		t.Errorf("unknown type: %d %s", status, servertest.JSON(out))
	}
	servertest.Check(t, db)
}

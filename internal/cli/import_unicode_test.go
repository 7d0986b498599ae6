package cli

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestJSONLUnicodeRefused: a JSON Lines import with a byte that is not
// UTF-8 or a lone surrogate escape is refused naming the file, line and
// field, by the import command and by POST /import, and nothing is
// written; the same line with U+FFFD sent on purpose imports.
func TestJSONLUnicodeRefused(t *testing.T) {
	head := `{"type":"header","format":"alliancegraph-jsonl","version":1}` + "\n"
	entity := func(name, alias string) string {
		return head + `{"type":"entity","id":"place/u","kind":"Place","name":"` + name + `","aliases":["ok","` + alias + `"]}` + "\n"
	}
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	for _, tc := range []struct {
		name, file, want string
	}{
		{"bad byte in a name", entity("X\xff", "a"), `u.jsonl:2: name: not valid UTF-8 (byte 0xff)`},
		{"bad byte in an alias", entity("X", "a\xc3"), `u.jsonl:2: aliases[1]: not valid UTF-8 (byte 0xc3)`},
		{"lone high surrogate in a name", entity(`X\ud800`, "a"), `u.jsonl:2: name: \ud800 is half of a UTF-16 surrogate pair`},
		{"lone low surrogate in an alias", entity("X", `\uDFFFa`), `u.jsonl:2: aliases[1]: \uDFFF is half of a UTF-16 surrogate pair`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := servertest.Dump(t, db)
			status, out := servertest.PostImport(t, srv.URL, servertest.AliceToken, "application/jsonl", "u.jsonl", []byte(tc.file))
			if status != 400 || !strings.Contains(servertest.JSON(out), "BAD_USER_INPUT") || !strings.Contains(servertest.JSON(out), strings.ReplaceAll(tc.want, `\`, `\\`)) {
				t.Errorf("POST /import: %d %s, want 400 BAD_USER_INPUT with %q", status, servertest.JSON(out), tc.want)
			}
			if servertest.Dump(t, db) != before {
				t.Error("POST /import changed the store")
			}
			file := filepath.Join(t.TempDir(), "u.jsonl")
			os.WriteFile(file, []byte(tc.file), 0o644)
			dir := t.TempDir()
			err := Run(t.Context(), []string{"import", "--data", dir, file}, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("import command: %v, want %q", err, tc.want)
			}
		})
	}
	for name, file := range map[string]string{"escape": entity(`X\ufffd`, `\ud83d\ude00`), "character": entity("X\ufffd", "\U0001F600")} {
		status, out := servertest.PostImport(t, srv.URL, servertest.AliceToken, "application/jsonl", "u.jsonl", []byte(file))
		if status != 200 || storedName(t, db) != "X\ufffd" {
			t.Errorf("U+FFFD sent on purpose (%s): %d %s, stored %q", name, status, servertest.JSON(out), storedName(t, db))
		}
	}
}

// storedName reads place/u's name from the store ("" if there is none).
func storedName(t *testing.T, db *store.DB) string {
	t.Helper()
	name := ""
	db.View(db.LastCommit(), func(r *store.Reader) error {
		if e, err := r.Entity("place/u"); err == nil {
			name = e.Name
		}
		return nil
	})
	return name
}

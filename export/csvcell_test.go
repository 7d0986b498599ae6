package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// FuzzCSVRowsRaw: with neutralising off, csvRows writes what
// encoding/csv's Writer writes, so the export's bytes did not change for
// cells that need no prefix.
func FuzzCSVRowsRaw(f *testing.F) {
	for _, s := range []string{"", "plain", "a,b", `say "hi"`, "line\nbreak", "cr\rx", " lead", "\u3000wide", `\.`, "=1+1", "-5", "'q"} {
		f.Add(s, "second")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		var want bytes.Buffer
		cw := csv.NewWriter(&want)
		cw.Write([]string{a, b})
		cw.Flush()
		var got bytes.Buffer
		rows := &csvRows{w: bufio.NewWriter(&got), raw: true}
		rows.Write([]string{a, b})
		rows.w.Flush()
		if got.String() != want.String() {
			t.Errorf("csvRows wrote %q, encoding/csv %q", got.String(), want.String())
		}
	})
}

// FuzzCSVCellRoundTrip: a neutralised cell starts with nothing a
// spreadsheet runs, is quoted, reads back with encoding/csv as the
// prefixed text, and RestoreCSVCell gives the value back.
func FuzzCSVCellRoundTrip(f *testing.F) {
	for _, s := range []string{"", "x", "=cmd|' /C calc'!A0", "@SUM(1)", "+1", "-5", "\tx", "\rx", "'", "''", "'=x", "'x", "\r\n0", "\r\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsRune(s, 0) {
			return
		}
		var b bytes.Buffer
		rows := &csvRows{w: bufio.NewWriter(&b)}
		rows.Write([]string{s, "end"})
		rows.w.Flush()
		line := b.String()
		if n, prefixed := NeutraliseCSVCell(s); prefixed && !strings.HasPrefix(line, `"'`) {
			t.Errorf("%q written as %q: not quoted with the prefix (%q)", s, line, n)
		}
		if line != "" && strings.IndexByte(formulaStarts, strings.TrimPrefix(line, `"`)[0]) >= 0 && line[0] != '"' {
			t.Errorf("%q written as %q: starts like a formula", s, line)
		}
		rec, err := csv.NewReader(strings.NewReader(line)).Read()
		if s == "" || strings.TrimSpace(s) == "" {
			return // encoding/csv skips an empty line; the field counts differ
		}
		if err != nil || len(rec) != 2 {
			t.Fatalf("%q written as %q reads back as %q, %v", s, line, rec, err)
		}
		if got := RestoreCSVCell(rec[0]); got != strings.ReplaceAll(s, "\r\n", "\n") {
			t.Errorf("%q came back as %q", s, got)
		}
	})
}

package graph

import "testing"

func TestLoneSurrogateEscape(t *testing.T) {
	for _, tc := range []struct {
		src       string
		line, col int
		esc       string
	}{
		{`{ a(s: "x") }`, 0, 0, ""},
		{`{ a(s: "\ud83d\ude00 \ufffd �") }`, 0, 0, ""},
		{`{ a(s: "\\ud800") }`, 0, 0, ""},
		{`{ a(s: "\"\ud800") }`, 1, 11, `\ud800`},
		{`{ a(s: "é\udc00") }`, 1, 10, `\udc00`},
		{`{ a(s: "\ud800\u0041") }`, 1, 9, `\ud800`},
		{`{ a(s: "\ude00\ud83d") }`, 1, 9, `\ude00`},
		{`{ a(s: "\u{D83D}") }`, 1, 9, `\u{D83D}`},
		{`{ a(s: "\u{1F600}") }`, 0, 0, ""},
		{"# \"\\ud800\n{ a(s: \"\"\"\\ud800\"\"\") }", 0, 0, ""},
		{"{ a(s: \"\"\"x\n\\\"\"\"\n\"\"\", t: \"\\udfff\") }", 3, 10, `\udfff`},
		{"{\r\n a(s: \"\\ud800\") }", 2, 8, `\ud800`},
	} {
		line, col, esc, found := loneSurrogateEscape(tc.src)
		if found != (tc.line > 0) || line != tc.line || col != tc.col || esc != tc.esc {
			t.Errorf("%q: %d:%d %q %v, want %d:%d %q", tc.src, line, col, esc, found, tc.line, tc.col, tc.esc)
		}
	}
}

package domain

import "testing"

func TestQuote(t *testing.T) {
	text := "Ölands NATO: «Suomi» joined."
	for _, tt := range []struct {
		s, e int
		want string
		ok   bool
	}{{0, 5, "Öland", true}, {0, 6, "Ölands", true}, {14, 19, "Suomi", true}, {21, 28, "joined.", true}, {21, 29, "", false}, {3, 3, "", false}, {-1, 2, "", false}} {
		got, ok := Quote(text, Span{Start: tt.s, End: tt.e})
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("Quote(%d,%d) = %q %v, want %q %v", tt.s, tt.e, got, ok, tt.want, tt.ok)
		}
		if v := (Span{Start: tt.s, End: tt.e}).Valid(); v != (tt.s >= 0 && tt.e > tt.s) {
			t.Errorf("Span{%d,%d}.Valid() = %v", tt.s, tt.e, v)
		}
	}
	if TextSum("") != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("TextSum(\"\") = %s", TextSum(""))
	}
}

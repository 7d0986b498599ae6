package domain

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Türkiye", "turkiye"},
		{"Czechia", "czechia"},
		{"Curaçao", "curacao"},
		{"São Tomé", "sao tome"},
		{"Ærø", "aro"},
		{"Łódź", "lodz"},
		{"Straße", "strase"},
		{"Đakovo", "dakovo"},
		{"NATO", "nato"},
		{"", ""},
		{"Côte d’Ivoire", "cote d’ivoire"},
		// Already decomposed input folds the same as precomposed.
		{"Tu\u0308rkiye", "turkiye"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// Names whose folding is language-dependent: the exact result is not
// pinned, only that it is lower-case, valid and stable.
func TestFoldNoPanic(t *testing.T) {
	for _, in := range []string{"İstanbul", "ISTANBUL", "ıstanbul", "Ǆemal", "ΣΊΣΥΦΟΣ", "\xff\xfe", "a\x00b", "🇫🇮 Suomi"} {
		t.Run(in, func(t *testing.T) {
			got := Fold(in)
			if utf8.ValidString(in) && !utf8.ValidString(got) {
				t.Errorf("Fold(%q) = %q is not valid UTF-8", in, got)
			}
			for _, r := range got {
				if unicode.IsUpper(r) {
					t.Errorf("Fold(%q) = %q contains upper-case %q", in, got, r)
				}
			}
			if Fold(got) != got {
				t.Errorf("Fold is not idempotent on %q: %q then %q", in, got, Fold(got))
			}
		})
	}
	if got := Fold("İstanbul"); !strings.HasSuffix(got, "stanbul") {
		t.Errorf("Fold(İstanbul) = %q", got)
	}
}

func TestTokens(t *testing.T) {
	long := strings.Repeat("ł", 40) // 80 bytes, two per rune
	tests := []struct {
		in   string
		want []string
	}{
		{"Jens Stoltenberg", []string{"jens", "stoltenberg"}},
		{"  Jens   Stoltenberg  ", []string{"jens", "stoltenberg"}},
		{"Secretary-General", []string{"secretary", "general"}},
		{"NATO nato Nató", []string{"nato"}},
		{"North Atlantic Treaty Organization (NATO)", []string{"north", "atlantic", "treaty", "organization", "nato"}},
		{"São Tomé and Príncipe", []string{"sao", "tome", "and", "principe"}},
		{"G7/G20, 2024", []string{"g7", "g20", "2024"}},
		{"a.b_c:d", []string{"a", "b", "c", "d"}},
		{"", []string{}},
		{" --- ", []string{}},
		{"Türkiye Turkey türkiye", []string{"turkiye", "turkey"}},
		{long, []string{strings.Repeat("l", 40)}}, // folded to one byte per rune
		{strings.Repeat("ж", 40), []string{strings.Repeat("ж", 32)}},
		{strings.Repeat("a", 100) + " " + strings.Repeat("a", 70), []string{strings.Repeat("a", MaxTokenLen)}},
		{"x" + strings.Repeat("中", 30), []string{"x" + strings.Repeat("中", 21)}},   // exactly 64 bytes
		{"xx" + strings.Repeat("中", 30), []string{"xx" + strings.Repeat("中", 20)}}, // cut inside a rune
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 30 {
			name = name[:30]
		}
		t.Run(name, func(t *testing.T) {
			got := Tokens(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
			}
			for _, w := range got {
				if len(w) == 0 || len(w) > MaxTokenLen || !utf8.ValidString(w) || strings.IndexByte(w, 0) >= 0 {
					t.Errorf("token %q is empty, too long, NUL-bearing or not UTF-8", w)
				}
			}
		})
	}
}

// Every token of a very long word of multi-byte runes is cut on a rune
// boundary, whatever the rune width.
func TestTokensTruncateUTF8(t *testing.T) {
	for _, r := range []string{"ж", "ש", "中", "ก", "𝔸"} {
		for pad := range 4 {
			in := strings.Repeat("a", pad) + strings.Repeat(r, 50)
			toks := Tokens(in)
			if len(toks) != 1 {
				t.Fatalf("Tokens(%q) = %q, want one token", in, toks)
			}
			tok := toks[0]
			if !utf8.ValidString(tok) || len(tok) > MaxTokenLen || len(tok) <= MaxTokenLen-utf8.UTFMax {
				t.Errorf("pad %d rune %q: token of %d bytes, valid %v", pad, r, len(tok), utf8.ValidString(tok))
			}
			if !strings.HasPrefix(Fold(in), tok) {
				t.Errorf("token %q is not a prefix of the folded word", tok)
			}
		}
	}
}

// foldSlow is Fold without its shortcuts: a fresh transformer per call and
// no ASCII path.
func foldSlow(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.Map(foldRune, out)
}

// FuzzFoldShortcuts: the ASCII path and the pooled transformers fold
// every string as a fresh transformer does.
func FuzzFoldShortcuts(f *testing.F) {
	for _, s := range []string{"NATO", "Türkiye", "Tu\u0308rkiye", "Straße", "\xff\xfe", "a\x00B", "İstanbul", "ΣΊΣΥΦΟΣ", "MiXeD Case 123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	})
}

func BenchmarkFold(b *testing.B) {
	for _, s := range []string{"Country 04211", "Türkiye"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Fold(s)
			}
		})
	}
}

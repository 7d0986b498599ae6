package dataset

// names_gen.yaml: every curated country's names in the languages of
// Debian's iso-codes (see isocodes.go).
//go:generate go run ./internal/gennames

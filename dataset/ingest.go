package dataset

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// Document ingest: a text is stored under its SHA-256, linked to the
// Document entity with that hash (so the dataset's citations of the seed
// article resolve to quotes), and scanned for the entities it names.
//
// Mentions are found by name and alias, folded (case and accents ignored)
// and on word boundaries: "Rutte" matches "Rutte's" but not "Ruttenberg".
// At each word the longest known name starting there wins, so "Mark Rutte"
// is one mention, not two. A name shared by two entities is skipped: it
// cannot say which one is meant. Documents are not matched (they are the
// mentioning side). Each mentioned entity gets one MENTIONS fact from the
// document, citing the document at every span that names it (Unicode code
// points, [start, end)).

// IngestResult says what an ingest stored.
type IngestResult struct {
	DocID    string
	SHA256   string
	Created  bool     // the Document entity is new
	Mentions []string // MENTIONS fact IDs, in order of first mention
}

// maxSpansPerMention bounds the citations of one MENTIONS fact.
const maxSpansPerMention = 100

// Ingest stores text with w and records its mentions. title names a
// Document the graph does not have yet (default: the text's first line).
func Ingest(w *store.Writer, text, title string) (*IngestResult, error) {
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("%w: the document has no text", domain.ErrInvalid)
	}
	sum, err := w.PutText(text)
	if err != nil {
		return nil, err
	}
	res := &IngestResult{SHA256: sum}
	doc, err := w.EntityByXID(domain.TextScheme, sum)
	switch {
	case err == nil:
		res.DocID = doc.ID
	case isNotFound(err):
		res.DocID, res.Created = "doc/sha256-"+sum[:16], true
		if title == "" {
			title = firstLine(text)
		}
		e := domain.Entity{ID: res.DocID, Name: title, XIDs: map[string]string{domain.TextScheme: sum}}
		if _, err := w.PutEntity(e); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	names, err := nameIndex(w)
	if err != nil {
		return nil, err
	}
	spans := findMentions(text, names)
	_, docKey, _ := domain.SplitID(res.DocID)
	for _, m := range spans {
		f := domain.Fact{
			ID:        domain.MintFactID(docKey, "mentions", m.id),
			Predicate: domain.Mentions, From: res.DocID, To: m.id,
		}
		for _, s := range m.spans[:min(len(m.spans), maxSpansPerMention)] {
			f.Citations = append(f.Citations, domain.Citation{Source: res.DocID, Span: &domain.Span{Start: s.Start, End: s.End}})
		}
		if _, err := w.PutFact(f); err != nil {
			return nil, err
		}
		res.Mentions = append(res.Mentions, f.ID)
	}
	return res, nil
}

func firstLine(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.TrimSpace(line)
	if r := []rune(line); len(r) > 120 {
		line = string(r[:120]) + "…"
	}
	if line == "" {
		line = "Untitled document"
	}
	return line
}

// word is one word of a text: folded, with its code point span.
type word struct {
	fold       string
	start, end int
}

// words splits s into runs of letters and digits, folded, with code point
// offsets into s.
func words(s string) []word {
	var out []word
	start, i := -1, 0
	var b strings.Builder
	flush := func() {
		if start >= 0 {
			out = append(out, word{fold: domain.Fold(b.String()), start: start, end: i})
			b.Reset()
			start = -1
		}
	}
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || (start >= 0 && unicode.Is(unicode.Mn, r)) {
			if start < 0 {
				start = i
			}
			b.WriteRune(r)
		} else {
			flush()
		}
		i++
	}
	flush()
	return out
}

// name is one known name as a folded word sequence and the entity it
// names ("" when several entities share it).
type name struct {
	words []string
	id    string
}

// nameIndex maps each first word to the names starting with it, longest
// first.
func nameIndex(w *store.Writer) (map[string][]name, error) {
	byText := map[string]*name{}
	for _, k := range domain.Kinds() {
		if k == domain.KindDocument {
			continue
		}
		es, err := w.ByKind(k, "", 0)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			for _, n := range append([]string{e.Name}, e.Aliases...) {
				var ws []string
				for _, x := range words(n) {
					ws = append(ws, x.fold)
				}
				if len(ws) == 0 {
					continue
				}
				key := strings.Join(ws, " ")
				if old, ok := byText[key]; ok && old.id != e.ID {
					old.id = "" // ambiguous
					continue
				}
				byText[key] = &name{words: ws, id: e.ID}
			}
		}
	}
	idx := map[string][]name{}
	for _, n := range byText {
		if n.id != "" {
			idx[n.words[0]] = append(idx[n.words[0]], *n)
		}
	}
	for _, ns := range idx {
		slices.SortFunc(ns, func(a, b name) int {
			if c := len(b.words) - len(a.words); c != 0 {
				return c
			}
			return strings.Compare(a.id, b.id)
		})
	}
	return idx, nil
}

// mention is one entity's spans in a text.
type mention struct {
	id    string
	spans []domain.Span
}

// findMentions returns the entities text names, in order of first mention.
func findMentions(text string, idx map[string][]name) []mention {
	ws := words(text)
	var out []mention
	at := map[string]int{}
	for i := 0; i < len(ws); {
		matched := 0
		for _, n := range idx[ws[i].fold] {
			if i+len(n.words) > len(ws) {
				continue
			}
			ok := true
			for j, nw := range n.words {
				if ws[i+j].fold != nw {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			span := domain.Span{Start: ws[i].start, End: ws[i+len(n.words)-1].end}
			k, seen := at[n.id]
			if !seen {
				k = len(out)
				at[n.id] = k
				out = append(out, mention{id: n.id})
			}
			out[k].spans = append(out[k].spans, span)
			matched = len(n.words)
			break
		}
		i += max(matched, 1)
	}
	return out
}

func isNotFound(err error) bool { return errors.Is(err, domain.ErrNotFound) }

package export

import (
	"strconv"
	"strings"
	"time"

	"github.com/alliancegraph/alliancegraph/store"
)

// The statements every file makes about itself, in the same words in
// every format: which selection, at which valid time, from which snapshot,
// written by what.

// SelectionText describes a selection without its asOf, e.g.
// "ids=org/nato depth=1 predicates=MEMBER_OF", or "whole graph".
func SelectionText(sel store.Selection) string {
	var parts []string
	if len(sel.Seeds) == 0 {
		parts = append(parts, "whole graph")
	} else {
		parts = append(parts, "ids="+strings.Join(sel.Seeds, ","), "depth="+strconv.Itoa(sel.Depth))
	}
	if len(sel.Predicates) > 0 {
		names := make([]string, len(sel.Predicates))
		for i, p := range sel.Predicates {
			names[i] = p.String()
		}
		parts = append(parts, "predicates="+strings.Join(names, ","))
	}
	if len(sel.Kinds) > 0 {
		names := make([]string, len(sel.Kinds))
		for i, k := range sel.Kinds {
			names[i] = strings.ToUpper(k.String())
		}
		parts = append(parts, "kinds="+strings.Join(names, ","))
	}
	if sel.MaxNodes > 0 {
		parts = append(parts, "maxNodes="+strconv.Itoa(sel.MaxNodes))
	}
	return strings.Join(parts, " ")
}

// AsOfText is the valid-time day, or "any" when facts of every time are
// included.
func (m Meta) AsOfText() string {
	if m.Selection.AsOf.IsZero() {
		return "any"
	}
	return m.Selection.AsOf.String()
}

// KnownAtText is the snapshot's transaction time in RFC 3339, or "empty
// store" for a snapshot before the first commit.
func (m Meta) KnownAtText() string {
	if m.KnownAt.IsZero() {
		return "empty store"
	}
	return m.KnownAt.UTC().Format(time.RFC3339Nano)
}

// metaField is one statement of a header.
type metaField struct{ key, value string }

// fields lists the header statements in their fixed order.
func (m Meta) fields() []metaField {
	return []metaField{
		{"selection", SelectionText(m.Selection)},
		{"asOf", m.AsOfText()},
		{"knownAt", m.KnownAtText()},
		{"generator", m.Generator},
	}
}

// commentLines is the header as plain text lines for formats whose header
// is a comment. Line breaks inside a value (only a generator string could
// carry one) are flattened so a value cannot end the comment.
func (m Meta) commentLines() []string {
	lines := []string{"alliancegraph export"}
	for _, f := range m.fields() {
		lines = append(lines, f.key+": "+oneLine(f.value))
	}
	return lines
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// description is the header in one sentence (GEXF's description element).
func (m Meta) description() string {
	parts := make([]string, 0, 4)
	for _, f := range m.fields() {
		parts = append(parts, f.key+": "+f.value)
	}
	return "alliancegraph export; " + strings.Join(parts, "; ")
}

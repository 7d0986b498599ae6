package export

import "strings"

// writeXMLComment writes the header statements as an XML comment, for a
// person opening the file; the formats' own metadata elements carry them
// for programs.
func writeXMLComment(o *out, m Meta) {
	o.WriteString("<!--\n")
	for _, l := range m.commentLines() {
		// "--" may not occur inside an XML comment.
		o.WriteString("  " + strings.ReplaceAll(l, "--", "- -") + "\n")
	}
	o.WriteString("-->\n")
}

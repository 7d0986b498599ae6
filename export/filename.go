package export

import (
	"strings"

	"github.com/alliancegraph/alliancegraph/store"
)

// FileName suggests a file name for an export: "alliancegraph" plus the
// first seeds (or "graph" for the whole graph) and the day it is valid on
// when the selection has one, e.g.
// alliancegraph-org-nato-2024-10-01.graphml. Only ASCII letters, digits
// and "-" survive, so it is safe in a Content-Disposition header and on
// any disk.
func FileName(sel store.Selection, f Format) string {
	name := "alliancegraph-graph"
	if len(sel.Seeds) > 0 {
		name = "alliancegraph"
		for i, id := range sel.Seeds {
			if i == 3 {
				name += "-more"
				break
			}
			name += "-" + safeName(id)
		}
	}
	if sel.AsOf != 0 {
		name += "-" + sel.AsOf.String()
	}
	return name + "." + f.Ext
}

func safeName(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}

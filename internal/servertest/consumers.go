package servertest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The real tools analysts use, driven on exported files. Each reader
// turns what its tool understood into an ExportGraph, so one set of
// assertions checks every format.

// ExportGraph is an export as a consumer tool read it back.
type ExportGraph struct {
	Nodes map[string]ExportNode // by entity ID
	Edges []ExportEdge
}

// ExportNode is an entity as a consumer read it.
type ExportNode struct {
	Kind, Name string
	Aliases    []string // nil where the format's reader does not carry them
}

// ExportEdge is a fact as a consumer read it.
type ExportEdge struct {
	ID, Source, Target, Predicate string
	ValidFrom                     string // "" where the format does not carry it
}

// ReadExport reads an export in format with its real consumer.
func ReadExport(t testing.TB, format string, body []byte) ExportGraph {
	t.Helper()
	switch format {
	case "graphml", "gexf", "json":
		return readNetworkX(t, format, body)
	case "ntriples", "turtle":
		return readRapper(t, format, body)
	case "jsonld":
		return readJSONLD(t, body)
	case "dot":
		return readDOT(t, body)
	case "csv":
		return ReadCSV(t, body)
	case "jsonl":
		return readJSONL(t, body)
	}
	t.Fatalf("no consumer for %s", format)
	return ExportGraph{}
}

func readNetworkX(t testing.TB, format string, body []byte) ExportGraph {
	py := Python(t, "networkx", "python3-networkx")
	out := RunTool(t, py, filepath.Join(Consumers(t), "read_networkx.py"), format, WriteTemp(t, "export."+format, body))
	var g struct {
		Directed bool
		NetworkX string
		Nodes    map[string]map[string]any
		Edges    []struct {
			Source, Target string
			Attrs          map[string]any
		}
	}
	if err := json.Unmarshal(out, &g); err != nil {
		t.Fatalf("networkx output: %v", err)
	}
	if !g.Directed {
		t.Errorf("%s: NetworkX read an undirected graph", format)
	}
	var major, minor int
	fmt.Sscanf(g.NetworkX, "%d.%d", &major, &minor)
	if format == "json" && major*100+minor < 306 {
		// Read above with edges="edges"; what users run by default needs 3.6.
		Missing(t, "NetworkX "+g.NetworkX+" is older than 3.6, whose plain node_link_graph(d) reads the export")
	}
	cg := ExportGraph{Nodes: map[string]ExportNode{}}
	for id, a := range g.Nodes {
		n := ExportNode{Kind: str(a["kind"]), Name: str(a["name"])}
		switch al := a["aliases"].(type) {
		case string: // GraphML and GEXF attributes hold JSON text
			if err := json.Unmarshal([]byte(al), &n.Aliases); err != nil {
				t.Errorf("%s: aliases of %s: %v", format, id, err)
			}
		case []any:
			for _, v := range al {
				n.Aliases = append(n.Aliases, str(v))
			}
		case nil:
			n.Aliases = []string{}
		}
		cg.Nodes[id] = n
	}
	for _, e := range g.Edges {
		id := str(e.Attrs["id"])
		if format == "json" {
			id = str(e.Attrs["key"])
		}
		cg.Edges = append(cg.Edges, ExportEdge{ID: id, Source: e.Source, Target: e.Target,
			Predicate: str(e.Attrs["predicate"]), ValidFrom: str(e.Attrs["validFrom"])})
		if format == "gexf" && e.Attrs["start"] != e.Attrs["validFrom"] {
			t.Errorf("gexf: edge %s starts %v, validFrom %v", id, e.Attrs["start"], e.Attrs["validFrom"])
		}
	}
	return cg
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func ReadCSV(t testing.TB, body []byte) ExportGraph {
	py := Python(t, "", "")
	out := RunTool(t, py, filepath.Join(Consumers(t), "read_csv.py"), WriteTemp(t, "export.zip", body))
	type table struct {
		Header []string
		Rows   [][]string
	}
	var z struct {
		Files                []string
		Readme               string
		Nodes, Relationships table
	}
	if err := json.Unmarshal(out, &z); err != nil {
		t.Fatal(err)
	}
	wantNodes := []string{"id:ID", ":LABEL", "name", "aliases", "date:date", "externalIds", "properties"}
	wantRels := []string{":START_ID", ":END_ID", ":TYPE", "id", "validFrom:date", "validTo:date", "event", "properties", "citations"}
	if strings.Join(z.Nodes.Header, ",") != strings.Join(wantNodes, ",") || strings.Join(z.Relationships.Header, ",") != strings.Join(wantRels, ",") {
		t.Errorf("csv headers %q / %q", z.Nodes.Header, z.Relationships.Header)
	}
	if !strings.Contains(z.Readme, "generator: alliancegraph") || !strings.Contains(z.Readme, "neo4j-admin database import") {
		t.Errorf("README.txt does not state the generator and the import command:\n%s", z.Readme)
	}
	cg := ExportGraph{Nodes: map[string]ExportNode{}}
	for _, r := range z.Nodes.Rows {
		if len(r) != len(wantNodes) {
			t.Fatalf("node row has %d fields: %q", len(r), r)
		}
		n := ExportNode{Kind: r[1], Name: r[2], Aliases: []string{}}
		if r[3] != "" {
			if err := json.Unmarshal([]byte(r[3]), &n.Aliases); err != nil {
				t.Errorf("aliases %q: %v", r[3], err)
			}
		}
		cg.Nodes[r[0]] = n
	}
	for _, r := range z.Relationships.Rows {
		if len(r) != len(wantRels) {
			t.Fatalf("relationship row has %d fields: %q", len(r), r)
		}
		cg.Edges = append(cg.Edges, ExportEdge{Source: r[0], Target: r[1], Predicate: r[2], ID: r[3], ValidFrom: r[4]})
	}
	return cg
}

// readJSONL reads the project's own format with its own reader's rules
// (one JSON object a line); the import command is its real consumer.
func readJSONL(t testing.TB, body []byte) ExportGraph {
	cg := ExportGraph{Nodes: map[string]ExportNode{}}
	for i, line := range bytes.Split(bytes.TrimSpace(body), []byte("\n")) {
		var r struct {
			Type, ID, Kind, Name, Predicate, From, To, ValidFrom string
			Aliases                                              []string
		}
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		switch r.Type {
		case "entity":
			if r.Aliases == nil {
				r.Aliases = []string{}
			}
			cg.Nodes[r.ID] = ExportNode{Kind: r.Kind, Name: r.Name, Aliases: r.Aliases}
		case "fact":
			cg.Edges = append(cg.Edges, ExportEdge{ID: r.ID, Source: r.From, Target: r.To, Predicate: r.Predicate, ValidFrom: r.ValidFrom})
		}
	}
	return cg
}

// readDOT lays the file out with Graphviz and reads the SVG it draws:
// node and edge groups (whose ids are the entity and fact IDs) and their
// text, which holds the labels.
func readDOT(t testing.TB, body []byte) ExportGraph {
	dot := NeedTool(t, "dot", "graphviz")
	svg := RunTool(t, dot, "-Tsvg", WriteTemp(t, "export.dot", body))
	type text struct {
		Value string `xml:",chardata"`
	}
	type group struct {
		Class string `xml:"class,attr"`
		ID    string `xml:"id,attr"`
		Title string `xml:"title"`
		Texts []text `xml:"text"`
	}
	var doc struct {
		Groups []group `xml:"g>g"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatalf("dot's SVG: %v", err)
	}
	cg := ExportGraph{Nodes: map[string]ExportNode{}}
	for _, g := range doc.Groups {
		var lines []string
		for _, tx := range g.Texts {
			lines = append(lines, tx.Value)
		}
		switch g.Class {
		case "node":
			cg.Nodes[g.ID] = ExportNode{Name: strings.Join(lines, "\n")}
		case "edge":
			from, to, _ := strings.Cut(g.Title, "->")
			e := ExportEdge{ID: g.ID, Source: from, Target: to}
			if len(lines) > 0 {
				e.Predicate = lines[0]
			}
			if len(lines) > 1 { // "validFrom – validTo"
				if f := strings.Fields(lines[1]); len(f) > 0 && f[0] != "–" {
					e.ValidFrom = f[0]
				}
			}
			cg.Edges = append(cg.Edges, e)
		}
	}
	return cg
}

// An RDF triple as read back: IRIs in full, literals decoded.
type rdfTriple struct {
	s, p, o string
	literal bool
}

const (
	agVocab = "https://alliancegraph.example/vocab#"
	agID    = "https://alliancegraph.example/id/"
)

// readRapper parses the file with raptor and reads the N-Triples it
// prints back.
func readRapper(t testing.TB, format string, body []byte) ExportGraph {
	rapper := NeedTool(t, "rapper", "raptor2-utils")
	out := RunTool(t, rapper, "-q", "-i", format, "-o", "ntriples", WriteTemp(t, "export.rdf", body), "https://alliancegraph.example/")
	var ts []rdfTriple
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		ts = append(ts, parseNTriple(t, line))
	}
	return graphOfTriples(t, ts)
}

// parseNTriple reads one line of rapper's canonical N-Triples output.
func parseNTriple(t testing.TB, line string) rdfTriple {
	t.Helper()
	line = strings.TrimSuffix(strings.TrimSpace(line), " .")
	var parts []string
	for range 2 {
		sp := strings.IndexByte(line, ' ')
		if sp < 0 {
			t.Fatalf("bad N-Triples line %q", line)
		}
		parts, line = append(parts, strings.Trim(line[:sp], "<>")), line[sp+1:]
	}
	tr := rdfTriple{s: parts[0], p: parts[1]}
	if strings.HasPrefix(line, `"`) {
		end := strings.LastIndexByte(line, '"')
		v, err := strconv.Unquote(line[:end+1])
		if err != nil {
			t.Fatalf("literal %s: %v", line, err)
		}
		tr.o, tr.literal = v, true
	} else {
		tr.o = strings.Trim(line, "<>")
	}
	return tr
}

func readJSONLD(t testing.TB, body []byte) ExportGraph {
	node := NeedNodePackage(t, "jsonld")
	out := RunTool(t, node, filepath.Join(Consumers(t), "expand_jsonld.js"), WriteTemp(t, "export.jsonld", body))
	var doc []map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	var ts []rdfTriple
	for _, n := range doc {
		s := str(n["@id"])
		for k, v := range n {
			switch k {
			case "@id":
			case "@type":
				for _, ty := range v.([]any) {
					ts = append(ts, rdfTriple{s: s, p: "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", o: str(ty)})
				}
			default:
				for _, o := range v.([]any) {
					om := o.(map[string]any)
					if id, ok := om["@id"]; ok {
						ts = append(ts, rdfTriple{s: s, p: k, o: str(id)})
					} else {
						ts = append(ts, rdfTriple{s: s, p: k, o: str(om["@value"]), literal: true})
					}
				}
			}
		}
	}
	return graphOfTriples(t, ts)
}

// graphOfTriples reads the vocabulary of docs/RDF.md: typed entity nodes
// with labels, and statements linked from their subject (agp:), pointing
// at their value (agps:) and carrying ag:validFrom. It also checks that
// every statement has its direct triple.
func graphOfTriples(t testing.TB, ts []rdfTriple) ExportGraph {
	cg := ExportGraph{Nodes: map[string]ExportNode{}}
	kinds := map[string]string{}
	props := map[string]map[string][]string{}
	direct := map[[3]string]bool{}
	for _, tr := range ts {
		if props[tr.s] == nil {
			props[tr.s] = map[string][]string{}
		}
		props[tr.s][tr.p] = append(props[tr.s][tr.p], tr.o)
		if tr.p == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" {
			kinds[tr.s] = strings.TrimPrefix(tr.o, agVocab)
		}
		if !tr.literal && strings.HasPrefix(tr.p, agVocab) && strings.HasPrefix(tr.o, agID) {
			direct[[3]string{tr.s, strings.TrimPrefix(tr.p, agVocab), tr.o}] = true
		}
	}
	stmtSubject := map[string]string{}
	for _, tr := range ts {
		if strings.HasPrefix(tr.p, "https://alliancegraph.example/vocab/statement#") {
			stmtSubject[tr.o] = tr.s
		}
	}
	for s, kind := range kinds {
		p := props[s]
		switch kind {
		case "Export", "Citation":
		case "Statement":
			e := ExportEdge{ID: first(p[agVocab+"id"]), Source: strings.TrimPrefix(stmtSubject[s], agID), ValidFrom: first(p[agVocab+"validFrom"])}
			for pred, vs := range p {
				if local, ok := strings.CutPrefix(pred, "https://alliancegraph.example/vocab/value#"); ok {
					e.Target = strings.TrimPrefix(vs[0], agID)
					e.Predicate = local
					if !direct[[3]string{stmtSubject[s], local, vs[0]}] {
						t.Errorf("statement %s has no direct triple", s)
					}
				}
			}
			if e.Predicate == "memberOf" {
				e.Predicate = "MEMBER_OF"
			}
			cg.Edges = append(cg.Edges, e)
		default:
			aliases := p["http://www.w3.org/2004/02/skos/core#altLabel"]
			if aliases == nil {
				aliases = []string{}
			}
			cg.Nodes[first(p[agVocab+"id"])] = ExportNode{Kind: kind, Name: first(p["http://www.w3.org/2000/01/rdf-schema#label"]), Aliases: aliases}
		}
	}
	return cg
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

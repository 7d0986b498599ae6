package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The real tools analysts use, driven on exported files. Each reader turns
// what its tool understood into a consumerGraph, so one set of assertions
// checks every format. A missing tool skips, except under CI=true, where
// it fails: CI installs them all (.ci/run).

// consumerGraph is an export as a consumer tool read it back.
type consumerGraph struct {
	nodes map[string]consumerNode
	edges []consumerEdge
}

type consumerNode struct {
	kind, name string
	aliases    []string // nil where the format's reader does not carry them
}

type consumerEdge struct {
	id, source, target, predicate string
	validFrom                     string // "" where the format does not carry it
}

// needTool returns the path of an executable, skipping the test when it
// is missing (failing under CI=true).
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name+" not found (Debian package "+pkg+")")
	}
	return p
}

func missing(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s: CI must install it (.ci/run)", what)
	}
	t.Skipf("%s; skipping (CI=true makes this a failure)", what)
}

// runTool runs a consumer and returns its stdout; a non-zero exit or any
// stderr output (warnings included) fails the test.
func runTool(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
	}
	return stdout.Bytes()
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// readWithConsumer reads an export in format with its real consumer.
func readWithConsumer(t *testing.T, format string, body []byte) consumerGraph {
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
		return readCSV(t, body)
	case "jsonl":
		return readJSONL(t, body)
	}
	t.Fatalf("no consumer for %s", format)
	return consumerGraph{}
}

func python(t *testing.T, module, pkg string) string {
	t.Helper()
	py := needTool(t, "python3", "python3")
	if module != "" {
		if err := exec.Command(py, "-c", "import "+module).Run(); err != nil {
			missing(t, "python3 module "+module+" not importable (Debian package "+pkg+")")
		}
	}
	return py
}

func readNetworkX(t *testing.T, format string, body []byte) consumerGraph {
	py := python(t, "networkx", "python3-networkx")
	out := runTool(t, py, "testdata/consumers/read_networkx.py", format, writeTemp(t, "export."+format, body))
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
		missing(t, "NetworkX "+g.NetworkX+" is older than 3.6, whose plain node_link_graph(d) reads the export")
	}
	cg := consumerGraph{nodes: map[string]consumerNode{}}
	for id, a := range g.Nodes {
		n := consumerNode{kind: str(a["kind"]), name: str(a["name"])}
		switch al := a["aliases"].(type) {
		case string: // GraphML and GEXF attributes hold JSON text
			if err := json.Unmarshal([]byte(al), &n.aliases); err != nil {
				t.Errorf("%s: aliases of %s: %v", format, id, err)
			}
		case []any:
			for _, v := range al {
				n.aliases = append(n.aliases, str(v))
			}
		case nil:
			n.aliases = []string{}
		}
		cg.nodes[id] = n
	}
	for _, e := range g.Edges {
		id := str(e.Attrs["id"])
		if format == "json" {
			id = str(e.Attrs["key"])
		}
		cg.edges = append(cg.edges, consumerEdge{id: id, source: e.Source, target: e.Target,
			predicate: str(e.Attrs["predicate"]), validFrom: str(e.Attrs["validFrom"])})
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

func readCSV(t *testing.T, body []byte) consumerGraph {
	py := python(t, "", "")
	out := runTool(t, py, "testdata/consumers/read_csv.py", writeTemp(t, "export.zip", body))
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
	cg := consumerGraph{nodes: map[string]consumerNode{}}
	for _, r := range z.Nodes.Rows {
		if len(r) != len(wantNodes) {
			t.Fatalf("node row has %d fields: %q", len(r), r)
		}
		n := consumerNode{kind: r[1], name: r[2], aliases: []string{}}
		if r[3] != "" {
			if err := json.Unmarshal([]byte(r[3]), &n.aliases); err != nil {
				t.Errorf("aliases %q: %v", r[3], err)
			}
		}
		cg.nodes[r[0]] = n
	}
	for _, r := range z.Relationships.Rows {
		if len(r) != len(wantRels) {
			t.Fatalf("relationship row has %d fields: %q", len(r), r)
		}
		cg.edges = append(cg.edges, consumerEdge{source: r[0], target: r[1], predicate: r[2], id: r[3], validFrom: r[4]})
	}
	return cg
}

// readJSONL reads the project's own format with its own reader's rules
// (one JSON object a line); the import command is its real consumer.
func readJSONL(t *testing.T, body []byte) consumerGraph {
	cg := consumerGraph{nodes: map[string]consumerNode{}}
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
			cg.nodes[r.ID] = consumerNode{kind: r.Kind, name: r.Name, aliases: r.Aliases}
		case "fact":
			cg.edges = append(cg.edges, consumerEdge{id: r.ID, source: r.From, target: r.To, predicate: r.Predicate, validFrom: r.ValidFrom})
		}
	}
	return cg
}

// readDOT lays the file out with Graphviz and reads the SVG it draws:
// node and edge groups (whose ids are the entity and fact IDs) and their
// text, which holds the labels.
func readDOT(t *testing.T, body []byte) consumerGraph {
	dot := needTool(t, "dot", "graphviz")
	svg := runTool(t, dot, "-Tsvg", writeTemp(t, "export.dot", body))
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
	cg := consumerGraph{nodes: map[string]consumerNode{}}
	for _, g := range doc.Groups {
		var lines []string
		for _, tx := range g.Texts {
			lines = append(lines, tx.Value)
		}
		switch g.Class {
		case "node":
			cg.nodes[g.ID] = consumerNode{name: strings.Join(lines, "\n")}
		case "edge":
			from, to, _ := strings.Cut(g.Title, "->")
			e := consumerEdge{id: g.ID, source: from, target: to}
			if len(lines) > 0 {
				e.predicate = lines[0]
			}
			if len(lines) > 1 { // "validFrom – validTo"
				if f := strings.Fields(lines[1]); len(f) > 0 && f[0] != "–" {
					e.validFrom = f[0]
				}
			}
			cg.edges = append(cg.edges, e)
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
func readRapper(t *testing.T, format string, body []byte) consumerGraph {
	rapper := needTool(t, "rapper", "raptor2-utils")
	out := runTool(t, rapper, "-q", "-i", format, "-o", "ntriples", writeTemp(t, "export.rdf", body), "https://alliancegraph.example/")
	var ts []rdfTriple
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		ts = append(ts, parseNTriple(t, line))
	}
	return graphOfTriples(t, ts)
}

// parseNTriple reads one line of rapper's canonical N-Triples output.
func parseNTriple(t *testing.T, line string) rdfTriple {
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

func readJSONLD(t *testing.T, body []byte) consumerGraph {
	node := needTool(t, "node", "nodejs")
	if _, err := os.Stat("testdata/consumers/node_modules/jsonld"); err != nil {
		missing(t, "npm package jsonld not installed (npm ci --prefix testdata/consumers)")
	}
	out := runTool(t, node, "testdata/consumers/expand_jsonld.js", writeTemp(t, "export.jsonld", body))
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
func graphOfTriples(t *testing.T, ts []rdfTriple) consumerGraph {
	cg := consumerGraph{nodes: map[string]consumerNode{}}
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
			e := consumerEdge{id: first(p[agVocab+"id"]), source: strings.TrimPrefix(stmtSubject[s], agID), validFrom: first(p[agVocab+"validFrom"])}
			for pred, vs := range p {
				if local, ok := strings.CutPrefix(pred, "https://alliancegraph.example/vocab/value#"); ok {
					e.target = strings.TrimPrefix(vs[0], agID)
					e.predicate = local
					if !direct[[3]string{stmtSubject[s], local, vs[0]}] {
						t.Errorf("statement %s has no direct triple", s)
					}
				}
			}
			if e.predicate == "memberOf" {
				e.predicate = "MEMBER_OF"
			}
			cg.edges = append(cg.edges, e)
		default:
			aliases := p["http://www.w3.org/2004/02/skos/core#altLabel"]
			if aliases == nil {
				aliases = []string{}
			}
			cg.nodes[first(p[agVocab+"id"])] = consumerNode{kind: kind, name: first(p["http://www.w3.org/2000/01/rdf-schema#label"]), aliases: aliases}
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

package export

import (
	"archive/zip"
	"bufio"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/alliancegraph/alliancegraph/domain"
)

// CSV for Neo4j's `neo4j-admin database import`, as one zip holding
// README.txt (the header statements and the import command), nodes.csv
// (":ID", ":LABEL" = the kind, then the node attributes) and
// relationships.csv (":START_ID", ":END_ID", ":TYPE" = the predicate, then
// the fact ID, dates and the other edge attributes). Dates are typed
// `:date`; lists and maps are JSON text. Because Walk gives every entity
// before any fact, the two files are written one after the other through
// the zip stream and nothing is held back. Entry times are the snapshot's,
// so the same snapshot zips to the same bytes. Cells that a spreadsheet
// would run as formulas are neutralised unless Meta.CSVRaw is set
// (csvcell.go).

func init() {
	register(Format{Name: "csv", MediaType: "application/zip", Ext: "zip", Binary: true, New: newNeo4jCSV})
}

var (
	csvNodeHeader = []string{"id:ID", ":LABEL", "name", "aliases", "date:date", "externalIds", "properties"}
	csvRelHeader  = []string{":START_ID", ":END_ID", ":TYPE", "id", "validFrom:date", "validTo:date", "event", "properties", "citations"}
)

// Neo4jImportCommand is the command README.txt gives.
const Neo4jImportCommand = "neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv --multiline-fields=true neo4j"

type csvEncoder struct {
	o       *out
	zw      *zip.Writer
	cw      *csvRows
	raw     bool
	modTime time.Time
	inRels  bool
}

func newNeo4jCSV(w io.Writer, m Meta) (Encoder, error) {
	o := newOut(w)
	c := &csvEncoder{o: o, zw: zip.NewWriter(o), raw: m.CSVRaw, modTime: m.KnownAt.UTC()}
	if c.modTime.IsZero() {
		c.modTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	readme, err := c.create("README.txt")
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, l := range m.commentLines() {
		b.WriteString(l + "\n")
	}
	b.WriteString("\nnodes.csv: one row per entity; :LABEL is its kind.\n")
	b.WriteString("relationships.csv: one row per fact; :TYPE is its predicate, validTo is exclusive.\n")
	b.WriteString("aliases, externalIds, properties and citations are JSON text.\n")
	if c.raw {
		b.WriteString(CSVRawNote + "\n")
	} else {
		b.WriteString(csvNeutralisedNote + "\n")
	}
	b.WriteString("\nImport into an empty Neo4j database:\n  " + Neo4jImportCommand + "\n")
	if _, err := io.WriteString(readme, b.String()); err != nil {
		return nil, err
	}
	if err := c.startFile("nodes.csv", csvNodeHeader); err != nil {
		return nil, err
	}
	return c, o.err()
}

func (c *csvEncoder) create(name string) (io.Writer, error) {
	return c.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: c.modTime})
}

func (c *csvEncoder) startFile(name string, header []string) error {
	if c.cw != nil {
		if err := c.cw.w.Flush(); err != nil {
			return err
		}
	}
	f, err := c.create(name)
	if err != nil {
		return err
	}
	c.cw = &csvRows{w: bufio.NewWriter(f), raw: c.raw}
	return c.cw.Write(header)
}

func (c *csvEncoder) Entity(e *domain.Entity) error {
	row := append([]string{e.ID, e.Kind.String()}, entityValues(e)[1:]...)
	if err := c.cw.Write(row); err != nil {
		return err
	}
	return c.o.err()
}

func (c *csvEncoder) startRels() error {
	if c.inRels {
		return nil
	}
	c.inRels = true
	return c.startFile("relationships.csv", csvRelHeader)
}

func (c *csvEncoder) Fact(f *domain.Fact) error {
	if err := c.startRels(); err != nil {
		return err
	}
	v := factValues(f)
	row := []string{f.From, f.To, v[0], f.ID, v[1], v[2], v[3], v[4], v[5]}
	if err := c.cw.Write(row); err != nil {
		return err
	}
	return c.o.err()
}

func (c *csvEncoder) Close() error {
	if err := c.startRels(); err != nil {
		return err
	}
	if err := c.cw.w.Flush(); err != nil {
		return err
	}
	if err := c.zw.Close(); err != nil {
		return err
	}
	return c.o.Flush()
}

// csvRows writes CSV records as RFC 4180 describes them, with "\n" line
// ends: a field is quoted when it holds a comma, a quote or a line break,
// starts with white space or is `\.` (which PostgreSQL's COPY reads as
// the end of data), and, unless raw, when it was neutralised
// (NeutraliseCSVCell). encoding/csv's Writer quotes by the same rules but
// cannot be told to quote a field that does not need it.
type csvRows struct {
	w   *bufio.Writer
	raw bool
}

func (c *csvRows) Write(fields []string) error {
	for i, f := range fields {
		if i > 0 {
			c.w.WriteByte(',')
		}
		quote := false
		if !c.raw {
			f, quote = NeutraliseCSVCell(f)
		}
		if !quote && !csvNeedsQuotes(f) {
			c.w.WriteString(f)
			continue
		}
		c.w.WriteByte('"')
		c.w.WriteString(strings.ReplaceAll(f, `"`, `""`))
		c.w.WriteByte('"')
	}
	return c.w.WriteByte('\n')
}

func csvNeedsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if f == `\.` || strings.ContainsAny(f, ",\"\r\n") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(f)
	return unicode.IsSpace(r)
}

package export

import "strings"

// CSV injection. A spreadsheet that opens a CSV file runs a cell starting
// with =, +, - or @ as a formula (and some also one starting with a tab or
// a carriage return), so a name such as `=cmd|' /C calc'!A0` from an
// imported source would run when an analyst opens the export. Following
// OWASP's advice, the csv export prefixes such a cell with a single quote,
// which spreadsheets take as "this is text", and always quotes it.
//
// The rule is the same for every column. The export has no numeric
// columns (numbers live inside the JSON text of properties, which starts
// with "{"), so a value like "-5" can only be a name and is written '-5
// like any other text starting with "-".
//
// A cell that already starts with a quote is prefixed too, so the prefix
// can always be told from the data: RestoreCSVCell, which the importer
// applies, removes exactly one. Meta.CSVRaw turns all of this off.

// formulaStarts are the first bytes that make a cell a formula.
const formulaStarts = "=+-@\t\r"

// NeutraliseCSVCell returns s as the csv export writes it, and whether it
// was prefixed (such a cell is also always quoted).
func NeutraliseCSVCell(s string) (string, bool) {
	if s == "" || strings.IndexByte(formulaStarts+"'", s[0]) < 0 {
		return s, false
	}
	return "'" + s, true
}

// RestoreCSVCell undoes NeutraliseCSVCell on a cell as a CSV reader gives
// it. encoding/csv, like most readers, turns a CR LF inside a quoted cell
// into LF, so a cell written as '\r\n... reads back as '\n...: that prefix
// is removed too (no cell starting with ' is written without one).
func RestoreCSVCell(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.IndexByte(formulaStarts+"'\n", s[1]) >= 0 {
		return s[1:]
	}
	return s
}

// CSVRawNote is the line of README.txt in a zip written with Meta.CSVRaw;
// the importer looks for it to know that no cell carries the prefix.
const CSVRawNote = "Cells are written as stored (--csv-raw): a spreadsheet may run one that starts with = + - @ as a formula."

// csvNeutralisedNote is the line of README.txt otherwise.
const csvNeutralisedNote = "A cell that starts with = + - @, a tab, a carriage return or ' is prefixed with ' so that spreadsheets\n" +
	"show it as text rather than run it as a formula (OWASP, CSV injection); alliancegraph import removes\n" +
	"the prefix, neo4j-admin keeps it. Export with --csv-raw (GET /export: csvRaw=true) for the cells as stored."

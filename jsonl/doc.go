// Package jsonl is alliancegraph's own lossless file format, JSON Lines:
// its line types, the reader the importers use and the writer the
// exporter (and the synthetic data generator) use; and the checks that
// JSON text stands for Unicode text, which every JSON reader shares.
//
// A file is a header line, then one entity per line, then one fact per
// line. Every field of every entity, fact and citation is kept, so an
// import of a whole-graph export exported again gives the same bytes.
//
//	{"type":"header","format":"alliancegraph-jsonl","version":1,"generator":"alliancegraph dev","knownAt":"…","selection":{…}}
//	{"type":"entity","id":"country/FIN","kind":"Country","name":"Finland","aliases":["Republic of Finland"],"externalIds":{"iso3":"FIN"},"properties":[{"key":"…","type":"STRING","value":"…"}]}
//	{"type":"fact","id":"fact/fin-member-of-nato","predicate":"MEMBER_OF","from":"country/FIN","to":"org/nato","validFrom":"2023-04-04","event":"event/…","citations":[{"source":"doc/…","span":[10,42]}]}
//
// Optional fields are omitted when empty. Dates are YYYY-MM-DD, times RFC
// 3339, property types STRING, INT, FLOAT, BOOLEAN or DATE.
//
// The package knows records (the domain package), not where they are
// stored: it imports neither the store nor the exporter.
package jsonl

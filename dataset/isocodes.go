package dataset

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"unicode/utf8"
)

// Country names in other languages come from Debian's iso-codes package:
// the ISO 3166-1 (current) and ISO 3166-3 (former) country lists as JSON,
// and their gettext catalogs, one per language, which translate each
// English name. These readers turn them into names entries for the
// curated dataset (see NameSet and Merge); `go generate ./dataset` writes
// the result to names_gen.yaml.

// The files iso-codes installs, relative to its share directory (usually
// /usr/share).
const (
	isoJSONDir  = "iso-codes/json"
	isoLocales  = "locale"
	isoCatalogs = "LC_MESSAGES"
)

// ISOCountry is one entry of an ISO 3166 list: the English names that
// iso-codes gives and its catalogs translate.
type ISOCountry struct {
	Alpha3       string `json:"alpha_3"`
	Name         string `json:"name"`
	OfficialName string `json:"official_name"`
	CommonName   string `json:"common_name"`
}

// names returns c's English names, in the order they are translated:
// name, official name, common name.
func (c ISOCountry) names() []string {
	var out []string
	for _, n := range []string{c.Name, c.OfficialName, c.CommonName} {
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// ReadISO3166 parses an iso-codes ISO 3166 JSON file (iso_3166-1.json or
// iso_3166-3.json): an object holding one list of countries under the
// standard's number ("3166-1", "3166-3").
func ReadISO3166(r io.Reader) ([]ISOCountry, error) {
	var doc map[string][]ISOCountry
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("iso-codes: %w", err)
	}
	if len(doc) != 1 {
		return nil, fmt.Errorf("iso-codes: want one list of countries, got %d keys", len(doc))
	}
	for _, list := range doc {
		for _, c := range list {
			if c.Alpha3 == "" || c.Name == "" {
				return nil, fmt.Errorf("iso-codes: an entry without alpha_3 or name")
			}
		}
		return list, nil
	}
	return nil, nil
}

// errMO is the error of a file that is not a well-formed gettext catalog.
var errMO = errors.New("not a gettext .mo catalog")

// maxMOEntries bounds the strings one catalog may declare, so a corrupt
// count cannot make the reader allocate without end.
const maxMOEntries = 1 << 20

// ReadMO parses a compiled gettext catalog (.mo) and returns its
// translations by original string. The header entry (empty original),
// entries with a context (msgctxt) and empty translations are left out;
// for a plural entry, the singular of each is kept. Both byte orders are
// read.
func ReadMO(r io.Reader) (map[string]string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if len(b) < 20 {
		return nil, fmt.Errorf("%w: %d bytes", errMO, len(b))
	}
	var bo binary.ByteOrder
	switch binary.LittleEndian.Uint32(b) {
	case 0x950412de:
		bo = binary.LittleEndian
	case 0xde120495:
		bo = binary.BigEndian
	default:
		return nil, fmt.Errorf("%w: bad magic number", errMO)
	}
	if rev := bo.Uint32(b[4:]); rev>>16 > 1 {
		return nil, fmt.Errorf("%w: revision %d", errMO, rev)
	}
	n := bo.Uint32(b[8:])
	origs, trans := bo.Uint32(b[12:]), bo.Uint32(b[16:])
	if n > maxMOEntries {
		return nil, fmt.Errorf("%w: %d entries", errMO, n)
	}
	str := func(table uint32, i uint32) (string, error) {
		at := uint64(table) + 8*uint64(i)
		if at+8 > uint64(len(b)) {
			return "", fmt.Errorf("%w: string table out of bounds", errMO)
		}
		length, off := uint64(bo.Uint32(b[at:])), uint64(bo.Uint32(b[at+4:]))
		if off+length > uint64(len(b)) {
			return "", fmt.Errorf("%w: string out of bounds", errMO)
		}
		s := string(b[off : off+length])
		if !utf8.ValidString(s) {
			return "", fmt.Errorf("%w: a string is not UTF-8", errMO)
		}
		return s, nil
	}
	out := make(map[string]string, n)
	for i := range n {
		o, err := str(origs, i)
		if err != nil {
			return nil, err
		}
		t, err := str(trans, i)
		if err != nil {
			return nil, err
		}
		if o == "" || strings.Contains(o, "\x04") {
			continue // the header, or an entry with a context
		}
		o, _, _ = strings.Cut(o, "\x00")
		t, _, _ = strings.Cut(t, "\x00")
		if t != "" {
			out[o] = t
		}
	}
	return out, nil
}

// ISONames returns, for each entity in want (ISO 3166 alpha-3 code to
// entity ID), a names entry with the country's English names from
// iso-codes and their translations in every language whose catalog
// translates them, language by language in code order. share is the
// directory iso-codes installed into (/usr/share on Debian): its JSON
// lists and the catalogs under locale/*/LC_MESSAGES. A code is looked up
// in ISO 3166-1 first, then in ISO 3166-3 (former countries), each with
// its own catalogs. A code found in neither is an error. Entries are in
// entity ID order.
func ISONames(share fs.FS, want map[string]string) ([]NameSet, error) {
	found := map[string]ISOCountry{}
	domainOf := map[string]string{}
	for _, domain := range []string{"iso_3166-1", "iso_3166-3"} {
		f, err := share.Open(path.Join(isoJSONDir, domain+".json"))
		if err != nil {
			return nil, fmt.Errorf("iso-codes: %w (is the iso-codes package installed?)", err)
		}
		list, err := ReadISO3166(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", domain, err)
		}
		for _, c := range list {
			if _, ok := want[c.Alpha3]; ok && found[c.Alpha3].Alpha3 == "" {
				found[c.Alpha3] = c
				domainOf[c.Alpha3] = domain
			}
		}
	}
	for code := range want {
		if _, ok := found[code]; !ok {
			return nil, fmt.Errorf("iso-codes: %s is in neither ISO 3166-1 nor ISO 3166-3", code)
		}
	}
	catalogs := map[string][]map[string]string{} // domain -> catalogs in language order
	for _, domain := range []string{"iso_3166-1", "iso_3166-3"} {
		files, err := fs.Glob(share, path.Join(isoLocales, "*", isoCatalogs, domain+".mo"))
		if err != nil {
			return nil, err
		}
		slices.Sort(files)
		for _, name := range files {
			f, err := share.Open(name)
			if err != nil {
				return nil, err
			}
			m, err := ReadMO(f)
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			catalogs[domain] = append(catalogs[domain], m)
		}
	}
	var out []NameSet
	for _, code := range slices.SortedFunc(maps.Keys(want), func(a, b string) int { return strings.Compare(want[a], want[b]) }) {
		c := found[code]
		english := c.names()
		aliases := slices.Clone(english)
		for _, cat := range catalogs[domainOf[code]] {
			for _, en := range english {
				if t, ok := cat[en]; ok {
					aliases = append(aliases, t)
				}
			}
		}
		out = append(out, NameSet{ID: want[code], Aliases: dedupe(aliases)})
	}
	return out, nil
}

// dedupe returns ss without repeats (trimmed, first occurrence kept).
func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

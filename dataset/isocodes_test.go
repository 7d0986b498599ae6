package dataset

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

// buildMO encodes a gettext catalog of msgs (original -> translation)
// the way msgfmt lays it out: header, two string tables, then the
// strings, each NUL-terminated, originals sorted.
func buildMO(bo binary.ByteOrder, msgs map[string]string) []byte {
	keys := make([]string, 0, len(msgs))
	for k := range msgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	n := uint32(len(keys))
	const header = 28
	origTab := uint32(header)
	transTab := origTab + 8*n
	var strs bytes.Buffer
	base := transTab + 8*n
	var tables [2][]uint32
	for _, k := range keys {
		tables[0] = append(tables[0], uint32(len(k)), base+uint32(strs.Len()))
		strs.WriteString(k + "\x00")
	}
	for _, k := range keys {
		v := msgs[k]
		tables[1] = append(tables[1], uint32(len(v)), base+uint32(strs.Len()))
		strs.WriteString(v + "\x00")
	}
	var b bytes.Buffer
	for _, v := range []uint32{0x950412de, 0, n, origTab, transTab, 0, 0} {
		binary.Write(&b, bo, v)
	}
	for _, t := range tables {
		for _, v := range t {
			binary.Write(&b, bo, v)
		}
	}
	b.Write(strs.Bytes())
	return b.Bytes()
}

func TestReadMO(t *testing.T) {
	msgs := map[string]string{
		"":                       "Project-Id-Version: iso_3166-1\nContent-Type: text/plain; charset=UTF-8\n",
		"Finland":                "Suomi",
		"Greece":                 "Ελλάδα",
		"menu\x04Greece":         "Kreikka (menu)",
		"country\x00countries":   "maa\x00maat",
		"Untranslated":           "",
		"Republic of Finland":    "Suomen tasavalta",
		"Korea, Republic of":     "Korean tasavalta",
		"Czechia":                "Česko",
		"Türkiye":                "Turkki",
		"Sweden":                 "Ruotsi",
		"Hungary":                "Unkari",
		"Germany":                "Saksa",
		"United Kingdom of GB":   "Yhdistynyt kuningaskunta",
		"Bosnia and Herzegovina": "Bosnia ja Hertsegovina",
	}
	want := map[string]string{
		"Finland": "Suomi", "Greece": "Ελλάδα", "country": "maa", "Republic of Finland": "Suomen tasavalta",
		"Korea, Republic of": "Korean tasavalta", "Czechia": "Česko", "Türkiye": "Turkki", "Sweden": "Ruotsi",
		"Hungary": "Unkari", "Germany": "Saksa", "United Kingdom of GB": "Yhdistynyt kuningaskunta",
		"Bosnia and Herzegovina": "Bosnia ja Hertsegovina",
	}
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		got, err := ReadMO(bytes.NewReader(buildMO(bo, msgs)))
		if err != nil {
			t.Fatalf("%v: %v", bo, err)
		}
		if len(got) != len(want) {
			t.Errorf("%v: %d entries %q, want %d", bo, len(got), got, len(want))
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%v: %q -> %q, want %q", bo, k, got[k], v)
			}
		}
	}
}

func TestReadMORefusesBadCatalogs(t *testing.T) {
	good := buildMO(binary.LittleEndian, map[string]string{"Finland": "Suomi"})
	outOfBounds := bytes.Clone(good)
	binary.LittleEndian.PutUint32(outOfBounds[32:], 1<<30) // the first original's offset
	tooMany := bytes.Clone(good)
	binary.LittleEndian.PutUint32(tooMany[8:], 1<<31)
	notUTF8 := buildMO(binary.LittleEndian, map[string]string{"Finland": "Suomi\xff"})
	for name, b := range map[string][]byte{
		"empty":         nil,
		"short":         good[:12],
		"bad magic":     append([]byte{1, 2, 3, 4}, good[4:]...),
		"out of bounds": outOfBounds,
		"table cut off": good[:30],
		"too many":      tooMany,
		"not UTF-8":     notUTF8,
	} {
		if _, err := ReadMO(bytes.NewReader(b)); !errors.Is(err, errMO) {
			t.Errorf("%s: err %v, want errMO", name, err)
		}
	}
}

func TestISONames(t *testing.T) {
	share := fstest.MapFS{
		"iso-codes/json/iso_3166-1.json": {Data: []byte(`{"3166-1": [
			{"alpha_2": "FI", "alpha_3": "FIN", "name": "Finland", "numeric": "246", "official_name": "Republic of Finland"},
			{"alpha_2": "GR", "alpha_3": "GRC", "name": "Greece", "numeric": "300", "official_name": "Hellenic Republic"},
			{"alpha_2": "SE", "alpha_3": "SWE", "name": "Sweden", "numeric": "752", "official_name": "Kingdom of Sweden"}]}`)},
		"iso-codes/json/iso_3166-3.json": {Data: []byte(`{"3166-3": [
			{"alpha_2": "DD", "alpha_3": "DDR", "alpha_4": "DDDE", "name": "German Democratic Republic", "numeric": "278", "withdrawal_date": "1990-10-30"}]}`)},
		"locale/fi/LC_MESSAGES/iso_3166-1.mo": {Data: buildMO(binary.LittleEndian, map[string]string{"Finland": "Suomi", "Republic of Finland": "Suomen tasavalta", "Greece": "Kreikka"})},
		"locale/el/LC_MESSAGES/iso_3166-1.mo": {Data: buildMO(binary.BigEndian, map[string]string{"Greece": "Ελλάδα", "Finland": "Φινλανδία"})},
		"locale/sv/LC_MESSAGES/iso_3166-1.mo": {Data: buildMO(binary.LittleEndian, map[string]string{"Finland": "Finland", "Sweden": "Sverige"})},
		"locale/de/LC_MESSAGES/iso_3166-3.mo": {Data: buildMO(binary.LittleEndian, map[string]string{"German Democratic Republic": "Deutsche Demokratische Republik"})},
		"locale/de/LC_MESSAGES/other.mo":      {Data: []byte("not a catalog this reader opens")},
	}
	got, err := ISONames(share, map[string]string{"FIN": "country/FIN", "GRC": "country/GRC", "DDR": "country/DDR"})
	if err != nil {
		t.Fatal(err)
	}
	want := []NameSet{
		{ID: "country/DDR", Aliases: []string{"German Democratic Republic", "Deutsche Demokratische Republik"}},
		{ID: "country/FIN", Aliases: []string{"Finland", "Republic of Finland", "Φινλανδία", "Suomi", "Suomen tasavalta"}},
		{ID: "country/GRC", Aliases: []string{"Greece", "Hellenic Republic", "Ελλάδα", "Kreikka"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || !slices.Equal(got[i].Aliases, want[i].Aliases) {
			t.Errorf("entry %d: %v, want %v", i, got[i], want[i])
		}
	}

	if _, err := ISONames(share, map[string]string{"XYZ": "country/XYZ"}); err == nil || !strings.Contains(err.Error(), "XYZ") {
		t.Errorf("unknown code: err %v, want one naming XYZ", err)
	}
	bad := fstest.MapFS{}
	for k, v := range share {
		bad[k] = v
	}
	bad["locale/fi/LC_MESSAGES/iso_3166-1.mo"] = &fstest.MapFile{Data: []byte("garbage, not a catalog")}
	if _, err := ISONames(bad, map[string]string{"FIN": "country/FIN"}); !errors.Is(err, errMO) {
		t.Errorf("corrupt catalog: err %v, want errMO", err)
	}
	if _, err := ISONames(fstest.MapFS{}, map[string]string{"FIN": "country/FIN"}); err == nil || !strings.Contains(err.Error(), "iso-codes") {
		t.Errorf("no iso-codes: err %v", err)
	}
}

// TestCuratedEndonyms: the generated names give each of these countries
// its name in its own language, found by the catalogs of iso-codes.
func TestCuratedEndonyms(t *testing.T) {
	f, err := ParseCurated()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Entity{}
	for _, e := range f.Entities {
		byID[e.ID] = e
	}
	for id, endonym := range map[string]string{
		"country/FIN": "Suomi", "country/SWE": "Sverige", "country/DEU": "Deutschland",
		"country/HUN": "Magyarország", "country/GRC": "Ελλάδα", "country/CZE": "Česko",
		"country/DDR": "Deutsche Demokratische Republik",
	} {
		if !slices.Contains(byID[id].Aliases, endonym) {
			t.Errorf("%s: no alias %q (go generate ./dataset)", id, endonym)
		}
	}
}

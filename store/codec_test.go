package store

import (
	"bytes"
	stdjson "encoding/json"
	"reflect"
	"testing"

	"github.com/alliancegraph/alliancegraph/domain"
)

// The record codec must write exactly what encoding/json writes: stores
// written before the switch compare stored bytes with new encodings to
// tell an unchanged record (PutEntity, PutFact), and exports of the same
// graph must not change. These tests hold it to that, and to decoding
// what it wrote.

func codecEntities() []domain.Entity {
	return append(fixtureEntities(),
		domain.Entity{ID: "person/x", Kind: domain.KindPerson, Name: `<b>"Quoted" & 'escaped'</b>`, Aliases: []string{"Zoë", "\u2028line\u2029sep", "tab\there"},
			XIDs:  map[string]string{"wikidata": "Q1", "iso3": "XXA", "a": "first"},
			Props: []domain.Prop{{Key: "n", Type: domain.PropFloat, Value: "1e+21"}, {Key: "emoji", Type: domain.PropString, Value: "🙂 \x7f"}}},
		domain.Entity{ID: "place/empty", Kind: domain.KindPlace, Name: "Nowhere", Aliases: []string{}},
	)
}

// sameAsEncodingJSON fails t unless enc writes encoding/json's bytes for
// v and dec reads them back as encoding/json does.
func sameAsEncodingJSON[T any](t *testing.T, v *T, enc func(*T) ([]byte, error), dec func([]byte) (*T, error)) {
	t.Helper()
	got, err := enc(v)
	want, stdErr := stdjson.Marshal(v)
	if (err == nil) != (stdErr == nil) || !bytes.Equal(got, want) {
		t.Fatalf("codec wrote %q (%v), encoding/json %q (%v)", got, err, want, stdErr)
	}
	back, err := dec(got)
	if err != nil {
		t.Fatal(err)
	}
	var std T
	if err := stdjson.Unmarshal(got, &std); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, &std) {
		t.Fatalf("codec decoded %+v, encoding/json %+v", back, std)
	}
}

func TestCodecWritesWhatEncodingJSONWrites(t *testing.T) {
	for _, e := range codecEntities() {
		t.Run(e.ID, func(t *testing.T) { sameAsEncodingJSON(t, &e, encodeEntity, decodeEntity) })
	}
	for _, f := range fixtureFacts() {
		t.Run(f.ID, func(t *testing.T) { sameAsEncodingJSON(t, &f, encodeFact, decodeFact) })
	}
}

// FuzzCodecMatchesEncodingJSON: for any name, alias, property value and
// external ID, the codec writes encoding/json's bytes and reads them back.
func FuzzCodecMatchesEncodingJSON(f *testing.F) {
	f.Add("Finland", "Suomi", "5.6e6", "FIN")
	f.Add(`<&>"\`, "\u2028", "\xff\xfe", "")
	f.Fuzz(func(t *testing.T, name, alias, value, xid string) {
		e := domain.Entity{ID: "country/X", Kind: domain.KindCountry, Name: name, Aliases: []string{alias},
			XIDs: map[string]string{"iso3": xid, "b": name}, Props: []domain.Prop{{Key: value, Type: domain.PropString, Value: value}}}
		sameAsEncodingJSON(t, &e, encodeEntity, decodeEntity)
	})
}

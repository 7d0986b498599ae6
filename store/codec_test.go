package store

import (
	"bytes"
	stdjson "encoding/json"
	"reflect"
	"testing"
)

// The record codec must write exactly what encoding/json writes: stores
// written before the switch compare stored bytes with new encodings to
// tell an unchanged record (PutEntity, PutFact), and exports of the same
// graph must not change. These tests hold it to that, and to decoding
// what it wrote.

func codecEntities() []Entity {
	return append(fixtureEntities(),
		Entity{ID: "person/x", Kind: KindPerson, Name: `<b>"Quoted" & 'escaped'</b>`, Aliases: []string{"Zoë", "\u2028line\u2029sep", "tab\there"},
			XIDs:  map[string]string{"wikidata": "Q1", "iso3": "XXA", "a": "first"},
			Props: []Prop{{Key: "n", Type: PropFloat, Value: "1e+21"}, {Key: "emoji", Type: PropString, Value: "🙂 \x7f"}}},
		Entity{ID: "place/empty", Kind: KindPlace, Name: "Nowhere", Aliases: []string{}},
	)
}

func TestCodecWritesWhatEncodingJSONWrites(t *testing.T) {
	for _, e := range codecEntities() {
		t.Run(e.ID, func(t *testing.T) {
			got, err := encodeEntity(&e)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := stdjson.Marshal(&e)
			if !bytes.Equal(got, want) {
				t.Errorf("codec wrote\n%s\nencoding/json writes\n%s", got, want)
			}
			back, err := decodeEntity(got)
			if err != nil {
				t.Fatal(err)
			}
			var std Entity
			if err := stdjson.Unmarshal(got, &std); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, &std) {
				t.Errorf("codec decoded %+v, encoding/json %+v", back, std)
			}
		})
	}
	for _, f := range fixtureFacts() {
		t.Run(f.ID, func(t *testing.T) {
			got, err := encodeFact(&f)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := stdjson.Marshal(&f)
			if !bytes.Equal(got, want) {
				t.Errorf("codec wrote\n%s\nencoding/json writes\n%s", got, want)
			}
			back, err := decodeFact(got)
			if err != nil || !reflect.DeepEqual(back, &f) {
				t.Errorf("decoded %+v, %v; want %+v", back, err, f)
			}
		})
	}
}

// FuzzCodecMatchesEncodingJSON: for any name, alias, property value and
// external ID, the codec writes encoding/json's bytes and reads them back.
func FuzzCodecMatchesEncodingJSON(f *testing.F) {
	f.Add("Finland", "Suomi", "5.6e6", "FIN")
	f.Add(`<&>"\`, "\u2028", "\xff\xfe", "")
	f.Fuzz(func(t *testing.T, name, alias, value, xid string) {
		e := Entity{ID: "country/X", Kind: KindCountry, Name: name, Aliases: []string{alias},
			XIDs: map[string]string{"iso3": xid, "b": name}, Props: []Prop{{Key: value, Type: PropString, Value: value}}}
		got, err := encodeEntity(&e)
		want, stdErr := stdjson.Marshal(&e)
		if (err == nil) != (stdErr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("codec wrote %q (%v), encoding/json %q (%v)", got, err, want, stdErr)
		}
		back, err := decodeEntity(got)
		if err != nil {
			t.Fatal(err)
		}
		var std Entity
		if err := stdjson.Unmarshal(got, &std); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, &std) {
			t.Fatalf("codec decoded %+v, encoding/json %+v", back, std)
		}
	})
}

package store

import (
	stdjson "encoding/json"
	"reflect"
	"testing"

	"github.com/alliancegraph/alliancegraph/domain"
)

// fullFact sets every field appendFact writes, so that a field added to
// Fact or the types in it fails TestAppendMatchesMarshal until
// appendFact writes it too (checked by allSet).
func fullFact() *domain.Fact {
	return &domain.Fact{
		ID: "fact/fin-member", Predicate: domain.MemberOf, From: "country/FIN", To: "org/nato",
		Valid: domain.Interval{From: domain.MustDate("2023-04-04"), To: domain.MustDate("9999-12-31")},
		Event: "event/fin-accession",
		Props: []domain.Prop{{Key: "note", Type: domain.PropString, Value: "31st member"}, {Key: "n", Type: domain.PropInt, Value: "31"}},
		Citations: []domain.Citation{
			{Source: "doc/a", Span: &domain.Span{Start: 0, End: 12}, URL: "https://example.org/a?x=1&y=<2>", Retrieved: domain.MustDate("0001-01-01")},
			{Source: "doc/b", Span: &domain.Span{Start: 7, End: 9}, URL: "u", Retrieved: domain.MustDate("2024-02-29")},
		},
	}
}

// allSet fails unless every exported field of v that is encoded (json:"-"
// fields are not), and of the structs, pointers and slices in it, is
// non-zero somewhere.
func allSet(t *testing.T, path string, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			t.Errorf("%s is nil", path)
			return
		}
		allSet(t, path, v.Elem())
	case reflect.Slice:
		if v.Len() == 0 {
			t.Errorf("%s is empty", path)
		}
		for i := range v.Len() {
			allSet(t, path+"[]", v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() && f.Tag.Get("json") != "-" {
				allSet(t, path+"."+f.Name, v.Field(i))
			}
		}
	default:
		if v.IsZero() && path != "Fact.Citations[].Span.Start" {
			t.Errorf("%s is zero", path)
		}
	}
}

func TestAppendMatchesMarshal(t *testing.T) {
	allSet(t, "Fact", reflect.ValueOf(fullFact()))
	allSet(t, "Change", reflect.ValueOf(domain.Change{ID: "fact/x", Op: domain.OpDelete, Predicate: domain.Holds, From: "person/a", To: "office/b"}))
	odd := "tab\t nl\n cr\r bs\b ff\f nul\x00 \x1f quote\" back\\ <a href='x'>&amp; \u2028\u2029 é 日本 \xff\xfe bad \xe2\x82 end 😀"
	facts := map[string]*domain.Fact{
		"full":          fullFact(),
		"zero":          {},
		"only start":    {ID: "fact/a", Predicate: domain.Knows, From: "person/a", To: "person/b", Valid: domain.Interval{From: domain.MustDate("1977-06-17")}},
		"only end":      {ID: "fact/a", Valid: domain.Interval{To: domain.MustDate("2024-10-01")}},
		"odd strings":   {ID: odd, From: odd, To: odd, Event: odd, Props: []domain.Prop{{Key: odd, Value: odd}}, Citations: []domain.Citation{{Source: odd, URL: odd}}},
		"empty slices":  {ID: "fact/e", Props: []domain.Prop{}, Citations: []domain.Citation{}},
		"negative span": {Citations: []domain.Citation{{Source: "doc/a", Span: &domain.Span{Start: -1, End: -20}}}},
	}
	for name, f := range facts {
		t.Run("fact "+name, func(t *testing.T) {
			got, err := encodeFact(f)
			matchesMarshal(t, f, got, err)
		})
	}
	changes := map[string]domain.Change{
		"full":   {ID: "fact/x", Op: domain.OpDelete, Predicate: domain.Holds, From: "person/a", To: "office/b"},
		"entity": {ID: "country/FIN", Op: domain.OpCreate},
		"zero":   {},
		"odd":    {ID: odd, Op: domain.Op(odd), From: odd, To: odd},
	}
	for name, c := range changes {
		t.Run("change "+name, func(t *testing.T) {
			got, err := encodeChange(c)
			matchesMarshal(t, c, got, err)
		})
	}
}

// matchesMarshal fails unless got (and err nil) is what encoding/json
// writes for v.
func matchesMarshal(t *testing.T, v any, got []byte, err error) {
	t.Helper()
	want, merr := stdjson.Marshal(v)
	if merr != nil {
		t.Fatal(merr)
	}
	if err != nil || string(got) != string(want) {
		t.Fatalf("hand-written encoding of %T:\n got %s (%v)\nwant %s", v, got, err, want)
	}
}

func FuzzAppendFact(f *testing.F) {
	f.Add("fact/a", uint16(1), "country/FIN", "org/nato", int32(738000), int32(0), "", "note", "x", "doc/a", "https://e.org/?a&b", 3, 9)
	f.Add("\xff<\u2028>", uint16(0), "\x00", "\"\\", int32(0), int32(1), "é", "", "", "", "", -1, 0)
	f.Fuzz(func(t *testing.T, id string, pred uint16, from, to string, vf, vt int32, ev, pk, pv, src, url string, s, e int) {
		date := func(n int32) domain.Date { // zero, or a date the store accepts
			if n == 0 {
				return 0
			}
			lo, hi := int64(domain.MustDate("0001-01-01")), int64(domain.MustDate("9999-12-31"))
			return domain.Date(lo + (int64(n)%(hi-lo+1)+(hi-lo+1))%(hi-lo+1))
		}
		fact := &domain.Fact{ID: id, Predicate: domain.Predicate(pred), From: from, To: to, Valid: domain.Interval{From: date(vf), To: date(vt)}, Event: ev}
		if pk != "" || pv != "" {
			fact.Props = []domain.Prop{{Key: pk, Type: domain.PropType(pred), Value: pv}}
		}
		if src != "" || url != "" || s != 0 {
			c := domain.Citation{Source: src, URL: url, Retrieved: date(vf ^ vt)}
			if s != 0 || e != 0 {
				c.Span = &domain.Span{Start: s, End: e}
			}
			fact.Citations = []domain.Citation{c, {Source: to}}
		}
		want, err := stdjson.Marshal(fact)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := encodeFact(fact)
		if string(got) != string(want) {
			t.Fatalf("encodeFact:\n got %s\nwant %s", got, want)
		}
		back, err := decodeFact(got)
		if err != nil {
			t.Fatalf("decodeFact(%s): %v", got, err)
		}
		var std domain.Fact
		if err := stdjson.Unmarshal(got, &std); err != nil || !reflect.DeepEqual(*back, std) {
			t.Fatalf("decodeFact(%s) = %+v; encoding/json: %+v, %v", got, *back, std, err)
		}
		c := domain.Change{ID: id, Op: domain.Op(ev), Predicate: domain.Predicate(pred), From: from, To: to}
		want, _ = stdjson.Marshal(c)
		if got, _ := encodeChange(c); string(got) != string(want) {
			t.Fatalf("encodeChange:\n got %s\nwant %s", got, want)
		}
	})
}

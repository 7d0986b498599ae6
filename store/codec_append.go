package store

import (
	"strconv"
	"unicode/utf8"

	"github.com/alliancegraph/alliancegraph/domain"
)

// Hand-written JSON for the two records a load writes most of: fact
// records (two edge values each) and change records (one per entity and
// fact). They write what encoding/json writes for these structs, byte
// for byte (TestAppendMatchesMarshal and FuzzAppendFact compare them),
// without reflection, which json.Marshal spends much of a load's
// single-goroutine apply phase on (docs/BENCHMARKS.md). Decoding
// still goes through the JSON package; a field added to Fact, Prop,
// Citation, Span, Interval or Change must be added here too (the tests
// fill every field, so one missing here fails them).

// appendFact appends f's record.
func appendFact(b []byte, f *domain.Fact) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, f.ID)
	b = append(b, `,"p":`...)
	b = strconv.AppendUint(b, uint64(f.Predicate), 10)
	b = append(b, `,"from":`...)
	b = appendJSONString(b, f.From)
	b = append(b, `,"to":`...)
	b = appendJSONString(b, f.To)
	b = append(b, `,"iv":{`...)
	sep := byte(0)
	if f.Valid.From != 0 {
		b = appendJSONDate(append(b, `"f":`...), f.Valid.From)
		sep = ','
	}
	if f.Valid.To != 0 {
		if sep != 0 {
			b = append(b, sep)
		}
		b = appendJSONDate(append(b, `"t":`...), f.Valid.To)
	}
	b = append(b, '}')
	if f.Event != "" {
		b = appendJSONString(append(b, `,"ev":`...), f.Event)
	}
	if len(f.Props) > 0 {
		b = append(b, `,"props":[`...)
		for i, p := range f.Props {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(append(b, `{"k":`...), p.Key)
			b = strconv.AppendUint(append(b, `,"t":`...), uint64(p.Type), 10)
			b = append(appendJSONString(append(b, `,"v":`...), p.Value), '}')
		}
		b = append(b, ']')
	}
	if len(f.Citations) > 0 {
		b = append(b, `,"cite":[`...)
		for i, c := range f.Citations {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(append(b, `{"src":`...), c.Source)
			if c.Span != nil {
				b = strconv.AppendInt(append(b, `,"span":{"s":`...), int64(c.Span.Start), 10)
				b = append(strconv.AppendInt(append(b, `,"e":`...), int64(c.Span.End), 10), '}')
			}
			if c.URL != "" {
				b = appendJSONString(append(b, `,"url":`...), c.URL)
			}
			if c.Retrieved != 0 {
				b = appendJSONDate(append(b, `,"ret":`...), c.Retrieved)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendChange appends c's record.
func appendChange(b []byte, c domain.Change) []byte {
	b = appendJSONString(append(b, `{"id":`...), c.ID)
	b = appendJSONString(append(b, `,"op":`...), string(c.Op))
	if c.Predicate != 0 {
		b = strconv.AppendUint(append(b, `,"p":`...), uint64(c.Predicate), 10)
	}
	if c.From != "" {
		b = appendJSONString(append(b, `,"from":`...), c.From)
	}
	if c.To != "" {
		b = appendJSONString(append(b, `,"to":`...), c.To)
	}
	return append(b, '}')
}

// appendJSONDate appends d (not zero) as its MarshalText, quoted: the
// dates have four-digit years (domain.MakeDate accepts no others).
func appendJSONDate(b []byte, d domain.Date) []byte {
	y, m, day := d.Time().Date()
	return append(b, '"',
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-',
		byte('0'+day/10), byte('0'+day%10), '"')
}

// jsonSafe marks the ASCII bytes encoding/json writes as they are.
var jsonSafe = func() (safe [utf8.RuneSelf]bool) {
	for c := byte(0x20); c < utf8.RuneSelf; c++ {
		safe[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return safe
}()

// appendJSONString appends s quoted as encoding/json quotes it: HTML
// characters and U+2028/U+2029 escaped, invalid UTF-8 replaced.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[start:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(b, s[start:]...), '"')
}

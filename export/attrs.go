package export

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/jsonl"
)

// Flat attributes shared by the formats whose values are strings (GraphML,
// GEXF, CSV, DOT): a fixed, declared set of keys per node and per edge, so
// the declaration can be written before the first record. Lists and maps
// are JSON text, which keeps every value (an alias may contain any
// separator one could pick) and is easy to parse back.

// nodeAttrs are the node attribute names, in column order.
var nodeAttrs = []string{"kind", "name", "aliases", "date", "externalIds", "properties"}

// edgeAttrs are the edge attribute names, in column order.
var edgeAttrs = []string{"predicate", "validFrom", "validTo", "event", "properties", "citations"}

// entityValues returns e's values for nodeAttrs; "" means absent.
func entityValues(e *domain.Entity) []string {
	v := []string{e.Kind.String(), e.Name, "", e.Date.String(), "", ""}
	if len(e.Aliases) > 0 {
		v[2] = jsonText(e.Aliases)
	}
	if len(e.XIDs) > 0 {
		v[4] = jsonText(e.XIDs)
	}
	if len(e.Props) > 0 {
		v[5] = jsonText(propsJSON(e.Props))
	}
	return v
}

// factValues returns f's values for edgeAttrs; "" means absent.
func factValues(f *domain.Fact) []string {
	v := []string{f.Predicate.String(), f.Valid.From.String(), f.Valid.To.String(), f.Event, "", ""}
	if len(f.Props) > 0 {
		v[4] = jsonText(propsJSON(f.Props))
	}
	if len(f.Citations) > 0 {
		v[5] = jsonText(jsonl.FactLine(f).Citations)
	}
	return v
}

// propsJSON maps typed properties to JSON values: numbers and booleans as
// such, dates and strings as strings.
func propsJSON(ps []domain.Prop) map[string]any {
	out := make(map[string]any, len(ps))
	for _, p := range ps {
		switch p.Type {
		case domain.PropInt:
			out[p.Key] = json.Number(p.Value)
		case domain.PropFloat:
			if f, err := strconv.ParseFloat(p.Value, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				out[p.Key] = json.Number(p.Value)
			} else {
				out[p.Key] = p.Value
			}
		case domain.PropBool:
			out[p.Key] = p.Value == "true"
		default:
			out[p.Key] = p.Value
		}
	}
	return out
}

// jsonText encodes v without HTML escaping (the XML and DOT layers escape
// for themselves). Its inputs always encode.
func jsonText(v any) string {
	b, err := marshalJSON(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

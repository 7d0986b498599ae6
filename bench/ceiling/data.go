// Package ceiling is the benchmark's in-memory ceiling: a minimal gqlgen
// server answering q1 (one country) and q2 (one event and its
// participants) from Go maps filled from a synthetic JSON Lines file.
package ceiling

import (
	"io"
	"strconv"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/jsonl"
)

// Data holds what q1 and q2 read.
type Data struct {
	Countries map[string]*Country
	Events    map[string]*Event
	names     map[string]string
}

// Load reads a JSON Lines graph into memory.
func Load(r io.Reader) (*Data, error) {
	d := &Data{Countries: map[string]*Country{}, Events: map[string]*Event{}, names: map[string]string{}}
	err := jsonl.Read(r, func(rec jsonl.Record) error {
		switch {
		case rec.Entity != nil:
			d.addEntity(rec.Entity)
		case rec.Fact != nil && rec.Fact.Predicate == domain.ParticipantIn:
			if ev := d.Events[rec.Fact.To]; ev != nil {
				ev.Participants = append(ev.Participants, &Participation{From: &Participant{ID: rec.Fact.From, Name: d.names[rec.Fact.From]}})
			}
		}
		return nil
	})
	return d, err
}

func (d *Data) addEntity(e *domain.Entity) {
	d.names[e.ID] = e.Name
	switch e.Kind {
	case domain.KindCountry:
		c := &Country{ID: e.ID, Name: e.Name}
		if v, ok := e.XIDs["iso3"]; ok {
			c.Iso3 = &v
		}
		str := func(k string) *string {
			if p, ok := e.Prop(k); ok {
				return &p.Value
			}
			return nil
		}
		num := func(k string) *float64 {
			if p, ok := e.Prop(k); ok {
				if v, err := strconv.ParseFloat(p.Value, 64); err == nil {
					return &v
				}
			}
			return nil
		}
		c.Capital, c.Region, c.Founded = str("capital"), str("region"), str("founded")
		c.Population, c.Area, c.Gdp = num("population"), num("area"), num("gdp")
		if p, ok := e.Prop("independent"); ok {
			b := p.Value == "true"
			c.Independent = &b
		}
		d.Countries[e.ID] = c
	case domain.KindEvent:
		ev := &Event{ID: e.ID, Name: e.Name, Participants: []*Participation{}}
		if !e.Date.IsZero() {
			s := e.Date.String()
			ev.Date = &s
		}
		d.Events[e.ID] = ev
	}
}

// The entity panel: name, aliases, properties and the timeline of the
// entity's facts, each with its citations and, where a citation has a span
// of an ingested text, the quoted sentence with a link to the source.
import { fill, h } from './dom.js';

const PRED_WORDS = {
  MEMBER_OF: 'member of',
  HOLDS: 'holds',
  PARTNER_OF: 'partner of',
  PARTICIPANT_IN: 'participant in',
  LOCATED_IN: 'located in',
  SUCCEEDED: 'succeeded',
  MENTIONS: 'mentions',
  HEADQUARTERED_IN: 'headquartered in',
  OFFICE_OF: 'office of',
  FOLLOWS: 'follows',
  CITIZEN_OF: 'citizen of',
  KNOWS: 'knows',
};

const KIND_WORDS = {
  COUNTRY: 'Country', PERSON: 'Person', ORGANIZATION: 'Organization', OFFICE: 'Office',
  EVENT: 'Event', PLACE: 'Place', DOCUMENT: 'Document',
};

export function createPanel(root, { onOpen, onClose }) {
  const link = (e) => h('button', { type: 'button', class: 'linklike', dataset: { id: e.id }, onclick: () => onOpen(e.id) }, e.name);

  function loading(id) {
    root.hidden = false;
    fill(root, h('p', { class: 'muted' }, `Loading ${id}…`));
  }

  function error(id, err) {
    root.hidden = false;
    fill(root, 
      closeButton(),
      h('h2', { id: 'panel-title', tabindex: '-1' }, id),
      h('p', { class: 'error', role: 'alert' }, err.message),
    );
  }

  function closeButton() {
    return h('button', { type: 'button', class: 'close', 'aria-label': 'Close the entity panel', onclick: onClose }, '×');
  }

  function show(entity, timeline) {
    root.hidden = false;
    root.dataset.entity = entity.id;
    const props = [...entity.properties.map((p) => [p.key, p.value])];
    if (entity.iso3) props.unshift(['ISO 3166 alpha-3', entity.iso3]);
    if (entity.date) props.unshift(['date', entity.date]);
    if (entity.published) props.unshift(['published', entity.published]);
    for (const x of entity.externalIds) if (x.scheme !== 'iso3') props.push([x.scheme, x.value]);

    const items = timeline.map((t) => timelineItem(t, entity.id));
    fill(root, 
      closeButton(),
      h('p', { class: 'kind' }, KIND_WORDS[entity.kind] || entity.kind, ' · ', h('code', {}, entity.id)),
      h('h2', { id: 'panel-title', tabindex: '-1' }, entity.name),
      entity.aliases.length ? h('p', { class: 'aliases' }, 'Also: ', entity.aliases.join(', ')) : null,
      entity.url ? h('p', {}, h('a', { href: entity.url, rel: 'noopener noreferrer', target: '_blank' }, 'Source document')) : null,
      props.length
        ? h('dl', { class: 'props' }, props.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))
        : null,
      h('h3', {}, 'Timeline'),
      items.length ? h('ol', { class: 'timeline' }, items) : h('p', { class: 'muted' }, 'No dated facts or events.'),
    );
  }

  function timelineItem(t, self) {
    if (t.event) {
      return h('li', { class: 'event', dataset: { event: t.event.id } },
        h('span', { class: 'date' }, t.date), ' ', link(t.event));
    }
    const f = t.fact;
    const other = f.from.id === self ? f.to : f.from;
    const sentence = f.from.id === self
      ? [PRED_WORDS[f.predicate] || f.predicate, ' ', link(other)]
      : [link(other), ' ', PRED_WORDS[f.predicate] || f.predicate, ' this'];
    const verb = t.kind === 'STARTED' ? 'began' : 'ended';
    const range = `${f.validFrom || '…'} – ${f.validTo || 'open'}`;
    return h('li', { class: 'fact', dataset: { fact: f.id, kind: t.kind } },
      h('span', { class: 'date' }, t.date), ' ',
      h('span', { class: 'what' }, ...sentence), ' ',
      h('span', { class: 'muted' }, `(${verb}; valid ${range})`),
      f.properties.length ? h('span', { class: 'muted' }, ' ', f.properties.map((p) => `${p.key}: ${p.value}`).join(', ')) : null,
      h('div', { class: 'factid' }, h('code', {}, f.id)),
      f.citations.length ? h('ul', { class: 'citations', 'aria-label': 'Citations' }, f.citations.map(citation)) : null,
    );
  }

  function citation(c) {
    const src = c.url || c.source.url;
    return h('li', { class: 'citation', dataset: { source: c.source.id } },
      c.quote ? h('blockquote', { class: 'quote' }, '“', c.quote, '”') : null,
      src ? h('a', { href: src, rel: 'noopener noreferrer', target: '_blank' }, c.source.title || c.source.id)
        : h('button', { type: 'button', class: 'linklike', onclick: () => onOpen(c.source.id) }, c.source.title || c.source.id),
      c.span ? h('span', { class: 'muted' }, ` (characters ${c.span.start}–${c.span.end})`) : null,
      c.retrieved ? h('span', { class: 'muted' }, ` retrieved ${c.retrieved}`) : null,
      ' ',
      h('button', { type: 'button', class: 'linklike small', onclick: () => onOpen(c.source.id) }, 'open source in the panel'),
    );
  }

  function hide() {
    root.hidden = true;
    delete root.dataset.entity;
    fill(root, );
  }

  return { loading, error, show, hide };
}

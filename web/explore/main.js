// The explorer page: a membership map, a graph view and an entity panel,
// tied to one date slider, with the state in the URL. It reads the graph
// only through the public GraphQL API (api.js) and exports through GET
// /export.
import { createClient } from './api.js';
import { queries } from './api.js';
import { fromDays, isDate, toDays, today } from './dates.js';
import { h } from './dom.js';
import { createGraph, KINDS, PREDICATES } from './graph.js';
import { createMap } from './map.js';
import { createPanel } from './panel.js';
import { createSearch } from './search.js';
import { parse, serialize } from './urlstate.js';
import './explore.css';

const cfg = JSON.parse(document.getElementById('explorer-config').textContent);
const api = createClient(cfg.endpoint);
const $ = (id) => document.getElementById(id);

const TODAY = today();
const { state, dropped } = parse(location.search, { view: 'map', org: '', org2: '', show: 'all', asOf: TODAY, focus: '', to: '' });
let orgs = [];
let expanded = []; // graph: entities expanded by a click, after the focus
let graphRoot = '';
let playing = null;
const seq = { map: 0, graph: 0, panel: 0 };

// notice is what the URL asked for that the page could not show; it stays
// in the status line until a load fails, which says more.
let notice = '';
const status = (msg, isError) => {
  $('status').textContent = msg || '';
  $('status').classList.toggle('error', !!isError);
};

// --- URL ------------------------------------------------------------------

function syncURL() {
  const url = location.pathname + serialize(state);
  if (url !== location.pathname + location.search) history.replaceState(null, '', url);
  updateLinks();
}

// --- organizations and the date -----------------------------------------

function orgName(id) {
  const o = orgs.find((x) => x.id === id);
  if (!o) return id;
  const short = o.aliases.find((a) => /^[A-Z]{2,6}$/.test(a));
  return short || o.name;
}

function fillOrgs() {
  const opts = (sel) => orgs.map((o) => h('option', { value: o.id, selected: o.id === sel }, `${o.name} (${orgName(o.id)})`));
  $('org').replaceChildren(...opts(state.org));
  $('org2').replaceChildren(h('option', { value: '' }, '(none)'), ...opts(state.org2));
  $('show-field').disabled = !state.org2;
  for (const r of document.querySelectorAll('input[name=show]')) r.checked = r.value === state.show;
}

function founded(id) {
  const o = orgs.find((x) => x.id === id);
  const p = o && o.properties.find((x) => x.key === 'founded' && isDate(x.value));
  return p ? p.value : null;
}

function setRange() {
  const starts = [state.org, state.org2].map(founded).filter(Boolean);
  let min = starts.length ? starts.sort()[0] : '1945-01-01';
  if (min > '1945-01-01') min = '1945-01-01';
  if (state.asOf < min) min = state.asOf;
  const max = state.asOf > TODAY ? state.asOf : TODAY;
  const r = $('date-range');
  r.min = toDays(min);
  r.max = toDays(max);
  r.value = toDays(state.asOf);
  r.setAttribute('aria-valuetext', state.asOf);
  $('date-input').min = min;
  $('date-input').max = max;
  $('date-input').value = state.asOf;
}

let dateTimer = 0;
function setDate(date, { immediate = false } = {}) {
  if (!isDate(date)) return;
  state.asOf = date;
  $('date-range').value = toDays(date);
  $('date-range').setAttribute('aria-valuetext', date);
  if ($('date-input').value !== date) $('date-input').value = date;
  syncURL();
  clearTimeout(dateTimer);
  const run = () => refresh();
  if (immediate) run();
  else dateTimer = setTimeout(run, 120);
}

// --- the map ---------------------------------------------------------------

const map = createMap($('map'), {
  onHover: (iso3, name, x, y) => showTooltip(iso3, name, x, y),
  onLeave: () => { $('map-tooltip').hidden = true; },
  onClick: (iso3) => setFocus(`country/${iso3}`),
});
let membership = { first: null, second: null };

function categoryOf(iso3) {
  const a = membership.first && membership.first.byIso.get(iso3);
  const b = membership.second && membership.second.byIso.get(iso3);
  if (a && b) return 'both';
  if (a) return 'first';
  if (b) return 'second';
  return null;
}

function showTooltip(iso3, name, x, y) {
  const tip = $('map-tooltip');
  const lines = [h('strong', {}, name)];
  for (const m of [membership.first, membership.second]) {
    if (!m) continue;
    const e = m.byIso.get(iso3);
    lines.push(h('div', {}, e
      ? `Member of ${orgName(m.id)} since ${e.since || '?'}${e.until ? ` until ${e.until}` : ''} (${e.fact.id})`
      : `Not a member of ${orgName(m.id)} on ${state.asOf}`));
  }
  tip.replaceChildren(...lines);
  tip.hidden = false;
  const box = $('map-view').getBoundingClientRect();
  tip.style.left = `${Math.min(x - box.left + 14, box.width - 260)}px`;
  tip.style.top = `${y - box.top + 14}px`;
}

async function refreshMap() {
  const mine = ++seq.map;
  const asOf = state.asOf;
  try {
    const [first, second] = await Promise.all([
      state.org ? api.members(state.org, asOf) : null,
      state.org2 ? api.members(state.org2, asOf) : null,
    ]);
    if (mine !== seq.map) return;
    const index = (m) => m && { ...m, byIso: new Map(m.edges.filter((e) => e.node.iso3).map((e) => [e.node.iso3, e])) };
    membership = { first: index(first), second: index(second) };
    const categories = new Map();
    const all = new Set([...(first ? first.edges : []), ...(second ? second.edges : [])].map((e) => e.node.iso3).filter(Boolean));
    for (const iso3 of all) {
      const c = categoryOf(iso3);
      if (state.org2 && state.show !== 'all' && c !== state.show) continue;
      categories.set(iso3, c);
    }
    map.colour(categories);
    const focusIso = state.focus.startsWith('country/') ? state.focus.slice(8) : '';
    map.highlight(focusIso);
    renderLegend(first, second);
    renderTable(first, second);
    $('map-view').dataset.asOf = asOf;
    $('map-view').dataset.ready = 'true';
    if (!performance.getEntriesByName('explore:map-rendered').length) performance.mark('explore:map-rendered');
    status(notice, !!notice);
  } catch (err) {
    if (mine === seq.map) status(`The map could not be loaded: ${err.message}`, true);
  }
}

function legendItem(cls, label, n, id) {
  return h('li', { class: `legend-item ${cls}`, dataset: { set: id, count: String(n) } },
    h('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }), ` ${label}: `, h('strong', {}, `${n} member${n === 1 ? '' : 's'}`));
}

function renderLegend(first, second) {
  const items = [];
  if (first && !second) {
    items.push(legendItem('first', first.name, first.count, 'first'));
    $('legend-title').textContent = `${orgName(first.id)} on ${state.asOf}`;
  } else if (first && second) {
    let both = 0;
    let onlyA = 0;
    let onlyB = 0;
    for (const e of first.edges) (membership.second.byIso.has(e.node.iso3) ? both++ : onlyA++);
    for (const e of second.edges) if (!membership.first.byIso.has(e.node.iso3)) onlyB++;
    items.push(legendItem('both', `Both ${orgName(first.id)} and ${orgName(second.id)}`, both, 'both'));
    items.push(legendItem('first', `${orgName(first.id)} only`, onlyA, 'first'));
    items.push(legendItem('second', `${orgName(second.id)} only`, onlyB, 'second'));
    $('legend-title').textContent = `${orgName(first.id)} and ${orgName(second.id)} on ${state.asOf}`;
  }
  $('legend-items').replaceChildren(...items);
}

function renderTable(first, second) {
  const table = $('members-table');
  const rows = new Map();
  for (const [m, key] of [[first, 'a'], [second, 'b']]) {
    if (!m) continue;
    for (const e of m.edges) {
      if (!rows.has(e.node.id)) rows.set(e.node.id, { node: e.node });
      rows.get(e.node.id)[key] = e;
    }
  }
  const sorted = [...rows.values()].sort((x, y) => x.node.name.localeCompare(y.node.name));
  const cell = (e) => (e ? `since ${e.since || '?'}${e.until ? `, until ${e.until}` : ''}` : '—');
  const open = (node) => h('button', { type: 'button', class: 'linklike', dataset: { id: node.id }, onclick: () => setFocus(node.id) }, node.name);
  if (second) {
    $('members-caption').textContent = `Members of ${orgName(first.id)} or ${orgName(second.id)} on ${state.asOf}`;
    table.tHead.replaceChildren(h('tr', {}, h('th', { scope: 'col' }, 'Country'), h('th', { scope: 'col' }, orgName(first.id)), h('th', { scope: 'col' }, orgName(second.id))));
    table.tBodies[0].replaceChildren(...sorted.map((r) => h('tr', {}, h('th', { scope: 'row' }, open(r.node)), h('td', {}, cell(r.a)), h('td', {}, cell(r.b)))));
  } else {
    $('members-caption').textContent = `Members of ${first ? orgName(first.id) : ''} on ${state.asOf}: ${sorted.length}`;
    table.tHead.replaceChildren(h('tr', {}, h('th', { scope: 'col' }, 'Country'), h('th', { scope: 'col' }, 'Member'), h('th', { scope: 'col' }, 'Fact')));
    table.tBodies[0].replaceChildren(...sorted.map((r) => h('tr', {}, h('th', { scope: 'row' }, open(r.node)), h('td', {}, cell(r.a)), h('td', {}, h('code', {}, r.a.fact.id)))));
  }
}

// --- the graph -------------------------------------------------------------

const graph = createGraph($('graph'), { onTap: (id) => expandFrom(id) });
let graphData = { nodes: [], facts: [] };

async function refreshGraph() {
  if (!graphRoot) {
    $('graph-summary').textContent = 'Pick an entity with the search box, or click a country on the map.';
    graph.show({ nodes: [], facts: [] });
    $('graph-list').replaceChildren();
    return;
  }
  const mine = ++seq.graph;
  const seeds = [graphRoot, ...expanded.filter((x) => x !== graphRoot)];
  try {
    const [nb, paths] = await Promise.all([
      api.neighborhood(seeds, state.asOf, 500),
      state.to && state.to !== graphRoot ? api.path(graphRoot, state.to, state.asOf) : null,
    ]);
    if (mine !== seq.graph) return;
    const nodes = new Map(nb.nodes.map((n) => [n.id, n]));
    const facts = new Map(nb.facts.map((f) => [f.id, f]));
    const pathIds = new Set();
    if (paths) {
      for (const p of paths) {
        for (const s of p.steps) {
          nodes.set(s.entity.id, s.entity);
          pathIds.add(s.entity.id);
          if (s.fact) { facts.set(s.fact.id, s.fact); pathIds.add(s.fact.id); }
        }
      }
      renderPaths(paths);
    } else {
      $('path-result').replaceChildren();
    }
    graphData = { nodes: [...nodes.values()], facts: [...facts.values()] };
    const first = graph.nodeCount() === 0;
    graph.show({ ...graphData, seeds, expanded: expanded[expanded.length - 1], pathIds: paths ? pathIds : null });
    graph.select(state.focus);
    if (first) graph.fit();
    graph.cy.one('render', () => {
      if (!performance.getEntriesByName('explore:graph-rendered').length) performance.mark('explore:graph-rendered');
      $('graph').dataset.rendered = String(nodes.size);
    });
    $('graph').dataset.nodes = String(nodes.size);
    $('graph').dataset.asOf = state.asOf;
    $('graph-summary').textContent = `${nodes.size} entities, ${facts.size} facts on ${state.asOf}${nb.truncated ? ' (truncated at 500 entities)' : ''}`;
    renderGraphList();
    status(notice, !!notice);
  } catch (err) {
    if (mine === seq.graph) status(`The graph could not be loaded: ${err.message}`, true);
  }
}

function renderGraphList() {
  const byId = new Map(graphData.nodes.map((n) => [n.id, n]));
  const items = [...graphData.nodes].sort((a, b) => a.name.localeCompare(b.name)).map((n) => {
    const links = graphData.facts.filter((f) => f.from.id === n.id).map((f) => `${f.predicate} ${byId.get(f.to.id)?.name || f.to.id}`);
    return h('li', { dataset: { id: n.id } },
      h('button', { type: 'button', class: 'linklike', onclick: () => expandFrom(n.id) }, n.name),
      h('span', { class: 'muted' }, ` ${n.kind.toLowerCase()}`, links.length ? ` — ${links.join('; ')}` : ''));
  });
  $('graph-list').replaceChildren(...items);
}

function renderPaths(paths) {
  if (!paths.length) {
    $('path-result').replaceChildren(h('p', { class: 'muted' }, `No path of at most 4 steps on ${state.asOf}.`));
    return;
  }
  $('path-result').replaceChildren(h('p', {}, `${paths.length} shortest path${paths.length === 1 ? '' : 's'} (${paths[0].length} steps):`),
    h('ol', { class: 'paths' }, paths.map((p) => h('li', {}, p.steps.map((s, i) => [
      i > 0 ? h('span', { class: 'muted' }, s.direction === 'IN' ? ` ←${s.fact.predicate}— ` : ` —${s.fact.predicate}→ `) : null,
      s.entity.name,
    ])))));
}

// expandFrom is a click on a node: it becomes the focus (its panel opens)
// and its neighbours join the graph.
function expandFrom(id) {
  if (!expanded.includes(id) && id !== graphRoot) expanded.push(id);
  setFocus(id, { keepGraph: true });
}

const pathSearch = createSearch($('path-to'), $('path-list'), {
  label: 'Path targets',
  search: (q, signal) => api.search(q, signal),
  onPick: (e) => {
    state.to = e.id;
    syncURL();
    refreshGraph();
  },
});

// --- focus, panel, views ------------------------------------------------

const panel = createPanel($('panel'), {
  onOpen: (id) => setFocus(id),
  onClose: () => { state.focus = ''; syncURL(); panel.hide(); map.highlight(''); graph.select(''); },
});

async function refreshPanel() {
  if (!state.focus) { panel.hide(); return; }
  const mine = ++seq.panel;
  const id = state.focus;
  panel.loading(id);
  try {
    const [entity, timeline] = await Promise.all([api.entity(id), api.timeline(id)]);
    if (mine !== seq.panel) return;
    if (!entity) throw new Error(`${id} is not in the graph`);
    panel.show(entity, timeline);
  } catch (err) {
    if (mine === seq.panel) panel.error(id, err);
  }
}

function setFocus(id, { keepGraph = false } = {}) {
  if (state.focus === id && !keepGraph) return;
  state.focus = id;
  if (!keepGraph) {
    graphRoot = id;
    expanded = [];
    if (state.to === id) state.to = '';
  }
  syncURL();
  refreshPanel();
  if (state.view === 'graph') refreshGraph();
  else map.highlight(id.startsWith('country/') ? id.slice(8) : '');
}

function setView(view) {
  state.view = view;
  $('view-map').setAttribute('aria-pressed', String(view === 'map'));
  $('view-graph').setAttribute('aria-pressed', String(view === 'graph'));
  $('map-view').hidden = view !== 'map';
  $('graph-view').hidden = view !== 'graph';
  if (view === 'graph' && !graphRoot) graphRoot = state.focus || state.org;
  syncURL();
  refresh();
  if (view === 'graph') requestAnimationFrame(() => graph.fit());
}

function refresh() {
  if (state.view === 'map') return refreshMap();
  return refreshGraph();
}

// --- links: export and GraphiQL --------------------------------------------

function selection() {
  if (state.view === 'map') {
    return { ids: [state.org, state.org2].filter(Boolean), depth: 1, predicates: ['MEMBER_OF'], asOf: state.asOf };
  }
  const ids = graphRoot ? [graphRoot, ...expanded.filter((x) => x !== graphRoot)] : [];
  return { ids, depth: 1, asOf: state.asOf };
}

function updateLinks() {
  const sel = selection();
  const p = new URLSearchParams({ format: $('export-format').value });
  if (sel.ids.length) p.set('ids', sel.ids.join(','));
  p.set('depth', String(sel.depth));
  if (sel.predicates) p.set('predicates', sel.predicates.join(','));
  p.set('asOf', sel.asOf);
  $('export').href = `${cfg.exportEndpoint}?${p.toString().replaceAll('%2F', '/').replaceAll('%2C', ',')}`;

  let query;
  let variables;
  if (state.view === 'map') {
    query = queries.members;
    variables = { org: state.org, asOf: state.asOf };
  } else {
    query = queries.neighborhood;
    variables = { ids: sel.ids, asOf: state.asOf, maxNodes: 500 };
  }
  const g = new URLSearchParams({ query, variables: JSON.stringify(variables, null, 2) });
  $('open-graphiql').href = `${cfg.graphiql}?${g}`;
}

// --- play --------------------------------------------------------------------

async function togglePlay() {
  if (playing) { stopPlay(); return; }
  const btn = $('play');
  btn.setAttribute('aria-pressed', 'true');
  btn.textContent = 'Pause';
  const lists = await Promise.all([state.org, state.org2].filter(Boolean).map((o) => api.accessions(o).catch(() => [])));
  const dates = [...new Set(lists.flat().map((a) => a.date))].sort();
  const start = [state.org, state.org2].map(founded).filter(Boolean).sort()[0] || dates[0];
  const frames = [...new Set([start, ...dates.filter((d) => d >= start), TODAY])].filter(Boolean).sort();
  let i = 0;
  const step = () => {
    if (i >= frames.length) { stopPlay(); return; }
    setDate(frames[i++], { immediate: true });
    playing = setTimeout(step, 900);
  };
  playing = setTimeout(step, 0);
}

function stopPlay() {
  clearTimeout(playing);
  playing = null;
  $('play').setAttribute('aria-pressed', 'false');
  $('play').textContent = 'Play';
}

// --- wiring -----------------------------------------------------------------

function legendForGraph() {
  const kinds = Object.entries(KINDS).map(([k, v]) => h('li', {}, h('span', { class: 'swatch', style: null, dataset: { color: v.color } }), ` ${k.toLowerCase()} (${v.shape})`));
  const preds = Object.entries(PREDICATES).map(([k, v]) => h('li', {}, h('span', { class: `line ${v.line}`, dataset: { color: v.color } }), ` ${k} (${v.line})`));
  $('graph-legend').replaceChildren(...kinds, ...preds);
  // Colours are set through the CSSOM: the page's CSP allows no inline
  // style attributes.
  for (const el of $('graph-legend').querySelectorAll('[data-color]')) {
    if (el.classList.contains('line')) el.style.borderTopColor = el.dataset.color;
    else el.style.backgroundColor = el.dataset.color;
  }
}

function wire() {
  $('controls').addEventListener('submit', (ev) => ev.preventDefault());
  $('org').addEventListener('change', (ev) => {
    state.org = ev.target.value;
    if (state.view === 'graph') { graphRoot = state.org; expanded = []; }
    setRange(); syncURL(); refresh();
  });
  $('org2').addEventListener('change', (ev) => {
    state.org2 = ev.target.value;
    $('show-field').disabled = !state.org2;
    setRange(); syncURL(); refresh();
  });
  for (const r of document.querySelectorAll('input[name=show]')) {
    r.addEventListener('change', () => { state.show = r.value; syncURL(); refresh(); });
  }
  $('date-range').addEventListener('input', (ev) => setDate(fromDays(Number(ev.target.value))));
  $('date-input').addEventListener('change', (ev) => { if (isDate(ev.target.value)) setDate(ev.target.value, { immediate: true }); });
  $('play').addEventListener('click', togglePlay);
  $('view-map').addEventListener('click', () => setView('map'));
  $('view-graph').addEventListener('click', () => setView('graph'));
  $('export-format').addEventListener('change', updateLinks);
  $('graph-fit').addEventListener('click', () => graph.fit());
  $('path-clear').addEventListener('click', () => { state.to = ''; $('path-to').value = ''; syncURL(); refreshGraph(); });
  createSearch($('search'), $('search-list'), {
    label: 'Search suggestions',
    search: (q, signal) => api.search(q, signal),
    onPick: (e) => {
      if (e.kind === 'ORGANIZATION' && state.view === 'map') {
        state.org = e.id;
        fillOrgs(); setRange();
      }
      setFocus(e.id);
      if (state.view === 'map') refreshMap();
    },
  });
  legendForGraph();
}

async function start() {
  wire();
  if (dropped.length) notice = `Ignored what the URL said but the explorer does not understand: ${dropped.join(', ')}.`;
  try {
    const [list, topology] = await Promise.all([
      api.organizations(),
      fetch(cfg.atlas).then((r) => { if (!r.ok) throw new Error(`world atlas: ${r.status}`); return r.json(); }),
    ]);
    orgs = list.sort((a, b) => a.name.localeCompare(b.name));
    map.draw(topology);
  } catch (err) {
    status(`The explorer could not start: ${err.message}`, true);
    return;
  }
  if (!orgs.length) {
    status('The graph holds no organization yet.', true);
  }
  const unknown = [state.org, state.org2].filter((id) => id && !orgs.some((o) => o.id === id));
  if (!orgs.some((o) => o.id === state.org)) state.org = (orgs.find((o) => o.id === 'org/nato') || orgs[0] || {}).id || '';
  if (state.org2 && !orgs.some((o) => o.id === state.org2)) state.org2 = '';
  if (unknown.length) notice = `${notice} No organization ${unknown.join(', ')} in the graph; showing ${state.org || 'nothing'} instead.`.trim();
  if (state.org2 === state.org) state.org2 = '';
  fillOrgs();
  setRange();
  graphRoot = state.focus || (state.view === 'graph' ? state.org : '');
  if (state.focus) refreshPanel();
  setView(state.view);
  document.body.dataset.ready = 'true';
}

// A read-only handle for tests and the browser console.
window.alliancegraphExplorer = {
  state: () => ({ ...state }),
  nodePosition: (id) => graph.pagePosition(id),
  modelPosition: (id) => graph.position(id),
  graphNodeIds: () => graph.cy.nodes().map((n) => n.id()),
  // How cytoscape.js draws each node (by kind) and edge (by predicate).
  graphStyles: () => ({
    nodes: graph.cy.nodes().map((n) => ({ id: n.id(), kind: n.data('kind'), color: n.style('background-color'), shape: n.style('shape') })),
    edges: graph.cy.edges().map((e) => ({ id: e.id(), predicate: e.data('predicate'), color: e.style('line-color'), line: e.style('line-style') })),
  }),
};

start();

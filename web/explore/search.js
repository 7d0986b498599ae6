// The search box: suggestions from the server's typo-tolerant search as the
// user types, as an ARIA combobox (arrow keys move, Enter picks, Escape
// closes; Enter with no list for the text picks its best match).
import { h } from './dom.js';

export function createSearch(input, list, { search, onPick, label }) {
  let items = [];
  let active = -1;
  let timer = 0;
  let seq = 0;
  let controller = null;
  // shownFor is the text the list's suggestions are for (also the list's
  // data-query); the box may hold newer text while a lookup is on its way.
  let shownFor = null;

  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', list.id);
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', label);
  list.hidden = true;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function render() {
    list.replaceChildren(...items.map((hit, i) => h('li', {
      id: `${list.id}-${i}`,
      role: 'option',
      'aria-selected': i === active ? 'true' : 'false',
      class: i === active ? 'active' : '',
      dataset: { id: hit.entity.id },
      onmousedown: (ev) => { ev.preventDefault(); pick(i); },
    }, h('span', { class: 'name' }, hit.entity.name), ' ', h('span', { class: 'muted' }, hit.entity.kind.toLowerCase(),
      hit.matched !== hit.entity.name ? ` · “${hit.matched}”` : ''))));
    if (items.length === 0 && input.value.trim()) {
      list.replaceChildren(h('li', { class: 'muted', role: 'option', 'aria-disabled': 'true' }, 'No match'));
    }
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    if (active >= 0) input.setAttribute('aria-activedescendant', `${list.id}-${active}`);
    else input.removeAttribute('aria-activedescendant');
  }

  function pick(i) {
    const hit = items[i];
    if (!hit) return;
    close();
    input.value = hit.entity.name;
    onPick(hit.entity);
  }

  async function lookup() {
    const q = input.value.trim();
    if (!q) { items = []; close(); return; }
    const mine = ++seq;
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const hits = await search(q, controller.signal);
      if (mine !== seq) return;
      items = hits;
      active = hits.length ? 0 : -1;
      shownFor = q;
      list.dataset.query = q;
      render();
    } catch (err) {
      if (err.name === 'AbortError' || mine !== seq) return;
      items = [];
      list.replaceChildren(h('li', { class: 'error', role: 'option', 'aria-disabled': 'true' }, err.message));
      list.hidden = false;
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(lookup, 150);
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      if (list.hidden) { lookup(); return; }
      if (!items.length) return;
      active = (active + (ev.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      render();
    } else if (ev.key === 'Enter') {
      // Enter picks from the list only when the list is for the text in
      // the box; otherwise it looks the text up and picks the best match.
      ev.preventDefault();
      const q = input.value.trim();
      if (!list.hidden && active >= 0 && shownFor === q) { pick(active); return; }
      clearTimeout(timer);
      lookup().then(() => {
        if (shownFor === input.value.trim() && items.length) pick(active >= 0 ? active : 0);
      });
    } else if (ev.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 100));

  return { close };
}

// The explorer's state in the URL, so a view can be shared and bookmarked:
// /explore?org=org/nato&asOf=2004-03-29&focus=country/EST&view=map
// plus org2 (compare), show (which compare set the map colours) and to
// (path mode's target).
import { isDate } from './dates.js';

export const VIEWS = ['map', 'graph'];
export const SHOWS = ['all', 'both', 'first', 'second'];
const KEYS = ['view', 'org', 'org2', 'show', 'asOf', 'focus', 'to'];

// parse reads a query string; a value it does not understand is dropped
// (and reported), never guessed.
export function parse(search, defaults) {
  const p = new URLSearchParams(search);
  const s = { ...defaults };
  const dropped = [];
  for (const k of KEYS) {
    const v = p.get(k);
    if (v === null || v === '') continue;
    let ok = true;
    if (k === 'view') ok = VIEWS.includes(v);
    else if (k === 'show') ok = SHOWS.includes(v);
    else if (k === 'asOf') ok = isDate(v);
    else ok = /^[a-z]+\/\S+$/.test(v);
    if (ok) s[k] = v;
    else dropped.push(`${k}=${v}`);
  }
  return { state: s, dropped };
}

// serialize writes the keys in a fixed order, leaving out empty ones and
// the compare filter when nothing is compared.
export function serialize(s) {
  const p = new URLSearchParams();
  for (const k of KEYS) {
    if (!s[k]) continue;
    if (k === 'show' && (!s.org2 || s.show === 'all')) continue;
    p.set(k, s[k]);
  }
  // Readable IDs: keep the slash in org/nato.
  return '?' + p.toString().replaceAll('%2F', '/');
}

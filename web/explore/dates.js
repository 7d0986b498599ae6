// Dates are the API's YYYY-MM-DD strings; the slider works in days since
// 1970-01-01 (UTC), which may be negative.
const DAY = 86400000;

export function today() {
  return new Date().toISOString().slice(0, 10);
}

export function isDate(s) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function toDays(s) {
  return Math.round(Date.parse(s + 'T00:00:00Z') / DAY);
}

export function fromDays(n) {
  return new Date(n * DAY).toISOString().slice(0, 10);
}

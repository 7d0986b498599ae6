// The world choropleth: Natural Earth countries (world-atlas TopoJSON, keyed
// by ISO 3166-1 numeric codes) drawn with d3-geo into an SVG, each country
// coloured by the membership category main.js gives for its alpha-3 code.
import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import isoCodes from 'i18n-iso-countries/codes.json';

const SVG = 'http://www.w3.org/2000/svg';

// numeric -> alpha-3, from the ISO 3166-1 table the i18n-iso-countries
// package ships (rows of [alpha-2, alpha-3, numeric, ...]).
export const alpha3ByNumeric = new Map(isoCodes.map((row) => [row[2], row[1]]));

export function createMap(svg, { onHover, onLeave, onClick }) {
  const width = 960;
  const height = 500;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const paths = new Map(); // alpha-3 -> [path elements]
  let drawn = false;

  function draw(topology) {
    const countries = feature(topology, topology.objects.countries);
    const projection = geoNaturalEarth1().fitExtent([[4, 4], [width - 4, height - 4]], { type: 'Sphere' });
    const path = geoPath(projection);
    const frag = document.createDocumentFragment();
    const sphere = document.createElementNS(SVG, 'path');
    sphere.setAttribute('d', path({ type: 'Sphere' }));
    sphere.setAttribute('class', 'sphere');
    frag.appendChild(sphere);
    for (const f of countries.features) {
      const d = path(f);
      if (!d) continue;
      const el = document.createElementNS(SVG, 'path');
      el.setAttribute('d', d);
      el.setAttribute('class', 'country');
      const iso3 = alpha3ByNumeric.get(f.id) || '';
      el.dataset.iso3 = iso3;
      el.dataset.name = f.properties.name;
      if (iso3) {
        if (!paths.has(iso3)) paths.set(iso3, []);
        paths.get(iso3).push(el);
      }
      frag.appendChild(el);
    }
    svg.replaceChildren(frag);
    drawn = true;
  }

  svg.addEventListener('mousemove', (ev) => {
    const el = ev.target.closest('path.country');
    if (!el) return onLeave();
    onHover(el.dataset.iso3, el.dataset.name, ev.clientX, ev.clientY);
  });
  svg.addEventListener('mouseleave', () => onLeave());
  svg.addEventListener('click', (ev) => {
    const el = ev.target.closest('path.country');
    if (el && el.dataset.iso3) onClick(el.dataset.iso3, el.dataset.name);
  });

  // colour sets each country's class from categories (alpha-3 -> 'first',
  // 'second' or 'both'); countries not in it are plain.
  function colour(categories) {
    for (const el of svg.querySelectorAll('path.country')) {
      const c = categories.get(el.dataset.iso3);
      el.setAttribute('class', c ? `country member ${c}` : 'country');
    }
  }

  // highlight outlines the focused country.
  function highlight(iso3) {
    for (const el of svg.querySelectorAll('path.country.focused')) el.classList.remove('focused');
    for (const el of paths.get(iso3) || []) {
      el.classList.add('focused');
      el.parentNode.appendChild(el); // drawn last, so its outline is on top
    }
  }

  return {
    draw,
    colour,
    highlight,
    get drawn() {
      return drawn;
    },
    hasCountry: (iso3) => paths.has(iso3),
  };
}

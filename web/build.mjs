// Bundles the browser pages from the pinned packages in node_modules (filled
// by `npm ci --prefix web`) into web/dist, which the Go package embeds:
//
//   graphiql.js, graphiql.css     GraphiQL 5 with the query builder (page /)
//   chunk-*.js                    the parts of it GraphiQL loads on demand
//   *.worker.js                   Monaco's editor, JSON and GraphQL workers
//   explore.js, explore.css       the explorer (page /explore)
//   countries-50m.json            world-atlas TopoJSON the explorer's map draws
//   licenses/<package>.txt        the licence of every package in a bundle
//
// Nothing is fetched from a CDN at run time: every byte the pages load comes
// from this folder through the server.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
process.chdir(here);
if (!existsSync('node_modules/graphiql/package.json')) {
  console.error("build.mjs: node_modules is missing; run 'npm ci --prefix web' first");
  process.exit(1);
}

// Build into a temporary folder and swap it in, so an interrupted run never
// leaves a half-filled dist/ that would look built.
const tmp = mkdtempSync('dist.tmp.');
try {
  const common = {
    absWorkingDir: here,
    bundle: true,
    minify: true,
    target: ['es2022'],
    outdir: tmp,
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none', // the licences go to licenses/ whole instead
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.graphql': 'text', '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
    assetNames: '[name]-[hash]',
  };
  const builds = await Promise.all([
    // An ES module with chunks: what GraphiQL loads only on demand (Prettier
    // for the prettify button, Monaco's JSON language) stays out of the
    // first load. index.html loads it with <script type="module">.
    esbuild.build({
      ...common,
      format: 'esm',
      splitting: true,
      chunkNames: 'chunk-[hash]',
      entryPoints: { graphiql: 'graphiql/main.js' },
    }),
    esbuild.build({
      ...common,
      format: 'iife',
      entryPoints: {
        'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
        'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
        'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
      },
    }),
    esbuild.build({ ...common, format: 'iife', entryPoints: { explore: 'explore/main.js' } }),
  ]);

  // esbuild writes the CSS that on-demand chunks import (Monaco's) as
  // chunk-*.css, which nothing would load; the page needs it from the start,
  // so it goes in front of graphiql.css, whose rules override it.
  const chunkCSS = readdirSync(tmp).filter((f) => /^chunk-.*\.css$/.test(f)).sort();
  const css = chunkCSS.map((f) => readFileSync(join(tmp, f), 'utf8'));
  css.push(readFileSync(join(tmp, 'graphiql.css'), 'utf8'));
  writeFileSync(join(tmp, 'graphiql.css'), css.join('\n'));
  for (const f of chunkCSS) rmSync(join(tmp, f));

  cpSync('node_modules/world-atlas/countries-50m.json', join(tmp, 'countries-50m.json'));
  writeLicenses(builds, join(tmp, 'licenses'), ['world-atlas']);

  for (const name of readdirSync('dist')) {
    if (name !== 'README.md') rmSync(join('dist', name), { recursive: true, force: true });
  }
  // explore.js moves in last: the Makefile treats its presence as "built".
  const names = readdirSync(tmp).sort((a, b) => (a === 'explore.js') - (b === 'explore.js'));
  for (const name of names) renameSync(join(tmp, name), join('dist', name));
  console.log('build.mjs: web/dist is up to date');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

// writeLicenses copies the licence file of every npm package that went into a
// bundle (read from esbuild's metafiles), plus the data packages named in
// extra, as licenses/<package>.txt.
function writeLicenses(builds, dir, extra) {
  const pkgs = new Set(extra);
  for (const b of builds) {
    for (const input of Object.keys(b.metafile.inputs)) {
      const parts = input.split(/[\\/]/);
      const i = parts.lastIndexOf('node_modules');
      if (i < 0) continue;
      const name = parts[i + 1].startsWith('@') ? parts[i + 1] + '/' + parts[i + 2] : parts[i + 1];
      pkgs.add(parts.slice(0, i + 1).join('/') + '/' + name);
    }
  }
  mkdirSync(dir, { recursive: true });
  for (const p of [...pkgs].sort()) {
    const path = p.includes('node_modules') ? p : 'node_modules/' + p;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const file = readdirSync(path).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    let text;
    if (file) {
      text = readFileSync(join(path, file));
    } else {
      // A few packages publish only the licence's name in package.json.
      const pkg = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
      if (!pkg.license) throw new Error(`build.mjs: ${name} states no licence`);
      const repo = typeof pkg.repository === 'object' ? pkg.repository.url : pkg.repository;
      text = `${name} ${pkg.version}: ${pkg.license} licence (the package ships no licence text; see ${repo || pkg.homepage || 'its npm page'}).\n`;
    }
    writeFileSync(join(dir, name.replace('/', '__') + '.txt'), text);
  }
}

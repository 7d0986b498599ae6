// Expand an alliancegraph JSON-LD export with the jsonld package and print
// the expanded document (full IRIs, every value in an array). The context
// is inline, so no document is fetched.
//
// Usage: node expand_jsonld.js FILE
'use strict';
const fs = require('fs');
const jsonld = require('jsonld');

async function main() {
  const doc = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const expanded = await jsonld.expand(doc, {
    documentLoader: (url) => { throw new Error('no remote documents: ' + url); },
  });
  process.stdout.write(JSON.stringify(expanded));
}

main().catch((err) => { console.error(err); process.exit(1); });

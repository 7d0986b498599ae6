// Runs the graphql-http package's GraphQL-over-HTTP audit suite against a
// server and prints one JSON line per audit: {id, name, status, reason}.
//
// Usage: node audit_graphql_http.mjs URL
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit_graphql_http.mjs URL');
  process.exit(2);
}
const results = await auditServer({ url });
for (const r of results) {
  let reason = r.reason ?? '';
  if (r.status !== 'ok' && r.response) {
    reason += ` (HTTP ${r.response.status} ${r.response.headers.get('content-type') ?? ''})`;
  }
  console.log(JSON.stringify({ id: r.id, name: r.name, status: r.status, reason }));
}

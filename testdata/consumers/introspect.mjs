// Sends graphql-js's getIntrospectionQuery, with every combination of its
// options, to a server (as Apollo, graphql-codegen, GraphiQL, Postman and
// Altair do) and builds a client schema from each answer. Prints one JSON
// line per combination: {options, ok, error, types}.
//
// Usage: node introspect.mjs URL
import { buildClientSchema, getIntrospectionQuery } from 'graphql';

const url = process.argv[2];
const names = ['descriptions', 'specifiedByUrl', 'directiveIsRepeatable', 'schemaDescription', 'inputValueDeprecation'];
for (let bits = 0; bits < 1 << names.length; bits++) {
  const options = Object.fromEntries(names.map((n, i) => [n, Boolean(bits & (1 << i))]));
  const line = { options, ok: false };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query: getIntrospectionQuery(options), operationName: 'IntrospectionQuery' }),
    });
    const body = await res.json();
    if (body.errors) {
      line.error = `HTTP ${res.status}: ${JSON.stringify(body.errors)}`;
    } else {
      const schema = buildClientSchema(body.data);
      line.ok = true;
      line.types = Object.keys(schema.getTypeMap()).length;
      line.queryFields = Object.keys(schema.getQueryType().getFields()).length;
    }
  } catch (e) {
    line.error = String(e);
  }
  console.log(JSON.stringify(line));
}

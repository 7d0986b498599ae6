// Mounts GraphiQL 5 with the query builder (@graphiql/plugin-explorer).
// Bundled by build.mjs; lives in its own file, not inline in index.html, so
// the page's Content-Security-Policy can allow scripts from 'self' only.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './style.css';

const cfg = JSON.parse(document.getElementById('graphiql-config').textContent);

// Monaco runs its language services in workers; build.mjs bundles each one
// and the page's config names their versioned same-origin URLs.
globalThis.MonacoEnvironment = {
  getWorker(_id, label) {
    const url = cfg.workers[label === 'json' || label === 'graphql' ? label : 'editor'];
    return new Worker(url);
  },
};

// GraphiQL derives a tab's title from the operation name, so the example's
// name is also put on top of its query as a comment for the reader.
const tabs = (cfg.examples || []).map((ex) => ({
  query: '# ' + ex.name + '\n' + ex.query,
  variables: ex.variables || undefined,
}));

const props = {
  // Subscriptions go over a websocket to the same host. The Headers pane's
  // JSON, e.g. {"Authorization": "Bearer <token>"}, is sent as HTTP headers
  // with queries and mutations and as the connection_init payload of the
  // websocket, where the server reads the token of a subscription.
  fetcher: createGraphiQLFetcher({
    url: cfg.endpoint,
    subscriptionUrl: websocketURL(cfg.endpoint),
  }),
  plugins: [explorerPlugin()],
  isHeadersEditorEnabled: true,
};

// /?query=...&variables=... (the explorer's "Open in GraphiQL" link) opens
// that query as the active tab, next to the examples.
const params = new URLSearchParams(location.search);
const linked = params.get('query');
if (linked) {
  props.initialQuery = linked;
  const variables = params.get('variables');
  if (variables) props.initialVariables = variables;
  tabs.unshift({ query: linked, variables: variables || undefined });
}
// defaultTabs is used only when storage holds no tabs from an earlier
// visit; the first tab is the active one.
if (tabs.length > 0) props.defaultTabs = tabs;

// The logo slot links to the explorer, the other page this server serves.
const logo = React.createElement(GraphiQL.Logo, null,
  React.createElement('a', { href: 'explore', id: 'open-explorer' }, 'Explorer'), ' · Graph', React.createElement('em', null, 'i'), 'QL');

createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, props, logo));

function websocketURL(endpoint) {
  const u = new URL(endpoint, location.href);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.href;
}

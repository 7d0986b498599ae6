// Mounts GraphiQL. Lives in its own file (not inline in index.html) so the
// page's Content-Security-Policy can allow scripts from 'self' only.
// Globals React, ReactDOM and GraphiQL come from the UMD bundles loaded before.
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('graphiql-config').textContent);

  // GraphiQL derives a tab's title from the operation name, so the example's
  // name is also put on top of its query as a comment for the reader.
  var tabs = (cfg.examples || []).map(function (ex) {
    return {
      query: '# ' + ex.name + '\n' + ex.query,
      variables: ex.variables || null,
    };
  });

  var props = {
    // Same-origin endpoint; connect-src 'self' in the CSP enforces that.
    fetcher: GraphiQL.createFetcher({ url: cfg.endpoint }),
  };
  // defaultTabs (GraphiQL 3) is used only when localStorage holds no tabs
  // from an earlier visit; the first tab is the active one.
  if (tabs.length > 0) {
    props.defaultTabs = tabs;
  }

  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, props)
  );
})();

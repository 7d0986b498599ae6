// The explorer's only way to the data: the public GraphQL API, with the
// operations in queries/*.graphql (a Go test validates them against the
// schema).
import organizations from './queries/organizations.graphql';
import members from './queries/members.graphql';
import accessions from './queries/accessions.graphql';
import entity from './queries/entity.graphql';
import timeline from './queries/timeline.graphql';
import search from './queries/search.graphql';
import neighborhood from './queries/neighborhood.graphql';
import path from './queries/path.graphql';

export const queries = { organizations, members, accessions, entity, timeline, search, neighborhood, path };

// APIError carries the server's extensions.code (BAD_USER_INPUT, NOT_FOUND,
// ...) so the page can say what went wrong.
export class APIError extends Error {
  constructor(message, code) {
    super(code ? `${message} (${code})` : message);
    this.code = code || '';
  }
}

export function createClient(endpoint) {
  async function request(query, variables, signal) {
    let resp;
    try {
      resp = await fetch(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' },
        body: JSON.stringify({ query, variables }),
        signal,
      });
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      throw new APIError('the server cannot be reached: ' + err.message);
    }
    let body;
    try {
      body = await resp.json();
    } catch {
      throw new APIError(`the server answered ${resp.status} without JSON`);
    }
    if (body.errors && body.errors.length) {
      const e = body.errors[0];
      throw new APIError(e.message, e.extensions && e.extensions.code);
    }
    if (!resp.ok) throw new APIError(`the server answered ${resp.status}`);
    return body.data;
  }

  return {
    request,
    // organizations follows the connection's pages: every organization in
    // the store, however many.
    async organizations() {
      const out = [];
      let after = null;
      for (;;) {
        const d = await request(organizations, { after });
        out.push(...d.entities.edges.map((e) => e.node));
        if (!d.entities.pageInfo.hasNextPage) return out;
        after = d.entities.pageInfo.endCursor;
      }
    },
    // members follows the connection's pages, so an organization of any
    // size is shown whole.
    async members(org, asOf, signal) {
      let after = null;
      let out = null;
      for (let page = 0; page < 100; page++) {
        const d = await request(members, { org, asOf, after }, signal);
        if (!d.alliance) throw new APIError(`no organization ${org}`, 'NOT_FOUND');
        const m = d.alliance.members;
        if (!out) out = { id: d.alliance.id, name: d.alliance.name, count: d.alliance.memberCount, edges: [] };
        out.edges.push(...m.edges);
        if (!m.pageInfo.hasNextPage) break;
        after = m.pageInfo.endCursor;
      }
      return out;
    },
    async accessions(org) {
      const d = await request(accessions, { org });
      return d.alliance ? d.alliance.accessions : [];
    },
    async entity(id, signal) {
      const d = await request(entity, { id }, signal);
      return d.entity;
    },
    async timeline(id, signal) {
      const out = [];
      let after = null;
      for (let page = 0; page < 25; page++) {
        const d = await request(timeline, { id, after }, signal);
        out.push(...d.timeline.edges.map((e) => e.node));
        if (!d.timeline.pageInfo.hasNextPage) break;
        after = d.timeline.pageInfo.endCursor;
      }
      return out;
    },
    async search(q, signal) {
      const d = await request(search, { q }, signal);
      return d.search;
    },
    async neighborhood(ids, asOf, maxNodes, signal) {
      const d = await request(neighborhood, { ids, asOf, maxNodes }, signal);
      return d.neighborhood;
    },
    async path(from, to, asOf, signal) {
      const d = await request(path, { from, to, asOf }, signal);
      return d.path;
    },
  };
}

package httpapi

import "github.com/alliancegraph/alliancegraph/web"

// Examples open as GraphiQL tabs. They are the queries the README shows
// and the golden tests check; the first is what the browser test runs.
var Examples = []web.Example{
	{Name: "Member count", Query: `query MemberCount {
  alliance(id: "org/nato") {
    name
    memberCount(asOf: "2024-10-01")
  }
}
`},
	{Name: "Members", Query: `query Members {
  alliance(id: "org/nato") {
    members(asOf: "2024-03-07", first: 100) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        cursor
        since
        until
        node { id name iso3 }
        fact {
          id
          validFrom
          validTo
          citations { source { id title } span { start end } }
        }
      }
    }
  }
}
`},
	{Name: "Accessions", Query: `query Accessions {
  alliance(id: "org/nato") {
    accessions(from: "2023-01-01", to: "2024-12-31") {
      date
      countries { id name }
    }
  }
}
`},
	{Name: "Secretary General", Query: `query SecretaryGeneral {
  office(id: "office/nato-secretary-general") {
    holder(asOf: "2024-09-30") { id name }
  }
}
`},
	{Name: "Search", Query: `query Search {
  search(query: "turkiye", first: 5) {
    score
    entity { id name }
  }
}
`},
	{Name: "Node", Query: `query Node {
  node(id: "country/FIN") {
    id
    ... on Country { name iso3 }
  }
}
`},
	{Name: "Relations", Query: `query Relations {
  entity(id: "person/mark-rutte") {
    id
    name
    relations(direction: OUT, first: 20) {
      edges {
        node {
          predicate
          validFrom
          validTo
          to { id name }
        }
      }
    }
  }
}
`},
	{Name: "Path", Query: `query Path {
  path(from: "person/mark-rutte", to: "country/FIN", maxHops: 3, asOf: "2024-10-01") {
    length
    steps {
      entity { id name }
      fact { id predicate validFrom validTo }
      direction
    }
  }
}
`},
	{Name: "Neighborhood", Query: `query Neighborhood {
  neighborhood(ids: ["org/nato"], depth: 1, predicates: [MEMBER_OF], asOf: "2023-12-31") {
    truncated
    nodes { id name }
    facts { id validFrom from { id } to { id } }
  }
}
`},
	{Name: "Timeline", Query: `query SwedenTimeline {
  timeline(entity: "country/SWE") {
    edges {
      node {
        date
        kind
        fact { predicate from { name } to { name } }
        event { name }
      }
    }
  }
}
`},
	{Name: "Membership diff", Query: `query MembershipDiff {
  alliance(id: "org/nato") {
    membershipDiff(from: "2020-01-01", to: "2024-12-31") {
      joined { date country { id name } fact { id } }
      left { date country { id name } fact { id } }
    }
  }
}
`},
}

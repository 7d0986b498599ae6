# Browser assets: GraphiQL and the explorer, bundled by esbuild from the
# pinned npm packages into web/dist, which the Go binary embeds. File targets
# make a second `make web` a no-op.
.PHONY: web
web: web/dist/explore.js

# npm ci writes node_modules/.package-lock.json, so it reruns only when the
# pins change. --ignore-scripts: the bundles need no install scripts.
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	npm ci --prefix web --ignore-scripts --no-audit --no-fund

WEB_SOURCES := $(shell find web/graphiql web/explore -type f 2>/dev/null)

web/dist/explore.js: web/node_modules/.package-lock.json web/build.mjs $(WEB_SOURCES)
	node web/build.mjs

# The npm packages tests drive (jsonld reads JSON-LD exports back; graphql-http
# audits /graphql; graphql sends client introspection queries), pinned by
# testdata/consumers/package-lock.json.
.PHONY: consumers
consumers: testdata/consumers/node_modules/.package-lock.json

testdata/consumers/node_modules/.package-lock.json: testdata/consumers/package.json testdata/consumers/package-lock.json
	npm ci --prefix testdata/consumers --ignore-scripts --no-audit --no-fund

# Serve the NATO dataset from ./data on http://127.0.0.1:8080 (GraphiQL at /).
.PHONY: run
run: web
	go run . serve --data ./data

# The whole test suite, as CI runs it.
.PHONY: test
test: web consumers
	go vet ./...
	go test -race -count=1 -timeout 20m ./...

# Regenerate graph/ from schema.graphqls (output is committed).
.PHONY: generate
generate:
	go generate ./...

.PHONY: build
build: web
	go build -o alliancegraph .

# The performance benchmark: generate, import, serve, load q1..q4, compare
# with the in-memory ceiling (see docs/BENCHMARKS.md). FACTOR=10 for the
# large graph.
.PHONY: bench
bench: web
	bash bench/run.sh

# A local cluster on 127.0.0.1: three etcd members (apt-get install
# etcd-server) and two nodes on :8081 and :8082, data, logs and a write
# token in ./cluster-data, in the foreground until Ctrl-C (docs/CLUSTER.md;
# bash scripts/cluster.sh --help for its settings). A second run restarts
# the same cluster; cluster-clean removes it, so the next starts from scratch.
.PHONY: cluster cluster-clean cluster-smoke
cluster:
	bash scripts/cluster.sh

cluster-clean:
	rm -rf cluster-data

# CI's check of the cluster: a new one in a temporary directory, a write
# through one node read back through the other, a node killed and caught
# up; exits non-zero naming the step that failed.
cluster-smoke:
	CLUSTER_SMOKE=1 bash scripts/cluster.sh

# The cluster benchmark: read throughput on 1, 2 and 3 nodes and write
# latency through etcd against a single node, all on 127.0.0.1 (see
# docs/BENCHMARKS.md). MEMBERS=1 for a one-member etcd.
.PHONY: bench-cluster
bench-cluster: web
	bash bench/cluster.sh

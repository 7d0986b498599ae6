#!/bin/sh
# Copies the pinned browser bundles from web/node_modules (filled by
# `npm ci --prefix web`) into web/dist, which the Go package embeds.
# No bundler: graphiql@3 and react@18 ship ready-made UMD files.
set -eu
cd "$(dirname "$0")"

if [ ! -f node_modules/graphiql/graphiql.min.js ]; then
	echo "build.sh: node_modules is missing; run 'npm ci --prefix web' first" >&2
	exit 1
fi

# Build into a temporary folder and swap it in, so an interrupted run never
# leaves a half-filled dist/ that would look "built".
tmp=$(mktemp -d dist.tmp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp node_modules/react/umd/react.production.min.js "$tmp/"
cp node_modules/react-dom/umd/react-dom.production.min.js "$tmp/"
cp node_modules/graphiql/graphiql.min.css "$tmp/"
# MIT licences require shipping the notices along with the code.
mkdir "$tmp/licenses"
for p in graphiql react react-dom; do
	cp "node_modules/$p/LICENSE" "$tmp/licenses/$p.txt"
done
# Copied last: web.go and the Makefile treat its presence as "built".
cp node_modules/graphiql/graphiql.min.js "$tmp/"

find dist -mindepth 1 ! -name README.md -exec rm -rf {} +
mv "$tmp"/* dist/
echo "build.sh: web/dist is up to date"

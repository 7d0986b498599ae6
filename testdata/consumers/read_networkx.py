"""Read an alliancegraph export with NetworkX and print what it holds.

Usage: read_networkx.py graphml|gexf|json FILE

Prints one JSON object: {"graph": {...}, "nodes": {id: attrs}, "edges":
[{"source", "target", "attrs"}]}, all taken from the graph NetworkX built.
"""
import json
import sys

import networkx as nx
from networkx.readwrite import gexf


def nx_version():
    return tuple(int(p) for p in nx.__version__.split(".")[:2])


def read(fmt, path):
    if fmt == "graphml":
        return nx.read_graphml(path)
    if fmt == "gexf":
        # NetworkX before 2.6 (Debian bookworm ships 2.8 with only the
        # 1.1/1.2 drafts) lacks the GEXF 1.3 namespace; the parser is the
        # same, so register 1.3 as later NetworkX releases define it.
        if "1.3" not in gexf.GEXF.versions:
            v = dict(gexf.GEXF.versions["1.2draft"])
            v.update(NS_GEXF="http://gexf.net/1.3", NS_VIZ="http://gexf.net/1.3/viz", VERSION="1.3")
            gexf.GEXF.versions["1.3"] = v
        return nx.read_gexf(path, version="1.3")
    if fmt == "json":
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if nx_version() >= (3, 6):
            # The default key is "edges" from NetworkX 3.6 on: read the
            # export exactly as a user's plain call would.
            return nx.node_link_graph(data)
        if nx_version() >= (3, 4):
            return nx.node_link_graph(data, edges="edges")
        return nx.node_link_graph(data, link="edges")
    raise SystemExit("unknown format " + fmt)


def main():
    g = read(sys.argv[1], sys.argv[2])
    out = {
        "graph": {k: v for k, v in g.graph.items() if isinstance(v, str)},
        "directed": g.is_directed(),
        "networkx": nx.__version__,
        "nodes": {n: dict(d) for n, d in g.nodes(data=True)},
        "edges": [{"source": u, "target": v, "attrs": dict(d)} for u, v, d in g.edges(data=True)],
    }
    json.dump(out, sys.stdout, ensure_ascii=False, sort_keys=True)


main()

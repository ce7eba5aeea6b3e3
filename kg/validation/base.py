"""The types of a validation's outcome (:class:`Severity`, :class:`Result`, :class:`Report`)
and the helpers that write RDF terms the way results show them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

#: Names of iokg's own checks outside pySHACL (prefixed with ``iokg:``, the shapes namespace).
TERMS_SHAPE = "iokg:DeclaredTerms"
LITERAL_SHAPE = "iokg:LiteralSize"
ONTOLOGY_SHAPE = "iokg:OntologyUnchanged"
DANGLING_SHAPE = "iokg:DanglingReference"
ILL_TYPED_SHAPE = "iokg:IllTypedLiteral"


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
    location: str = ""
    terms: tuple = field(default=(), compare=False, repr=False)  # (focus, path, value, shape) as RDF terms

    def __str__(self) -> str:
        focus = f"{self.focus} ({self.label})" if self.label else self.focus
        parts = [f"{self.severity.value}: {focus}"]
        if self.path:
            parts.append(f"path {self.path}")
        if self.value:
            parts.append(f"value {self.value}")
        text = ", ".join(parts) + f": {self.message}"
        return f"{self.location}: {text}" if self.location else text


@dataclass
class Report:
    """The outcome of a validation: whether the data conforms, and every result."""

    conforms: bool
    results: list[Result] = field(default_factory=list)
    graph: Graph | None = None
    triples: int | None = None  # the distinct triples validated, when a whole graph was

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity is Severity.VIOLATION]


def short(graph: Graph, term) -> str:
    """``term`` as a result shows it: a prefixed name of ``graph``'s namespaces, or N3."""
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


def label_of(data, node) -> str:
    """The English (or untagged) ``rdfs:label`` or ``skos:prefLabel`` of ``node``, or ``""``;
    of several, the first in code-point order (the same whatever order a store gives)."""
    for prop in (RDFS.label, SKOS.prefLabel):
        found = [str(v) for v in data.objects(node, prop) if isinstance(v, Literal) and v.language in (None, "en")]
        if found:
            return min(found)
    return ""


def shorten(text: str) -> str:
    """``text`` with the full IRIs of iokg's namespaces written as prefixed names (pySHACL
    fills ``{?value}`` in messages with full IRIs)."""
    from kg.namespaces import PREFIXES

    def replace(match):
        iri = match.group(0)
        best = None
        for prefix, namespace in PREFIXES.items():
            ns = str(namespace)
            if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(str(PREFIXES[best]))):
                best = prefix
        if best is None:
            return iri
        local = iri[len(str(PREFIXES[best])):]
        return f"{best}:{local}" if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", local) and not local.endswith(".") else iri

    return re.sub(r"https?://[^\s<>\"'(),;]+[A-Za-z0-9_/#-]", replace, text)

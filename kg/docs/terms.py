"""Turning RDF terms of the shapes into HTML: prefixed names linked to the page that
documents them, literals, lists, property paths and nested shapes."""

from __future__ import annotations

import html

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, SH

from kg.docs.markup import anchor
from kg.exports import EXPORT_PREFIXES
from kg.namespaces import IO

#: Parameters of a shape that the page shows in their own place, not as constraints.
STRUCTURAL = {
    SH.path, SH.property, SH.message, SH.severity, SH.name, SH.description, SH.order,
    SH.group, SH.deactivated, SH.sparql, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
    SH.targetObjectsOf, SH.target, SH.prefixes, SH.declare,
}



class Terms:
    """Turns RDF terms of the shapes graph into HTML: prefixed names (linked to the ontology
    page for iokg terms), literals, lists, paths and nested shapes."""

    def __init__(self, shapes: Graph, ontology: Graph, *, anchors: dict[str, str] | None = None) -> None:
        self.graph = shapes
        #: The id of each term on the ontology page (pyLODE's ids are not the local names).
        self.anchors = anchors or {}
        self.ontology_terms = {s for s in ontology.subjects() if isinstance(s, URIRef)}
        self.individuals = set(ontology.subjects(RDF.type, OWL.NamedIndividual))
        self.prefixes = sorted(EXPORT_PREFIXES.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def name(self, iri: URIRef) -> str:
        text = str(iri)
        for prefix, namespace in self.prefixes:
            if text.startswith(namespace) and text != namespace:
                return f"{prefix}:{text[len(namespace):]}"
        return f"<{text}>"

    def iri(self, iri: URIRef) -> str:
        label = html.escape(self.name(iri))
        if str(iri).startswith(str(IO)) and iri in self.individuals:
            return f'<a href="index.html#{html.escape(anchor(iri))}"><code>{label}</code></a>'
        if str(iri).startswith(str(IO)) and iri in self.ontology_terms and str(iri) in self.anchors:
            return f'<a href="ontology.html#{html.escape(self.anchors[str(iri)])}"><code>{label}</code></a>'
        if str(iri).startswith(str(SH)) or self.name(iri).startswith("<"):
            return f"<code>{label}</code>"
        if self.name(iri).startswith("iosh:"):
            return f'<a href="#{html.escape(anchor(iri))}"><code>{label}</code></a>'
        return f"<code>{label}</code>"

    def items(self, node) -> list | None:
        if node == RDF.nil:
            return []
        if isinstance(node, BNode) and self.graph.value(node, RDF.first) is not None:
            return list(Collection(self.graph, node))
        return None

    def path(self, node) -> str:
        if isinstance(node, URIRef):
            return self.iri(node)
        items = self.items(node)
        if items is not None:
            return " / ".join(self.path(item) for item in items)
        for predicate, template in (
            (SH.inversePath, "^{}"),
            (SH.zeroOrMorePath, "({})*"),
            (SH.oneOrMorePath, "({})+"),
            (SH.zeroOrOnePath, "({})?"),
        ):
            inner = self.graph.value(node, predicate)
            if inner is not None:
                return template.format(self.path(inner))
        alternatives = self.graph.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + " | ".join(self.path(i) for i in self.items(alternatives) or []) + ")"
        return self.value(node)

    def value(self, node, depth: int = 0) -> str:
        if isinstance(node, URIRef):
            return self.iri(node)
        if isinstance(node, Literal):
            text = html.escape(str(node))
            if node.language:
                return f'<code>"{text}"@{html.escape(node.language)}</code>'
            if node.datatype is not None and node.datatype not in (
                URIRef("http://www.w3.org/2001/XMLSchema#string"),
                URIRef("http://www.w3.org/2001/XMLSchema#integer"),
                URIRef("http://www.w3.org/2001/XMLSchema#boolean"),
            ):
                return f'<code>"{text}"</code>^^{self.iri(node.datatype)}'
            return f"<code>{text}</code>" if node.datatype is not None else f'<code>"{text}"</code>'
        items = self.items(node)
        if items is not None:
            return "( " + " ".join(self.value(i, depth + 1) for i in items) + " )"
        if depth > 6:
            return "[ … ]"
        parts = self.constraints(node, depth + 1)
        return "[ " + " ; ".join(parts) + " ]"

    def constraints(self, shape, depth: int = 0) -> list[str]:
        """The constraint parameters of ``shape`` (``minCount 1``, ``class io:X``, …),
        sorted, with nested shapes written inline."""
        parts = []
        for predicate, value in sorted(self.graph.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))):
            if predicate in STRUCTURAL or not str(predicate).startswith(str(SH)):
                continue
            key = html.escape(str(predicate)[len(str(SH)):])
            parts.append(f"{key} {self.value(value, depth)}")
        if depth:  # a nested shape: its path belongs with its constraints
            parts[:0] = [f"path {self.path(path)}" for path in self.graph.objects(shape, SH.path)]
        return parts

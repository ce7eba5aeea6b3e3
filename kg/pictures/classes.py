"""The class diagram of the ontology: its main classes by depth in the class hierarchy,
subclass links (dashed) and the object properties between them (domain → range)."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.namespaces import IO
from kg.pictures.layout import Edge, Node, render


def _label(ontology: Graph, term: URIRef) -> str:
    for value in sorted(ontology.objects(term, RDFS.label), key=str):
        if isinstance(value, Literal) and value.language in (None, "en"):
            return str(value)
    return str(term).rpartition("#")[2]


def main_classes(ontology: Graph) -> list[URIRef]:
    """The classes of the ontology's namespace that are not controlled values: named
    ``owl:Class`` terms under ``io:`` that are no ``io:ControlledValue`` subclass."""
    controlled = set(ontology.transitive_subjects(RDFS.subClassOf, IO.ControlledValue))
    return sorted(
        (c for c in set(ontology.subjects(RDF.type, OWL.Class))
         if isinstance(c, URIRef) and str(c).startswith(str(IO)) and c not in controlled),
        key=str,
    )


def class_diagram_svg(ontology: Graph) -> str:
    """The SVG class diagram of ``ontology``'s main classes (see :func:`main_classes`):
    a column per depth in the hierarchy, dashed subclass links, and an arrow per object
    property from its domain to its range where both are main classes. Deterministic."""
    classes = main_classes(ontology)
    known = set(classes)
    parents = {c: sorted((p for p in ontology.objects(c, RDFS.subClassOf) if p in known), key=str) for c in classes}
    depth: dict[URIRef, int] = {}

    def depth_of(c: URIRef, seen: frozenset = frozenset()) -> int:
        if c not in depth:
            depth[c] = 0 if not parents[c] or c in seen else 1 + max(depth_of(p, seen | {c}) for p in parents[c])
        return depth[c]

    nodes = [Node(str(c), _label(ontology, c), depth_of(c), "class", f"{_label(ontology, c)} <{c}>") for c in classes]
    edges = [Edge(str(c), str(p), "", "sub") for c in classes for p in parents[c]]
    for prop in sorted(set(ontology.subjects(RDF.type, OWL.ObjectProperty)), key=str):
        if not isinstance(prop, URIRef):
            continue
        for domain in ontology.objects(prop, RDFS.domain):
            for range_ in ontology.objects(prop, RDFS.range):
                if domain in known and range_ in known:
                    edges.append(Edge(str(domain), str(range_), _label(ontology, prop)))
    columns = {d: ("top classes" if d == 0 else f"subclasses, level {d}") for d in sorted({n.layer for n in nodes})}
    return render(nodes, edges, title="iokg ontology: main classes and properties",
                  description="Boxes are classes; dashed lines go from a class to its superclass; "
                              "labelled curves are object properties from their domain to their range.",
                  columns=columns)

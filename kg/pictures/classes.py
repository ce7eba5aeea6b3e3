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
    top classes in columns that follow the object properties (domain left of range),
    subclasses a column right of their superclass, dashed subclass links, and a curve per
    object property from its domain to its range where both are main classes. Deterministic."""
    classes = main_classes(ontology)
    known = set(classes)
    parents = {c: sorted((p for p in ontology.objects(c, RDFS.subClassOf) if p in known), key=str) for c in classes}
    links: list[tuple[URIRef, URIRef, str]] = []
    for prop in sorted(set(ontology.subjects(RDF.type, OWL.ObjectProperty)), key=str):
        if not isinstance(prop, URIRef):
            continue
        for domain in sorted(ontology.objects(prop, RDFS.domain), key=str):
            for range_ in sorted(ontology.objects(prop, RDFS.range), key=str):
                if domain in known and range_ in known:
                    links.append((domain, range_, _label(ontology, prop)))
    layer = _layers(classes, parents, links)
    nodes = [Node(str(c), _label(ontology, c), layer[c], "class", f"{_label(ontology, c)} <{c}>") for c in classes]
    edges = [Edge(str(c), str(p), "", "sub") for c in classes for p in parents[c]]
    edges += [Edge(str(d), str(r), label) for d, r, label in links]
    return render(nodes, edges, title="iokg ontology: main classes and properties",
                  description="Boxes are classes; dashed lines go from a class to its superclass; "
                              "labelled curves are object properties from their domain to their range.",
                  columns={})


def _layers(classes: list[URIRef], parents: dict, links: list) -> dict[URIRef, int]:
    """The column of each class: for a top class, the longest chain of object properties
    between top classes that leads to it (cycles broken in sorted order); for a subclass,
    one more than its superclasses'."""
    tops = [c for c in classes if not parents[c]]
    after = {c: sorted({r for d, r, _ in links if d == c and r in tops and r != c}, key=str) for c in tops}
    layer: dict[URIRef, int] = {c: 0 for c in tops}
    visiting: set = set()
    done: set = set()

    def visit(node: URIRef) -> None:
        visiting.add(node)
        for target in after[node]:
            if target in visiting:
                continue  # a cycle: this edge goes backwards
            layer[target] = max(layer[target], layer[node] + 1)
            visit(target)
        visiting.discard(node)
        done.add(node)

    for top in sorted(tops, key=str):
        visit(top)

    def of(c: URIRef, seen: frozenset = frozenset()) -> int:
        if c not in layer:
            layer[c] = 1 + max((of(p, seen | {c}) for p in parents[c] if p not in seen), default=-1)
        return layer[c]

    for c in classes:
        of(c)
    return layer

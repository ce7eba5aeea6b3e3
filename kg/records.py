"""Records a batch redefines: nodes it describes that the graph already describes, and the
single-valued properties whose existing value it contradicts ("fig:x already has io:value
7704 in doc:000"), for ``validate`` to say so and ``add --replace`` to correct them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF, SH

from kg.dataset import PROVENANCE
from kg.namespaces import ONTOLOGY, short_name


@dataclass(frozen=True, order=True)
class Conflict:
    """A single-valued property of an existing node to which a batch gives another value."""

    node: URIRef
    predicate: URIRef
    graph: URIRef
    old: tuple
    new: tuple

    def message(self) -> str:
        """The curator's sentence: what the graph has, and what to do."""
        old = ", ".join(short_name(v) for v in self.old)
        return (f"{short_name(self.node)} already has {short_name(self.predicate)} {old} in {short_name(self.graph)}; "
                f"use --replace to correct it")


def single_valued(shapes: Graph, ontology: Graph) -> dict:
    """Properties a node has at most one value of, by class: ``owl:FunctionalProperty`` in
    the ontology (under the key None: every node), and the ``sh:path`` of a property shape
    with ``sh:maxCount 1`` under each class its node shape targets (and the subclasses)."""
    from kg.placement import kinds

    found: dict = {None: {p for p in ontology.subjects(RDF.type, OWL.FunctionalProperty) if isinstance(p, URIRef)}}
    for node_shape, target in shapes.subject_objects(SH.targetClass):
        for property_shape in shapes.objects(node_shape, SH.property):
            path = shapes.value(property_shape, SH.path)
            count = shapes.value(property_shape, SH.maxCount)
            if isinstance(path, URIRef) and count is not None and int(count) == 1:
                for kind in kinds(ontology, [target]):
                    found.setdefault(kind, set()).add(path)
    return found


def described(existing: Dataset, node) -> list[URIRef]:
    """The data graphs of ``existing`` that describe ``node`` (hold statements about it)."""
    names = {URIRef(str(getattr(g, "identifier", g))) for _, _, _, g in existing.quads((node, None, None, None))}
    return sorted(names - {PROVENANCE, URIRef(ONTOLOGY)})


def redefined(new: Graph, existing: Dataset) -> list[URIRef]:
    """IRIs ``new`` describes that ``existing`` already describes."""
    return sorted(s for s in set(new.subjects()) if isinstance(s, URIRef) and described(existing, s))


def conflicts(new: Graph, existing: Dataset, properties: dict) -> list[Conflict]:
    """Where ``new`` gives an existing node another value of a property it has at most one
    of (``properties`` from :func:`single_valued`), in the graph of the document the batch
    reports the node in (any graph that describes it when the batch does not say)."""
    from kg.namespaces import IO

    found = []
    for node in redefined(new, existing):
        types = set(new.objects(node, RDF.type)) | {o for g in described(existing, node)
                                                     for o in existing.graph(g).objects(node, RDF.type)}
        single = set(properties.get(None, ())).union(*(properties.get(t, set()) for t in types))
        graphs = described(existing, node)
        sources = set(new.objects(node, IO.reportedIn))
        if sources & set(graphs):
            graphs = sorted(sources & set(graphs))
        for predicate in sorted(set(new.predicates(node)) & single):
            fresh = set(new.objects(node, predicate))
            for graph in graphs:
                old = set(existing.graph(graph).objects(node, predicate))
                if old and not old <= fresh:
                    found.append(Conflict(node, predicate, graph, tuple(sorted(old)), tuple(sorted(fresh))))
    return sorted(found)


#: The names of these checks in reports (outside SHACL, like iokg's other checks).
EXISTING_SHAPE = "iokg:ExistingRecord"
NEW_REFERENCE_SHAPE = "iokg:NewReferenceEntity"


def curation_results(new: Graph, existing: Dataset, ontology: Graph, shapes: Graph, *, replacing: bool = False) -> list:
    """What a curator should hear about a batch besides SHACL: a violation for every
    existing value it contradicts (unless ``replacing``), and an info result naming every
    new state, actor, platform, narrative or audience and where ``add`` will put it."""
    from kg.placement import new_reference_entities
    from kg.validation.base import Result, Severity

    results = []
    if not replacing:
        for conflict in conflicts(new, existing, single_valued(shapes, ontology)):
            results.append(Result(Severity.VIOLATION, short_name(conflict.node), short_name(conflict.predicate),
                                  ", ".join(short_name(v) for v in conflict.new), conflict.message(), EXISTING_SHAPE,
                                  terms=(conflict.node, conflict.predicate, conflict.new[0], None, None)))
    for node, kind, local in new_reference_entities(new, existing, ontology):
        where = ("stays in the graph of the document that mentions it (docs/modelling.md: people and unnamed "
                 "organisations one document mentions)" if local else "iokg add puts it into graph:reference "
                 "(reference.ttl)")
        results.append(Result(Severity.INFO, short_name(node), "", short_name(kind),
                              f"new {short_name(kind)} {short_name(node)} introduced by this batch; {where}",
                              NEW_REFERENCE_SHAPE, terms=(node, None, kind, None, None)))
    return results

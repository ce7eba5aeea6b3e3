"""The facts the VoID/DCAT description states, computed from an rdflib ``Dataset`` or from
an Oxigraph store (by SPARQL aggregates in Oxigraph, without copying the graph into Python).

Both give the same :class:`Summary` for the same graph (tested on the curated graph and on
generated ones); :mod:`kg.exports.description` turns it into the description graph.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.namespaces import BASE, IO

#: Classes whose most described instance is a void:exampleResource.
EXAMPLE_CLASSES = (
    IO.InfluenceOperation, IO.Attribution, IO.ReportedFigure, IO.Takedown, IO.SourceDocument,
)


@dataclass(frozen=True)
class Sizes:
    """Sizes of a set of triples, as VoID states them."""

    triples: int
    entities: int  # distinct subjects that are IRIs under iokg's base
    classes: int  # distinct IRI objects of rdf:type
    properties: int
    subjects: int
    objects: int


@dataclass(frozen=True)
class GraphFacts:
    """What one named graph says of itself: title, licence, sources, citation."""

    title: Literal | None
    licence: URIRef | None
    sources: frozenset
    citation: Literal | None


@dataclass
class Summary:
    """The facts of a description: the union's sizes, entities per class, triples per
    property, source documents, example resources, and per named graph its sizes and facts."""

    union: Sizes
    class_entities: dict = field(default_factory=dict)  # class IRI -> entities
    property_triples: dict = field(default_factory=dict)  # property IRI -> triples
    documents: list = field(default_factory=list)
    examples: list = field(default_factory=list)
    graphs: dict = field(default_factory=dict)  # graph IRI -> (Sizes, GraphFacts)


# From an rdflib Dataset -------------------------------------------------------------------


def _sizes(triples: set) -> tuple[Sizes, dict, Counter]:
    subjects = {s for s, _, _ in triples}
    properties = Counter(p for _, p, _ in triples)
    types: dict = {}
    for s, p, o in triples:
        if p == RDF.type and isinstance(o, URIRef):
            types.setdefault(o, set()).add(s)
    entities = {s for s in subjects if isinstance(s, URIRef) and str(s).startswith(BASE)}
    sizes = Sizes(len(triples), len(entities), len(types), len(properties), len(subjects), len({o for _, _, o in triples}))
    return sizes, types, properties


def summarize_dataset(dataset: Dataset, names: list[URIRef]) -> Summary:
    """The summary of the data graphs ``names`` of ``dataset``."""
    graphs = {name: dataset.graph(name) for name in names}
    union: set = set()
    for graph in graphs.values():
        union.update(graph.triples((None, None, None)))
    sizes, types, properties = _sizes(union)
    size = Counter(s for s, _, _ in union)
    examples = []
    for cls in EXAMPLE_CLASSES:
        members = [m for m in types.get(cls, ()) if isinstance(m, URIRef)]
        if members:
            examples.append(min(members, key=lambda m: (-size[m], str(m))))
    summary = Summary(
        union=sizes,
        class_entities={cls: len(members) for cls, members in types.items()},
        property_triples=dict(properties),
        documents=sorted({s for s, p, o in union if p == RDF.type and o == IO.SourceDocument}, key=str),
        examples=examples,
    )
    for name, graph in graphs.items():
        facts = graph_facts(name, lambda s, p, g=graph: list(g.objects(s, p)),
                            lambda p, o, g=graph: list(g.subjects(p, o)))
        summary.graphs[name] = (_sizes(set(graph.triples((None, None, None))))[0], facts)
    return summary


# What a graph says of itself -----------------------------------------------------------------


def _english(objects: Callable, node, *properties) -> Literal | None:
    for prop in properties:
        values = sorted(
            (v for v in objects(node, prop) if isinstance(v, Literal) and v.language in (None, "en")), key=str
        )
        if values:
            return Literal(str(values[0]), lang="en")
    return None


def _first(values: list):
    return min(values, key=str) if values else None


def graph_facts(name: URIRef, objects: Callable, subjects: Callable) -> GraphFacts:
    """Title, licence, sources and citation of the graph ``name`` from what it says of
    itself (its own node, a SKOS concept scheme or an OWL ontology in it), given its
    ``objects(s, p)`` and ``subjects(p, o)`` lookups."""
    title = _english(objects, name, DCTERMS.title, RDFS.label)
    licence, sources, citation = None, set(objects(name, DCTERMS.source)), None
    schemes = set(subjects(RDF.type, SKOS.ConceptScheme)) | set(subjects(RDF.type, OWL.Ontology))
    for scheme in sorted(schemes, key=str):
        title = title or _english(objects, scheme, DCTERMS.title, RDFS.label)
        licence = _first(objects(scheme, DCTERMS.license)) or licence
        sources |= set(objects(scheme, DCTERMS.source))
        citation = citation or _first(objects(scheme, DCTERMS.bibliographicCitation))
    return GraphFacts(title, licence, frozenset(sources), citation)


# From an Oxigraph store -------------------------------------------------------------------------

_NOT_DATA = "FILTER(?g NOT IN ({excluded}))"
_BINDS = (
    'BIND(IF(isIRI(?s) && STRSTARTS(STR(?s), "{base}"), ?s, ?unbound) AS ?entity) '
    "BIND(IF(?p = <{type}> && isIRI(?o), ?o, ?unbound) AS ?class)"
)
_SIZES = (
    "(COUNT(DISTINCT ?entity) AS ?entities) (COUNT(DISTINCT ?class) AS ?classes) "
    "(COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)"
)


def _queries(excluded: list[URIRef]) -> dict[str, str]:
    not_data = _NOT_DATA.format(excluded=", ".join(f"<{g}>" for g in excluded))
    binds = _BINDS.format(base=BASE, type=RDF.type)
    distinct = f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {not_data} }}"
    return {
        "graphs": f"SELECT ?g (COUNT(*) AS ?triples) {_SIZES} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {not_data} {binds} }} GROUP BY ?g",
        "union": f"SELECT {_SIZES} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {not_data} {binds} }}",
        "properties": f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {distinct} }} GROUP BY ?p",
        "classes": f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{RDF.type}> ?c }} FILTER(isIRI(?c)) {not_data} }} GROUP BY ?c",
        "documents": f"SELECT DISTINCT ?d WHERE {{ GRAPH ?g {{ ?d <{RDF.type}> <{IO.SourceDocument}> }} {not_data} }}",
        "example": (
            "SELECT ?m (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?m ?p ?o WHERE { "
            f"GRAPH ?g {{ ?m <{RDF.type}> <{{cls}}> }} FILTER(isIRI(?m)) {not_data} "
            f"GRAPH ?h {{ ?m ?p ?o }} {not_data.replace('?g', '?h')} }} }} GROUP BY ?m ORDER BY DESC(?n) STR(?m) LIMIT 1"
        ),
    }


def _number(term) -> int:
    return int(term.value) if term is not None else 0


def summarize_store(native, names: list[URIRef], excluded: list[URIRef]) -> Summary:
    """The summary of the data graphs ``names`` of the pyoxigraph store ``native`` (every
    named graph but ``excluded``), computed by Oxigraph."""
    import pyoxigraph as ox

    from kg.terms import to_oxigraph, to_rdflib

    queries = _queries(excluded)

    def sizes(row, triples: int) -> Sizes:
        return Sizes(triples, *(_number(row[k]) for k in ("entities", "classes", "properties", "subjects", "objects")))

    properties = {URIRef(r["p"].value): _number(r["n"]) for r in native.query(queries["properties"])}
    union = next(iter(native.query(queries["union"])))
    summary = Summary(
        union=sizes(union, sum(properties.values())),
        class_entities={URIRef(r["c"].value): _number(r["n"]) for r in native.query(queries["classes"])},
        property_triples=properties,
        documents=sorted((to_rdflib(r["d"]) for r in native.query(queries["documents"])), key=str),
    )
    for cls in EXAMPLE_CLASSES:
        for row in native.query(queries["example"].replace("{cls}", str(cls))):
            summary.examples.append(URIRef(row["m"].value))
    per_graph = {URIRef(r["g"].value): r for r in native.query(queries["graphs"])}
    for name in names:
        graph = ox.NamedNode(str(name))

        def objects(s, p, graph=graph):
            return [to_rdflib(q.object) for q in native.quads_for_pattern(to_oxigraph(s), to_oxigraph(p), None, graph)]

        def subjects(p, o, graph=graph):
            return [to_rdflib(q.subject) for q in native.quads_for_pattern(None, to_oxigraph(p), to_oxigraph(o), graph)]

        row = per_graph.get(name)
        empty = Sizes(0, 0, 0, 0, 0, 0)
        summary.graphs[name] = (sizes(row, _number(row["triples"])) if row is not None else empty,
                                graph_facts(name, objects, subjects))
    return summary

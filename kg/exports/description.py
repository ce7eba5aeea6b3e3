"""The VoID and DCAT description of the iokg dataset, computed from the data.

``describe(dataset)`` returns the graph that every export carries in the named graph
``https://w3id.org/iokg/graph/void``: what the dataset is (title, description, licence,
publisher), where it comes from (the source documents as ``dcterms:source``), how big it
is (triples, entities, classes, properties, distinct subjects and objects), what is in it
(entities per class, triples per property, one ``void:subset`` per named graph with its own
counts, example resources, the vocabularies used), how to get it (the SPARQL endpoint,
one ``dcat:Distribution`` per export format).

Everything is computed from the data graphs (the ontology, the shapes and an earlier
description are not counted), and nothing of the run (no time, no path) goes in, so the
description changes only when the data does. The described dataset is the union of the
data graphs; ``void:triples`` counts its distinct triples, and each subset counts its own.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from kg.exports.base import EXPORT_PREFIXES, ExportFormat, data_graph_names
from kg.namespaces import BASE, DCAT, DOCUMENT, GRAPH, IO, ONTOLOGY, VOID

SD = URIRef("http://www.w3.org/ns/sparql-service-description#")
_SD_NAME = URIRef(str(SD) + "name")
_SD_NAMED_GRAPH = URIRef(str(SD) + "NamedGraph")

#: The dataset the description is about.
DATASET = URIRef(BASE + "dataset")
#: Where a served iokg answers SPARQL 1.1 queries, relative to the base: ``/sparql``.
SPARQL_ENDPOINT = URIRef(BASE + "sparql")
#: The publisher (and creator) of the dataset.
PUBLISHER = URIRef(BASE + "team")
LANDING_PAGE = URIRef(BASE)
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
CC_BY_SA = URIRef("https://creativecommons.org/licenses/by-sa/4.0/")

TITLE = "iokg: a knowledge graph of online influence operations"
DESCRIPTION = (
    "State-sponsored and paid networks of inauthentic accounts, the platforms that took "
    "them down, who sponsored them, what narratives they pushed and how platforms and "
    "governments responded, as reported by news articles. Every operation, claim, figure "
    "and response is kept with the source document that reports it (one named graph per "
    "document), its wording, qualifier and a verbatim evidence quote in the document's "
    "language. With a reference graph (platforms, companies, states, narratives, "
    "audiences), a curation graph (Wikidata links and facts from outside the documents, "
    "each with its public source) and the DISARM Red Framework V1.6 as SKOS."
)
RIGHTS = (
    "iokg's data, ontology, shapes and queries: CC BY 4.0. The DISARM concepts (graph "
    "https://w3id.org/iokg/graph/disarm) are derived from the DISARM Framework of the "
    "DISARM Foundation and keep its licence, CC BY-SA 4.0, and attribution."
)
KEYWORDS = ("influence operations", "disinformation", "coordinated inauthentic behaviour",
            "platform takedowns", "state-sponsored media", "DISARM")

#: Titles of the graphs that do not describe themselves.
_GRAPH_TITLES = {
    "reference": "iokg reference graph: platforms, companies, states, parties, media, "
                 "research organisations, audiences, narratives and local techniques",
    "curation": "iokg curation graph: facts from outside the source documents",
    "disarm": "DISARM Red Framework V1.6 as a SKOS concept scheme",
}

#: Classes whose most described instance is a void:exampleResource.
_EXAMPLE_CLASSES = (
    IO.InfluenceOperation, IO.Attribution, IO.ReportedFigure, IO.Takedown, IO.SourceDocument,
)


def _slug(iri: str) -> str:
    """A readable, IRI-safe slug of a class or property IRI: ``io-InfluenceOperation``."""
    for name, namespace in sorted(EXPORT_PREFIXES.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if iri.startswith(namespace) and iri != namespace:
            return f"{name}-{re.sub(r'[^A-Za-z0-9_.-]', '_', iri[len(namespace):])}"
    return "iri-" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]


def _graph_slug(name: URIRef) -> str:
    text = str(name)
    if text.startswith(str(DOCUMENT)):
        return "document-" + text[len(str(DOCUMENT)):]
    if text.startswith(str(GRAPH)):
        return text[len(str(GRAPH)):]
    return _slug(text)


def namespace_of(iri: str) -> str:
    """The vocabulary namespace of a term: up to the last ``#``, else the last ``/``."""
    cut = iri.rfind("#")
    if cut < 0:
        cut = iri.rfind("/")
    return iri[: cut + 1]


def _integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _english(graph: Graph, node, *properties) -> Literal | None:
    for prop in properties:
        values = sorted(
            (v for v in graph.objects(node, prop) if isinstance(v, Literal) and v.language in (None, "en")),
            key=str,
        )
        if values:
            return Literal(str(values[0]), lang="en")
    return None


class _Counts:
    """Sizes of a set of triples, as VoID states them."""

    def __init__(self, triples: set) -> None:
        self.triples = len(triples)
        self.subjects = {s for s, _, _ in triples}
        self.objects = {o for _, _, o in triples}
        self.properties = Counter(p for _, p, _ in triples)
        self.types: dict = {}
        for s, p, o in triples:
            if p == RDF.type and isinstance(o, URIRef):
                self.types.setdefault(o, set()).add(s)
        self.entities = {s for s in self.subjects if isinstance(s, URIRef) and str(s).startswith(BASE)}

    def add_to(self, graph: Graph, node: URIRef) -> None:
        graph.add((node, VOID.triples, _integer(self.triples)))
        graph.add((node, VOID.entities, _integer(len(self.entities))))
        graph.add((node, VOID.classes, _integer(len(self.types))))
        graph.add((node, VOID.properties, _integer(len(self.properties))))
        graph.add((node, VOID.distinctSubjects, _integer(len(self.subjects))))
        graph.add((node, VOID.distinctObjects, _integer(len(self.objects))))


def describe(dataset: Dataset) -> Graph:
    """The VoID/DCAT description of the data graphs of ``dataset`` (see the module)."""
    description = Graph()
    for name, namespace in EXPORT_PREFIXES.items():
        description.bind(name, namespace, override=True)
    d = description
    names = data_graph_names(dataset)
    graphs = {name: dataset.graph(name) for name in names}
    union: set = set()
    for graph in graphs.values():
        union.update(graph.triples((None, None, None)))
    counts = _Counts(union)

    # What the dataset is.
    d.add((DATASET, RDF.type, VOID.Dataset))
    d.add((DATASET, RDF.type, DCAT.Dataset))
    d.add((DATASET, DCTERMS.title, Literal(TITLE, lang="en")))
    d.add((DATASET, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    d.add((DATASET, DCTERMS.license, CC_BY))
    d.add((DATASET, DCTERMS.rights, Literal(RIGHTS, lang="en")))
    d.add((DATASET, DCTERMS.publisher, PUBLISHER))
    d.add((DATASET, DCTERMS.creator, PUBLISHER))
    d.add((DATASET, DCTERMS.conformsTo, URIRef(ONTOLOGY)))
    d.add((DATASET, DCAT.landingPage, LANDING_PAGE))
    d.add((DATASET, FOAF.homepage, LANDING_PAGE))
    for keyword in KEYWORDS:
        d.add((DATASET, DCAT.keyword, Literal(keyword, lang="en")))
    d.add((PUBLISHER, RDF.type, FOAF.Organization))
    d.add((PUBLISHER, FOAF.name, Literal("The iokg developers", lang="en")))
    d.add((PUBLISHER, FOAF.homepage, LANDING_PAGE))

    # Where it comes from: every source document of the data.
    documents = sorted({s for s, p, o in union if p == RDF.type and o == IO.SourceDocument}, key=str)
    for document in documents:
        d.add((DATASET, DCTERMS.source, document))

    # How big it is, and what is in it.
    counts.add_to(d, DATASET)
    d.add((DATASET, VOID.uriSpace, Literal(BASE)))
    vocabularies = {namespace_of(str(p)) for p in counts.properties}
    vocabularies |= {namespace_of(str(c)) for c in counts.types}
    for vocabulary in sorted(vocabularies):
        d.add((DATASET, VOID.vocabulary, URIRef(vocabulary)))
    for cls, members in counts.types.items():
        partition = URIRef(f"{DATASET}/class/{_slug(str(cls))}")
        d.add((DATASET, VOID.classPartition, partition))
        d.add((partition, RDF.type, VOID.Dataset))
        d.add((partition, VOID["class"], cls))
        d.add((partition, VOID.entities, _integer(len(members))))
    for prop, number in counts.properties.items():
        partition = URIRef(f"{DATASET}/property/{_slug(str(prop))}")
        d.add((DATASET, VOID.propertyPartition, partition))
        d.add((partition, RDF.type, VOID.Dataset))
        d.add((partition, VOID.property, prop))
        d.add((partition, VOID.triples, _integer(number)))
    for example in _examples(union, counts):
        d.add((DATASET, VOID.exampleResource, example))

    # One subset per named graph.
    for name, graph in graphs.items():
        subset = URIRef(f"{DATASET}/graph/{_graph_slug(name)}")
        d.add((DATASET, VOID.subset, subset))
        d.add((subset, RDF.type, VOID.Dataset))
        d.add((subset, RDF.type, _SD_NAMED_GRAPH))
        d.add((subset, _SD_NAME, name))
        _Counts(set(graph.triples((None, None, None)))).add_to(d, subset)
        _describe_subset(d, subset, name, graph)

    # How to get it.
    d.add((DATASET, VOID.sparqlEndpoint, SPARQL_ENDPOINT))
    d.add((SPARQL_ENDPOINT, RDF.type, DCAT.DataService))
    d.add((SPARQL_ENDPOINT, DCTERMS.title, Literal("iokg SPARQL 1.1 endpoint", lang="en")))
    d.add((SPARQL_ENDPOINT, DCAT.endpointURL, SPARQL_ENDPOINT))
    d.add((SPARQL_ENDPOINT, DCAT.servesDataset, DATASET))
    d.add((SPARQL_ENDPOINT, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    d.add((SPARQL_ENDPOINT, DCTERMS.license, CC_BY))
    for format in ExportFormat:
        d.add((DATASET, VOID.feature, URIRef(format.w3c_format)))
        distribution = URIRef(f"{DATASET}/distribution/{format.value}")
        d.add((DATASET, DCAT.distribution, distribution))
        d.add((distribution, RDF.type, DCAT.Distribution))
        d.add((distribution, DCTERMS.title, Literal(f"iokg in {format.title}", lang="en")))
        scope = "every named graph" if format.named_graphs else "the union of the named graphs"
        d.add((distribution, DCTERMS.description, Literal(
            f"Written by `iokg export --format {format.value}`: {scope}, deterministic "
            f"(sorted, canonical blank-node labels).", lang="en")))
        d.add((distribution, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/" + format.media_type)))
        d.add((distribution, DCTERMS["format"], URIRef(format.w3c_format)))
        d.add((distribution, DCAT.accessURL, LANDING_PAGE))
        d.add((distribution, DCTERMS.license, CC_BY))
    return description


def _describe_subset(d: Graph, subset: URIRef, name: URIRef, graph: Graph) -> None:
    """Title, source and licence of one named graph, from what the graph says of itself
    (the document node of a document graph, a graph that describes itself, a SKOS concept
    scheme with its licence)."""
    short = _graph_slug(name)
    title = _english(graph, name, DCTERMS.title, RDFS.label)
    licence, sources = CC_BY, set(graph.objects(name, DCTERMS.source))
    citation = None
    for scheme in sorted(set(graph.subjects(RDF.type, SKOS.ConceptScheme)) | set(graph.subjects(RDF.type, OWL.Ontology)), key=str):
        title = title or _english(graph, scheme, DCTERMS.title, RDFS.label)
        licence = graph.value(scheme, DCTERMS.license) or licence
        sources |= set(graph.objects(scheme, DCTERMS.source))
        citation = citation or graph.value(scheme, DCTERMS.bibliographicCitation)
    if str(name).startswith(str(DOCUMENT)):
        sources.add(name)
    if title is None and short in _GRAPH_TITLES:
        title = Literal(_GRAPH_TITLES[short], lang="en")
    if title is None:
        title = Literal(f"iokg named graph {name}", lang="en")
    d.add((subset, DCTERMS.title, title))
    d.add((subset, DCTERMS.license, licence))
    for source in sorted(sources, key=str):
        d.add((subset, DCTERMS.source, source))
    if citation is not None:
        d.add((subset, DCTERMS.bibliographicCitation, citation))


def _examples(union: set, counts: _Counts) -> list[URIRef]:
    """Per example class, its instance with the most statements (ties: the smallest IRI)."""
    size = Counter(s for s, _, _ in union)
    examples = []
    for cls in _EXAMPLE_CLASSES:
        members = [m for m in counts.types.get(cls, ()) if isinstance(m, URIRef)]
        if members:
            examples.append(min(members, key=lambda m: (-size[m], str(m))))
    return examples

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
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, XSD

from kg.exports.base import EXPORT_PREFIXES, SHAPES_GRAPH, VOID_GRAPH, ExportFormat, data_graph_names
from kg.exports.summary import GraphFacts, Sizes, Summary, summarize_dataset, summarize_store
from kg.namespaces import BASE, DCAT, DOCUMENT, GRAPH, ONTOLOGY, VOID

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


def _add_sizes(graph: Graph, node: URIRef, sizes: Sizes) -> None:
    graph.add((node, VOID.triples, _integer(sizes.triples)))
    graph.add((node, VOID.entities, _integer(sizes.entities)))
    graph.add((node, VOID.classes, _integer(sizes.classes)))
    graph.add((node, VOID.properties, _integer(sizes.properties)))
    graph.add((node, VOID.distinctSubjects, _integer(sizes.subjects)))
    graph.add((node, VOID.distinctObjects, _integer(sizes.objects)))


def summarize(source) -> Summary:
    """The facts the description of ``source`` (an rdflib ``Dataset`` or a
    :class:`kg.store.Store` on Oxigraph) states: computed by Oxigraph for a store, from the
    rdflib graphs otherwise."""
    names = data_graph_names(source)
    native = getattr(source, "native", None)
    if native is not None:
        return summarize_store(native, names, [URIRef(ONTOLOGY), SHAPES_GRAPH, VOID_GRAPH])
    if not isinstance(source, Dataset):
        source = source.dataset()
    return summarize_dataset(source, names)


def describe(source) -> Graph:
    """The VoID/DCAT description of the data graphs of ``source``, an rdflib ``Dataset`` or
    a :class:`kg.store.Store` (see the module)."""
    description = Graph()
    for name, namespace in EXPORT_PREFIXES.items():
        description.bind(name, namespace, override=True)
    d = description
    summary = summarize(source)

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
    for document in summary.documents:
        d.add((DATASET, DCTERMS.source, document))

    # How big it is, and what is in it.
    _add_sizes(d, DATASET, summary.union)
    d.add((DATASET, VOID.uriSpace, Literal(BASE)))
    vocabularies = {namespace_of(str(p)) for p in summary.property_triples}
    vocabularies |= {namespace_of(str(c)) for c in summary.class_entities}
    for vocabulary in sorted(vocabularies):
        d.add((DATASET, VOID.vocabulary, URIRef(vocabulary)))
    for cls, members in summary.class_entities.items():
        partition = URIRef(f"{DATASET}/class/{_slug(str(cls))}")
        d.add((DATASET, VOID.classPartition, partition))
        d.add((partition, RDF.type, VOID.Dataset))
        d.add((partition, VOID["class"], cls))
        d.add((partition, VOID.entities, _integer(members)))
    for prop, number in summary.property_triples.items():
        partition = URIRef(f"{DATASET}/property/{_slug(str(prop))}")
        d.add((DATASET, VOID.propertyPartition, partition))
        d.add((partition, RDF.type, VOID.Dataset))
        d.add((partition, VOID.property, prop))
        d.add((partition, VOID.triples, _integer(number)))
    for example in summary.examples:
        d.add((DATASET, VOID.exampleResource, example))

    # One subset per named graph.
    for name, (sizes, facts) in summary.graphs.items():
        subset = URIRef(f"{DATASET}/graph/{_graph_slug(name)}")
        d.add((DATASET, VOID.subset, subset))
        d.add((subset, RDF.type, VOID.Dataset))
        d.add((subset, RDF.type, _SD_NAMED_GRAPH))
        d.add((subset, _SD_NAME, name))
        _add_sizes(d, subset, sizes)
        _describe_subset(d, subset, name, facts)

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


def _describe_subset(d: Graph, subset: URIRef, name: URIRef, facts: GraphFacts) -> None:
    """Title, source and licence of one named graph, from what the graph says of itself
    (the document node of a document graph, a graph that describes itself, a SKOS concept
    scheme or an ontology with its licence)."""
    short = _graph_slug(name)
    title = facts.title
    sources = set(facts.sources)
    if str(name).startswith(str(DOCUMENT)):
        sources.add(name)
    if title is None and short in _GRAPH_TITLES:
        title = Literal(_GRAPH_TITLES[short], lang="en")
    if title is None:
        title = Literal(f"iokg named graph {name}", lang="en")
    d.add((subset, DCTERMS.title, title))
    d.add((subset, DCTERMS.license, facts.licence or CC_BY))
    for source in sorted(sources, key=str):
        d.add((subset, DCTERMS.source, source))
    if facts.citation is not None:
        d.add((subset, DCTERMS.bibliographicCitation, facts.citation))


#: How many descriptions the cache keeps (the most recently written).
CACHE_SIZE = 32


def cache_folder() -> Path:
    """Where computed descriptions are kept: ``$XDG_CACHE_HOME/iokg/descriptions``."""
    from kg.store.index import cache_dir

    return cache_dir().parent / "descriptions"


def description_ntriples(store, *, key: str | None = None) -> bytes:
    """The description of the Oxigraph ``store`` as N-Triples (no blank nodes).

    ``key`` names the data graphs' content (an index's digest of its files, or a digest of
    the statements, :func:`kg.exports.lines.content_key`): with one, the description is
    kept in :func:`cache_folder` under that key and the text of the code that computes it,
    and the next export of the same data reads it instead of counting the graph again (at
    a million triples counting costs several times the dump itself)."""
    import hashlib

    import pyoxigraph as ox

    from kg.errors import IokgError
    from kg.files import write_atomic
    from kg.terms import to_oxigraph

    path = None
    if key is not None:
        from kg.exports import base, summary

        digest = hashlib.sha256(key.encode("utf-8"))
        for module in (base, summary):
            digest.update(Path(module.__file__).read_bytes())
        digest.update(Path(__file__).read_bytes())
        path = cache_folder() / f"{digest.hexdigest()}.nt"
        try:
            return path.read_bytes()
        except OSError:
            pass
    graph = describe(store)
    data = ox.serialize([ox.Triple(*map(to_oxigraph, triple)) for triple in graph], format=ox.RdfFormat.N_TRIPLES)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
            kept = sorted(path.parent.glob("*.nt"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in kept[CACHE_SIZE:]:
                old.unlink(missing_ok=True)
        except (OSError, IokgError):  # a read-only cache: counted again next time
            pass
    return data

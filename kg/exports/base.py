"""What every export module shares: the formats, the prefixes written, the graph names of
an export, the order of terms and the canonical statements.

This module depends on nothing else in :mod:`kg.exports`; the writers (Turtle/TriG,
JSON-LD, the lines and RDF/XML of Oxigraph) and the VoID description import from it.
"""

from __future__ import annotations

from enum import Enum

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import FOAF, RDF

from kg import paths
from kg.errors import UsageError
from kg.namespaces import BASE, DOCUMENT, GRAPH, ONTOLOGY, PREFIXES
from kg.terms import to_oxigraph

#: The named graph of the SHACL shapes in an export (``--with-shapes``).
SHAPES_GRAPH = URIRef(BASE + "shapes")
#: The named graph of the dataset's VoID/DCAT description (part of every export).
VOID_GRAPH = GRAPH["void"]
#: The IRI by which JSON-LD exports reference the context the package ships.
CONTEXT_IRI = BASE + "context.jsonld"
#: The JSON-LD context the package ships.
CONTEXT_FILE = paths.PACKAGE / "data" / "context.jsonld"

#: Prefixes of exported files: iokg's own, plus the vocabularies its description and
#: ontology use. Only the prefixes a file uses are written.
EXPORT_PREFIXES: dict[str, str] = {k: str(v) for k, v in PREFIXES.items()}
EXPORT_PREFIXES.update(
    {
        "foaf": str(FOAF),
        "sd": "http://www.w3.org/ns/sparql-service-description#",
        "vann": "http://purl.org/vocab/vann/",
    }
)


class ExportFormat(str, Enum):
    """The RDF formats ``iokg export`` writes."""

    TURTLE = "turtle"
    LONGTURTLE = "longturtle"
    NTRIPLES = "ntriples"
    NQUADS = "nquads"
    TRIG = "trig"
    JSONLD = "jsonld"
    RDFXML = "rdfxml"

    @property
    def named_graphs(self) -> bool:
        """Whether the format keeps named graphs (else an export is the union)."""
        return self in (ExportFormat.NQUADS, ExportFormat.TRIG, ExportFormat.JSONLD)

    @property
    def media_type(self) -> str:
        return _FORMAT_INFO[self][0]

    @property
    def extension(self) -> str:
        return _FORMAT_INFO[self][1]

    @property
    def title(self) -> str:
        return _FORMAT_INFO[self][2]

    @property
    def w3c_format(self) -> str:
        """The format's IRI in the W3C registry (``http://www.w3.org/ns/formats/``)."""
        return "http://www.w3.org/ns/formats/" + _FORMAT_INFO[self][3]


class JsonLdContext(str, Enum):
    """How a JSON-LD export carries its context: ``inline`` (the whole context in the file,
    read by any JSON-LD processor offline; the default) or ``iri`` (a reference to
    :data:`CONTEXT_IRI`, for the web, where the server serves that IRI)."""

    INLINE = "inline"
    IRI = "iri"


_FORMAT_INFO = {
    ExportFormat.TURTLE: ("text/turtle", "ttl", "Turtle", "Turtle"),
    ExportFormat.LONGTURTLE: ("text/turtle", "ttl", "Turtle (long form: one object per line)", "Turtle"),
    ExportFormat.NTRIPLES: ("application/n-triples", "nt", "N-Triples", "N-Triples"),
    ExportFormat.NQUADS: ("application/n-quads", "nq", "N-Quads", "N-Quads"),
    ExportFormat.TRIG: ("application/trig", "trig", "TriG", "TriG"),
    ExportFormat.JSONLD: ("application/ld+json", "jsonld", "JSON-LD", "JSON-LD"),
    ExportFormat.RDFXML: ("application/rdf+xml", "rdf", "RDF/XML", "RDF_XML"),
}


# Graph names --------------------------------------------------------------------------


def _short_name(iri: URIRef) -> str:
    text = str(iri)
    if text == ONTOLOGY:
        return "ontology"
    if iri == SHAPES_GRAPH:
        return "shapes"
    for prefix in ("doc", "graph"):
        namespace = EXPORT_PREFIXES[prefix]
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace):]}"
    return f"<{text}>"


def data_graph_names(dataset) -> list[URIRef]:
    """The non-empty data graphs of ``dataset`` (an rdflib ``Dataset`` or a
    :class:`kg.store.Store`; not the ontology, shapes or description), sorted by IRI."""
    excluded = {URIRef(ONTOLOGY), SHAPES_GRAPH, VOID_GRAPH, DATASET_DEFAULT_GRAPH_ID}
    if not isinstance(dataset, Dataset):  # a Store: its non-empty named graphs
        return sorted((name for name in dataset.graphs() if name not in excluded), key=str)
    names = {
        graph.identifier
        for graph in dataset.graphs()
        if isinstance(graph.identifier, URIRef) and graph.identifier not in excluded and len(graph)
    }
    return sorted(names, key=str)


def known_graphs(dataset) -> list[URIRef]:
    """Every graph an export can be asked for: the data graphs, the ontology, the shapes
    and the description."""
    return data_graph_names(dataset) + [URIRef(ONTOLOGY), SHAPES_GRAPH, VOID_GRAPH]


def resolve_graph(name: str | URIRef, dataset) -> URIRef:
    """The graph IRI that ``name`` means in ``dataset`` (a ``Dataset`` or a Store): a full IRI, a prefixed name (``doc:000``,
    ``graph:reference``) or a short name (``000``, ``reference``, ``ontology``, ``shapes``,
    ``void``). :class:`UsageError` listing the known graphs if there is none."""
    known = known_graphs(dataset)
    text = str(name).strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    candidates = [text]
    prefix, colon, local = text.partition(":")
    if colon and prefix in EXPORT_PREFIXES and not local.startswith("//"):
        candidates.append(EXPORT_PREFIXES[prefix] + local)
    if not colon:
        candidates += [str(DOCUMENT[text]), str(GRAPH[text]), BASE + text]
    for candidate in candidates:
        for iri in known:
            if str(iri) == candidate:
                return iri
    listing = ", ".join(_short_name(iri) for iri in known)
    raise UsageError(f"unknown graph {str(name)!r}; known graphs: {listing}")
# Canonical statements -----------------------------------------------------------------


def term_key(term) -> tuple[int, str]:
    """The sort key of a pyoxigraph term: IRIs (by IRI), then blank nodes (by label), then
    literals (by their N-Triples form)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return (0, term.value)
    if isinstance(term, ox.BlankNode):
        return (1, term.value)
    return (2, str(term))


def quad_key(quad) -> tuple:
    """The sort key of a pyoxigraph quad: graph, subject, predicate, object (:func:`term_key`)."""
    return (term_key(quad.graph_name), term_key(quad.subject), term_key(quad.predicate), term_key(quad.object))


def canonical_quads(graphs: dict[URIRef, Graph]) -> list:
    """The statements of ``graphs`` as pyoxigraph quads (one per graph and triple), blank
    nodes relabelled by RDFC-1.0 over the whole dataset, sorted by graph, subject,
    predicate and object (their N-Quads forms)."""
    import pyoxigraph as ox

    dataset = ox.Dataset()
    for name, graph in graphs.items():
        graph_name = ox.NamedNode(str(name))
        for s, p, o in graph:
            dataset.add(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph_name))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=quad_key)

# Terms --------------------------------------------------------------------------------

XSD_NS = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = str(RDF.type)


def is_bnode(term) -> bool:
    """Whether the pyoxigraph ``term`` is a blank node."""
    import pyoxigraph as ox

    return isinstance(term, ox.BlankNode)


def is_iri(term) -> bool:
    """Whether the pyoxigraph ``term`` is an IRI."""
    import pyoxigraph as ox

    return isinstance(term, ox.NamedNode)

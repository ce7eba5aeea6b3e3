"""The export: the selected graphs of an Oxigraph store as canonical statements, written
in one format.

N-Quads, N-Triples and Turtle are written by Oxigraph from its dump, sorted as bytes
(:mod:`kg.exports.lines`: no statement becomes a Python object); TriG and long Turtle by
:mod:`kg.exports.turtle`, JSON-LD by :mod:`kg.exports.jsonld` and RDF/XML by Oxigraph (here)
from the sorted canonical quads. :func:`serialize` writes given quads (the server's
responses).
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import URIRef
from rdflib.namespace import RDF

from kg.errors import member
from kg.exports import lines
from kg.exports.base import (
    EXPORT_PREFIXES,
    SHAPES_GRAPH,
    VOID_GRAPH,
    ExportFormat,
    JsonLdContext,
    data_graph_names,
    quad_key,
    term_key,
)
from kg.exports.description import description_ntriples
from kg.exports.jsonld import write_jsonld
from kg.exports.selection import chosen_graphs, ontology_graph, shapes_graph
from kg.exports.turtle import TurtleWriter
from kg.namespaces import ONTOLOGY


def export(
    source,
    *,
    format: ExportFormat | str = ExportFormat.TURTLE,
    graphs: Iterable[str | URIRef] | None = None,
    with_ontology: bool = True,
    with_shapes: bool = False,
    context: JsonLdContext | str = JsonLdContext.INLINE,
) -> bytes:
    """Serialize ``source`` (a :class:`kg.store.Store`, or an rdflib ``Dataset``: the data
    graphs, or ``graphs``; the ontology unless ``with_ontology`` is false, since the named
    queries reach subclasses and subproperties through it; the shapes if asked for; always
    the VoID/DCAT description) in ``format``. ``context`` says how JSON-LD carries its
    context (inline by default).

    The statements are read from an Oxigraph store (a ``Dataset`` or another store is
    copied into one first), so typed literals are written in the canonical form Oxigraph
    keeps them in (``3500.0`` as ``"3500"^^xsd:decimal``) whatever the source. The output
    is deterministic: the same graphs give the same bytes on every run and store.
    Raises :class:`UsageError` for an unknown format, context mode or graph name.
    """
    format = member(ExportFormat, format, what="export format")
    context = member(JsonLdContext, context, what="JSON-LD context mode")
    store = oxigraph_store(source)
    names = chosen_graphs(store, graphs=graphs, with_ontology=with_ontology, with_shapes=with_shapes)
    held = set(store.graphs())
    extra = {}
    if URIRef(ONTOLOGY) in names and URIRef(ONTOLOGY) not in held:
        extra[URIRef(ONTOLOGY)] = ontology_graph()
    if SHAPES_GRAPH in names:
        extra[SHAPES_GRAPH] = shapes_graph()
    statements = lines.collect(store.native, [n for n in names if n not in extra], extra)
    # The description covers every data graph, whichever are exported: keyed by the index's
    # digest of the files, or by the statements when all the data graphs are here.
    data = data_graph_names(store)
    key = store.digest
    if key is None and set(data) <= set(names):
        key = lines.content_key(statements, data)
    lines.add_plain(statements, VOID_GRAPH, description_ntriples(store, key=key))
    if format is ExportFormat.NQUADS:
        return lines.nquads(statements)
    if format is ExportFormat.NTRIPLES:
        return lines.ntriples(statements)
    if format is ExportFormat.TURTLE:
        return lines.turtle(statements)
    import pyoxigraph as ox

    quads = sorted(ox.parse(lines.nquads(statements), format=ox.RdfFormat.N_QUADS), key=quad_key)
    return serialize(quads, format, context=context)


def oxigraph_store(source):
    """``source`` if it is a store on Oxigraph, else its named graphs copied into an
    Oxigraph store in memory (through N-Quads)."""
    from kg.store.base import Store
    from kg.store.oxigraph import OxigraphStore

    if isinstance(source, OxigraphStore):
        return source
    import pyoxigraph as ox

    if isinstance(source, Store):
        data = source.dump("nquads")
    else:
        data = source.serialize(format="nquads", encoding="utf-8")
    store = OxigraphStore()
    store.native.load(data, format=ox.RdfFormat.N_QUADS)
    return store


def serialize(quads: list, format: ExportFormat, *, context: JsonLdContext = JsonLdContext.INLINE) -> bytes:
    """Write sorted canonical ``quads`` (from :func:`canonical_quads`) in ``format``; JSON-LD
    with its context inline or referenced by IRI (``context``)."""
    if format is ExportFormat.NQUADS:
        return _sorted_lines(quads, quad_format=True)
    if format is ExportFormat.NTRIPLES:
        return _sorted_lines(quads, quad_format=False)
    if format is ExportFormat.RDFXML:
        return _rdfxml(quads)
    if format is ExportFormat.JSONLD:
        return write_jsonld(quads, context_mode=context)
    writer = TurtleWriter(long=format is ExportFormat.LONGTURTLE)
    if format is ExportFormat.TRIG:
        return writer.trig(quads).encode("utf-8")
    return writer.turtle([q.triple for q in quads]).encode("utf-8")


def _sorted_lines(quads: list, *, quad_format: bool) -> bytes:
    import pyoxigraph as ox

    if quad_format:
        text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    else:
        text = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
    lines = sorted(set(text.decode("utf-8").splitlines()))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _union_triples(quads: list) -> list:
    seen = set()
    triples = []
    for quad in quads:
        key = (term_key(quad.subject), term_key(quad.predicate), term_key(quad.object))
        if key not in seen:
            seen.add(key)
            triples.append((key, quad.triple))
    return [triple for _, triple in sorted(triples, key=lambda item: item[0])]


def _rdfxml(quads: list) -> bytes:
    import pyoxigraph as ox

    triples = _union_triples(quads)
    used = {t.predicate.value for t in triples} | {
        t.object.value for t in triples if t.predicate.value == str(RDF.type) and isinstance(t.object, ox.NamedNode)
    }
    prefixes = {
        name: namespace
        for name, namespace in sorted(EXPORT_PREFIXES.items())
        if any(iri.startswith(namespace) for iri in used)
    }
    return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes)

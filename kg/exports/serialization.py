"""The export: the selected graphs as canonical statements, written in one format.

Turtle and TriG are written by :mod:`kg.exports.turtle`, JSON-LD by
:mod:`kg.exports.jsonld`; N-Triples, N-Quads and RDF/XML by Oxigraph (here) from the
sorted statements.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Dataset, URIRef
from rdflib.namespace import RDF

from kg.errors import member
from kg.exports.base import EXPORT_PREFIXES, ExportFormat, JsonLdContext, canonical_quads, term_key
from kg.exports.jsonld import write_jsonld
from kg.exports.selection import select
from kg.exports.turtle import TurtleWriter


def export(
    dataset: Dataset,
    *,
    format: ExportFormat | str = ExportFormat.TURTLE,
    graphs: Iterable[str | URIRef] | None = None,
    with_ontology: bool = True,
    with_shapes: bool = False,
    context: JsonLdContext | str = JsonLdContext.INLINE,
) -> bytes:
    """Serialize ``dataset`` (the data graphs, or ``graphs``; the ontology unless
    ``with_ontology`` is false, since the named queries reach subclasses and
    subproperties through it; the shapes if asked for; always the VoID/DCAT description)
    in ``format``. ``context`` says how JSON-LD carries its context (inline by default).

    The output is deterministic: the same graphs give the same bytes on every run.
    Raises :class:`UsageError` for an unknown format, context mode or graph name.
    """
    format = member(ExportFormat, format, what="export format")
    context = member(JsonLdContext, context, what="JSON-LD context mode")
    selected = select(dataset, graphs=graphs, with_ontology=with_ontology, with_shapes=with_shapes)
    return serialize(canonical_quads(selected), format, context=context)


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

"""Export the iokg graph in the standard RDF formats, deterministically.

``export(store, format=ExportFormat.TURTLE)`` returns the bytes of one file: the data graphs
of ``store`` (a :class:`kg.store.Store`, or an rdflib ``Dataset``; or the ``graphs`` asked
for), the dataset's VoID/DCAT description (graph ``https://w3id.org/iokg/graph/void``,
always included), the ontology (graph ``https://w3id.org/iokg/ontology``, included unless
``with_ontology=False``: the named queries reach subclasses and subproperties through its
hierarchy, so an export without it does not give iokg's answers) and, on request, the SHACL
shapes, each in its own named graph.

Formats with named graphs (N-Quads, TriG, JSON-LD) keep every graph; the others (Turtle,
long Turtle, N-Triples, RDF/XML) get the union of the chosen graphs.

Determinism: the same graph gives byte-identical output on every run, machine and store.
The statements are read from an Oxigraph store (a ``Dataset`` or another store is copied
into one), so typed literals are written in the canonical form Oxigraph keeps
(``"3500"^^xsd:decimal`` for ``3500.0``). Blank nodes get canonical labels (W3C RDF
Dataset Canonicalization, RDFC-1.0, computed by Oxigraph over the statements of the
exported dataset that mention blank nodes: ``_:c14n0`` …); statements, subjects,
predicates, objects, graphs and prefixes are written in sorted order; nothing of the run
(no time, no path, no random label) is written. N-Quads, N-Triples and Turtle are written
by Oxigraph from its dump, sorted as bytes (:mod:`kg.exports.lines`); long Turtle and TriG
by iokg (:mod:`kg.exports.turtle`); RDF/XML by Oxigraph from the sorted statements
(:mod:`kg.exports.serialization`); JSON-LD is built in expanded form from the
sorted statements and compacted by pyld with the context the package ships
(``kg/data/context.jsonld``, :mod:`kg.exports.jsonld`), which the output carries inline
(the default: any JSON-LD reader reads it offline) or references by its IRI
:data:`CONTEXT_IRI` (``context="iri"``); :func:`document_loader` serves that IRI from the
package, without the network.

The package, by concern: :mod:`~kg.exports.base` (formats, prefixes, graph names, term
order, canonical statements), :mod:`~kg.exports.selection` (which graphs an export holds),
:mod:`~kg.exports.serialization` (``export`` and ``serialize``), :mod:`~kg.exports.turtle`,
:mod:`~kg.exports.jsonld`, :mod:`~kg.exports.lines` (the store's dump, sorted),
:mod:`~kg.exports.description` (VoID/DCAT) with :mod:`~kg.exports.summary` (its counts,
from rdflib or by Oxigraph) and ``__main__``
(``python -m kg.exports --write-context``).
"""

from kg.exports.base import (
    CONTEXT_FILE,
    CONTEXT_IRI,
    EXPORT_PREFIXES,
    SHAPES_GRAPH,
    VOID_GRAPH,
    ExportFormat,
    JsonLdContext,
    canonical_quads,
    data_graph_names,
    known_graphs,
    resolve_graph,
    term_key,
)
from kg.exports.jsonld import build_context, context, context_text, document_loader, expanded_jsonld
from kg.exports.selection import select
from kg.exports.serialization import export, serialize
from kg.files import write_atomic

__all__ = [
    "CONTEXT_FILE",
    "CONTEXT_IRI",
    "EXPORT_PREFIXES",
    "SHAPES_GRAPH",
    "VOID_GRAPH",
    "ExportFormat",
    "JsonLdContext",
    "build_context",
    "canonical_quads",
    "context",
    "context_text",
    "data_graph_names",
    "document_loader",
    "expanded_jsonld",
    "export",
    "known_graphs",
    "resolve_graph",
    "select",
    "serialize",
    "term_key",
    "write_atomic",
]

"""The pieces of HTML every page of the server shares: the frame, links to resources, terms
shown by their label. Pages use the server's own stylesheet only (no CDN, no web fonts)."""

from __future__ import annotations

from html import escape

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from kg.results import _short as prefixed

__all__ = ["escape", "page", "label", "term", "prefixed"]


def page(title: str, body: str, *, own_base: str = "/") -> str:
    """A whole HTML page with the site's navigation."""
    nav = " · ".join(
        f'<a href="{own_base}{path}">{name}</a>'
        for path, name in (("", "query"), ("queries", "named queries"), ("ontology", "ontology"),
                           ("shapes", "shapes"), (".well-known/void", "dataset (VoID)"), ("sparql", "endpoint"))
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{escape(title)} · iokg</title>"
        f"<link rel=\"stylesheet\" href=\"{own_base}static/app.css\"></head>\n"
        f"<body><header><a class=\"brand\" href=\"{own_base}\">iokg</a> <nav>{nav}</nav></header>\n"
        f"<main>\n{body}\n</main></body></html>\n"
    )


def label(graph, node) -> str:
    """The English label of ``node`` in ``graph`` (any label if none is English), or its
    prefixed name."""
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    fallback = None
    for prop in (RDFS.label, SKOS.prefLabel):
        for value in graph.objects(node, prop):
            if isinstance(value, Literal):
                if value.language in ("en", None):
                    return str(value)
                fallback = fallback or str(value)
    return fallback or prefixed(node)


def term(graph, node, local) -> str:
    """``node`` as HTML: an IRI as a link (to this server when it is under the base) with its
    label, a literal with its language or datatype."""
    if isinstance(node, URIRef):
        return f'<a href="{escape(local(str(node)))}" title="{escape(str(node))}">{escape(label(graph, node))}</a>'
    if isinstance(node, BNode):
        return f"<code>_:{escape(str(node))}</code>"
    text = escape(str(node))
    if node.language:
        return f'<span lang="{escape(node.language)}">{text}</span> <small>@{escape(node.language)}</small>'
    if node.datatype is not None:
        return f'{text} <small>{escape(prefixed(node.datatype))}</small>'
    return text

"""The ontology page, by pyLODE (the field's tool; its OntPub profile), with every class
and property, their definitions, domains, ranges and hierarchy; iokg adds the site
navigation (so the ontology page links to the shapes page), writes the title once, and
reads back the id pyLODE gives each term (``Advertisingban`` for ``io:AdvertisingBan``) so
that the other pages link to ids that exist."""

from __future__ import annotations

import html
import logging
import re

from rdflib import Graph

from kg.docs.markup import site_nav
from kg.errors import IokgError

#: A term's section on pyLODE's page: its id, then the IRI in the first row of its table.
_ENTITY = re.compile(
    r'<div class="[^"]*\bentity\b[^"]*" id="([^"]+)">.*?<th>IRI</th>\s*<td>\s*<code>([^<]+)</code>', re.DOTALL
)
_H1 = re.compile(r"<h1>.*?</h1>", re.DOTALL)


def ontology_page(ontology: Graph, *, title: str) -> tuple[str, dict[str, str]]:
    """pyLODE's OntPub page of ``ontology`` with ``title`` as its one heading and the site
    navigation, and the id of each term on it (IRI → id)."""
    try:
        from pylode import OntPub
    except Exception as error:  # pyLODE 3.4.1 fails on import outside a source checkout
        raise IokgError(
            f"pyLODE is not usable ({type(error).__name__}: {error}); install it with "
            f"pip install 'pylode>=3.2,<3.4'"
        ) from None
    copy = Graph()
    for prefix, namespace in ontology.namespaces():
        copy.bind(prefix, namespace, override=True)
    copy += ontology
    previous = logging.root.manager.disable
    logging.disable(logging.INFO)  # pyLODE logs its progress at INFO and DEBUG
    try:
        text = OntPub(ontology=copy, sort_subjects=True).make_html()
    finally:
        logging.disable(previous)
    # pyLODE joins dcterms:title and rdfs:label into one heading; say the title once.
    text = _H1.sub(lambda _: f"<h1>{html.escape(title)}</h1>", text, count=1)
    text = re.sub(r"<title>.*?</title>", f"<title>{html.escape(title)}</title>", text, count=1, flags=re.DOTALL)
    text = text.replace('<div id="content">', '<div id="content">\n' + site_nav("ontology.html"), 1)
    anchors = {iri.strip(): ident for ident, iri in _ENTITY.findall(text)}
    return text, anchors

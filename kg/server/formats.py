"""Content negotiation: which result or RDF format a request asks for.

SELECT and ASK results go out in the SPARQL 1.1 result formats (JSON, XML, CSV, TSV);
CONSTRUCT and DESCRIBE results and Linked Data descriptions in the RDF formats of
:class:`kg.exports.ExportFormat`; browsers get HTML where there is a page. The ``Accept``
header decides (RFC 9110 section 12.5.1: media ranges with q-values, the most specific range
wins); a ``format=`` parameter (a format name such as ``csv`` or a media type) overrides it,
for links a browser follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from kg.exports import ExportFormat
from kg.results import ResultFormat


class Kind(str, Enum):
    """What a response carries."""

    RESULTS = "results"  # SELECT or ASK
    GRAPH = "graph"  # CONSTRUCT, DESCRIBE or a Linked Data description
    PAGE = "page"  # an HTML page


@dataclass(frozen=True)
class Choice:
    """A format a response can be written in."""

    name: str
    media_type: str
    kind: Kind
    result: ResultFormat | None = None
    rdf: ExportFormat | None = None


#: The SPARQL 1.1 result formats, first the default.
RESULT_FORMATS = (
    Choice("json", "application/sparql-results+json", Kind.RESULTS, result=ResultFormat.JSON),
    Choice("xml", "application/sparql-results+xml", Kind.RESULTS, result=ResultFormat.XML),
    Choice("csv", "text/csv", Kind.RESULTS, result=ResultFormat.CSV),
    Choice("tsv", "text/tab-separated-values", Kind.RESULTS, result=ResultFormat.TSV),
)
#: The RDF formats of graph results, first the default.
GRAPH_FORMATS = tuple(
    Choice(f.value, f.media_type, Kind.GRAPH, rdf=f)
    for f in (ExportFormat.TURTLE, ExportFormat.NTRIPLES, ExportFormat.NQUADS, ExportFormat.TRIG,
              ExportFormat.JSONLD, ExportFormat.RDFXML)
)
HTML = Choice("html", "text/html", Kind.PAGE)

#: Other names clients use for the same media types.
_ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "text/x-nquads": "application/n-quads",
    "application/json+ld": "application/ld+json",
    "application/xhtml+xml": "text/html",
}


#: Other names of formats in ``format=`` (as SPARQLWrapper, Fuseki and Virtuoso clients send them),
#: by the kind of response: ``xml`` is SPARQL XML for results but RDF/XML for a graph.
_FORMAT_NAMES = {
    Kind.RESULTS: {"sparql-results+json": "json", "srj": "json", "sparql-results+xml": "xml", "srx": "xml"},
    Kind.GRAPH: {"xml": "rdfxml", "rdf+xml": "rdfxml", "rdf": "rdfxml", "json-ld": "jsonld", "json": "jsonld",
                 "ttl": "turtle", "n3": "turtle", "nt": "ntriples", "n-triples": "ntriples", "nq": "nquads",
                 "n-quads": "nquads"},
}


class NotAcceptable(Exception):
    """No format the client accepts fits the response (HTTP 406)."""

    def __init__(self, offered: tuple[Choice, ...]) -> None:
        self.offered = offered
        super().__init__("none of the accepted media types is available; available: "
                         + ", ".join(c.media_type for c in offered))


def parse_accept(header: str) -> list[tuple[str, float, int]]:
    """The media ranges of an ``Accept`` header as (range, q, specificity)."""
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append((_ALIASES.get(media, media), q, specificity))
    return ranges


def _quality(ranges: list[tuple[str, float, int]], media_type: str) -> float:
    best: tuple[int, float] | None = None
    for media, q, specificity in ranges:
        if media == media_type or media == "*/*" or (media.endswith("/*") and media_type.startswith(media[:-1])):
            if best is None or specificity > best[0]:
                best = (specificity, q)
    return best[1] if best else 0.0


def negotiate(offered: tuple[Choice, ...], *, accept: str | None, format: str | None = None) -> Choice:
    """The format of ``offered`` the request prefers: ``format`` (a name or media type) if
    it names one, else the best of ``accept``; the first offered when the client states nothing.
    Raises :class:`NotAcceptable`."""
    if format:
        wanted = _ALIASES.get(format.lower(), format.lower())
        for choice in offered:
            names = _FORMAT_NAMES.get(choice.kind, {})
            if wanted in (choice.name, choice.media_type) or names.get(wanted) == choice.name:
                return choice
        # A name this response has no format for (SPARQLWrapper sends "format=xml" along with
        # its Accept header): the Accept header decides.
    if not accept or not accept.strip():
        return offered[0]
    ranges = parse_accept(accept)
    scored = [(_quality(ranges, c.media_type), -i, c) for i, c in enumerate(offered)]
    q, _, choice = max(scored, key=lambda item: (item[0], item[1]))
    if q <= 0:
        raise NotAcceptable(offered)
    return choice

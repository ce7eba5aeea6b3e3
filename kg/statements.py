"""Per-source qualified statements: which document says what about a node.

A node shared by several documents (an operation told by documents 002 and 003) mixes
their statements; only the named graphs say which document stated which, and a union of
the graphs (a Turtle export, a store's union default graph) loses it. For the statements
documents may disagree on — sponsor, platforms, targets, narratives, origin, dates —
``kg.load`` derives one ``io:QualifiedStatement`` per triple of a document graph into the
graph ``graph:statements``::

    stmt:002-3f…  a io:QualifiedStatement ;
        io:statementSubject op:china-2020 ; io:statementProperty io:pushesNarrative ;
        io:statementObject narr:covid-19 ; io:strength io:direct ; io:reportedIn doc:002 .

so that "what does each source say about the June 2020 China network's narratives?" has an
answer on the union as well as with ``GRAPH``. Readings a document does not state outright
are written by curators as statements of strength ``io:inferred`` with ``io:reason``, in
the document's graph and without the plain triple; nothing is derived for them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.namespaces import DOCUMENT, GRAPH, IO, STATEMENT

#: The derived graph of per-source qualified statements.
STATEMENTS = GRAPH["statements"]

#: The properties whose statements are kept per source.
QUALIFIED_PROPERTIES = (IO.sponsoredBy, IO.activeOn, IO.targets, IO.pushesNarrative, IO.originCountry, IO.date)

_PROPERTY_WORDS = {
    IO.sponsoredBy: "is sponsored by",
    IO.activeOn: "is active on",
    IO.targets: "targets",
    IO.pushesNarrative: "pushes",
    IO.originCountry: "works from",
    IO.date: "is dated",
}


def statement_iri(document: URIRef, subject: URIRef, predicate: URIRef, value) -> URIRef:
    """The IRI of the statement that ``document`` says ``subject predicate value``: the
    document's name and a digest of the triple, stable across runs and stores."""
    name = str(document)[len(str(DOCUMENT)):].lower().replace("_", "-")
    key = "\n".join((str(document), str(subject), str(predicate), value.n3()))
    return STATEMENT[f"{name}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"]


def derive(quads: Iterable[tuple], labels: dict) -> Iterator[tuple]:
    """The triples of the qualified statements for ``quads`` (subject, predicate, value,
    document graph) of the qualified properties; ``labels`` maps nodes to English labels."""
    for subject, predicate, value, document in quads:
        if predicate not in _PROPERTY_WORDS or not str(document).startswith(str(DOCUMENT)):
            continue
        node = statement_iri(document, subject, predicate, value)
        shown = labels.get(value, str(value)) if isinstance(value, URIRef) else str(value)
        name = str(document)[len(str(DOCUMENT)):]
        label = f"Document {name}: {labels.get(subject, str(subject))} {_PROPERTY_WORDS[predicate]} {shown}"
        yield node, RDF.type, IO.QualifiedStatement
        yield node, RDFS.label, Literal(label, lang="en")
        yield node, IO.statementSubject, subject
        yield node, IO.statementProperty, predicate
        yield node, IO.statementObject if isinstance(value, URIRef) else IO.statementValue, value
        yield node, IO.strength, IO.direct
        yield node, IO.reportedIn, document


def add_statements(dataset: Dataset) -> None:
    """Derive the qualified statements of every document graph of ``dataset`` into the
    graph ``graph:statements`` (see the module's docstring)."""
    quads = []
    for predicate in QUALIFIED_PROPERTIES:
        quads.extend((s, p, o, _name(g)) for s, p, o, g in dataset.quads((None, predicate, None, None)))
    # io:date is kept per source for responses only (claims and events have one source).
    responses = _instances(dataset, IO.PolicyResponse)
    quads = [q for q in quads if q[1] != IO.date or q[0] in responses]
    nodes = {s for s, _, _, _ in quads} | {o for _, _, o, _ in quads if isinstance(o, URIRef)}
    labels = {}
    for node in nodes:
        english = sorted(
            str(o) for _, _, o, _ in dataset.quads((node, RDFS.label, None, None)) if getattr(o, "language", None) == "en"
        )
        if english:
            labels[node] = english[0]
    graph = dataset.graph(STATEMENTS)
    for triple in derive(sorted(quads), labels):
        graph.add(triple)


def _instances(dataset: Dataset, cls: URIRef) -> set:
    """The nodes typed ``cls`` or one of its subclasses (through the ontology's
    rdfs:subClassOf, no reasoner)."""
    classes, frontier = {cls}, [cls]
    while frontier:
        for sub, _, _, _ in dataset.quads((None, RDFS.subClassOf, frontier.pop(), None)):
            if sub not in classes:
                classes.add(sub)
                frontier.append(sub)
    return {s for c in classes for s, _, _, _ in dataset.quads((None, RDF.type, c, None))}


def _name(graph) -> URIRef:
    return graph.identifier if hasattr(graph, "identifier") else graph

"""Exports from an Oxigraph store at the speed of Oxigraph's own dump: N-Quads, N-Triples
and Turtle.

Oxigraph writes each chosen graph as N-Triples (``Store.dump``); the graph name is appended
to every line by one ``bytes.replace`` (an N-Triples line ends in `` .\\n`` and nowhere
else: a literal's newline is escaped); the lines are sorted as bytes (the order of their
text: UTF-8 keeps code-point order) and, for formats without named graphs, made unique.
Blank nodes: the statements that mention one are taken out of the dumps (found by
searching the bytes for ``_:``, then parsed to tell a blank node from ``_:`` in a
literal), relabelled by RDFC-1.0 (``_:c14n0`` …; the algorithm only reads the statements
that mention blank nodes, so running it on them alone gives the labels it gives on the
whole dataset) and written again. Turtle is Oxigraph's Turtle serializer over the sorted
N-Triples. No statement is converted to an rdflib term on the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from kg.exports.base import EXPORT_PREFIXES

_BLANK = b"_:"


@dataclass
class Lines:
    """The statements of an export, split for writing: per graph, the N-Triples of its
    statements without blank nodes; and the statements with blank nodes as pyoxigraph
    quads, canonically labelled."""

    plain: list[tuple[URIRef, bytes]] = field(default_factory=list)
    blank: list = field(default_factory=list)


def _take_blank_lines(data: bytes) -> tuple[bytes, list[bytes]]:
    """``data`` (N-Triples) without the lines that contain ``_:``, and those lines."""
    position = data.find(_BLANK)
    if position < 0:
        return data, []
    kept, taken, start = [], [], 0
    while position >= 0:
        begin = data.rfind(b"\n", 0, position) + 1
        end = data.find(b"\n", position)
        end = len(data) if end < 0 else end + 1
        kept.append(data[start:begin])
        taken.append(data[begin:end])
        start = end
        position = data.find(_BLANK, end)
    kept.append(data[start:])
    return b"".join(kept), taken


def collect(native, names: list[URIRef], extra: dict[URIRef, Graph | bytes]) -> Lines:
    """The statements of the graphs ``names`` of the pyoxigraph store ``native`` and of the
    graphs ``extra`` (ontology, shapes, description: small; rdflib graphs or N-Triples),
    ready to write."""
    import pyoxigraph as ox

    from kg.terms import to_oxigraph

    lines = Lines()
    blank, back = [], []
    chunks: list[tuple[URIRef, bytes]] = []
    for name in names:
        chunks.append((name, native.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(name)))))
    for name, graph in extra.items():
        if isinstance(graph, bytes):
            chunks.append((name, graph))
            continue
        triples = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph]
        chunks.append((name, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)))
    for name, data in chunks:
        data, taken = _take_blank_lines(data)
        graph_name = ox.NamedNode(str(name))
        for line in taken:
            triple = next(iter(ox.parse(line, format=ox.RdfFormat.N_TRIPLES)))
            if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
                blank.append(ox.Quad(triple.subject, triple.predicate, triple.object, graph_name))
            else:  # "_:" inside a literal
                back.append(line if line.endswith(b"\n") else line + b"\n")
        lines.plain.append((name, data + b"".join(back) if back else data))
        back.clear()
    dataset = ox.Dataset(blank)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines.blank = list(dataset)
    return lines


def add_plain(lines: Lines, name: URIRef, data: bytes) -> None:
    """Add the graph ``name`` written as N-Triples ``data`` that has no blank node (the
    description: :func:`kg.exports.description.describe` makes none)."""
    lines.plain.append((name, data))


def content_key(lines: Lines, names: list[URIRef]) -> str:
    """A digest of the statements of the graphs ``names`` in ``lines`` (their dumps, and
    every canonically labelled statement with a blank node): equal digests, equal graphs."""
    import hashlib

    import pyoxigraph as ox

    wanted = set(names)
    digest = hashlib.sha1(b"iokg graphs\n")  # a content key, not a signature
    for name, data in lines.plain:
        if name in wanted:
            digest.update(b"%s %d\n" % (str(name).encode("utf-8"), len(data)))
            digest.update(data)
    digest.update(b"".join(sorted(ox.serialize([q], format=ox.RdfFormat.N_QUADS) for q in lines.blank)))
    return digest.hexdigest()


def _finish(lines: list[bytes]) -> bytes:
    """Sorted ``lines`` (the empty ones first) joined, each ended by a newline."""
    start = 0
    while start < len(lines) and not lines[start]:
        start += 1
    if start == len(lines):
        return b""
    return b"\n".join(lines[start:] if start else lines) + b"\n"


def nquads(lines: Lines) -> bytes:
    """The statements as sorted N-Quads lines."""
    import pyoxigraph as ox

    every: list[bytes] = []
    for name, data in lines.plain:
        suffix = b" <" + str(name).encode("utf-8") + b"> ."
        every += [line[:-2] + suffix for line in data.split(b"\n") if line]
    every += ox.serialize(lines.blank, format=ox.RdfFormat.N_QUADS).split(b"\n")
    every.sort()
    return _finish(every)


def ntriples(lines: Lines) -> bytes:
    """The union of the statements' graphs as sorted, unique N-Triples lines."""
    import itertools

    import pyoxigraph as ox

    chunks = [data for _, data in lines.plain]
    chunks.append(ox.serialize([quad.triple for quad in lines.blank], format=ox.RdfFormat.N_TRIPLES))
    every = b"".join(chunks).split(b"\n")
    every.sort()
    return _finish([line for line, _ in itertools.groupby(every)])


def turtle(lines: Lines) -> bytes:
    """The union as Turtle, written by Oxigraph from the sorted N-Triples: one block per
    subject in N-Triples order, ``a`` for rdf:type, short numbers and booleans, prefixed
    names for the namespaces of :data:`EXPORT_PREFIXES` (all declared, sorted by name:
    finding the ones a file uses would cost a scan of the data per prefix)."""
    import pyoxigraph as ox

    data = ntriples(lines)
    statements = ox.parse(data, format=ox.RdfFormat.N_TRIPLES, lenient=True)  # written by Oxigraph just now
    return ox.serialize(statements, format=ox.RdfFormat.TURTLE, prefixes=dict(sorted(EXPORT_PREFIXES.items())))

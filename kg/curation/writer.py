"""The Turtle files ``add`` and ``remove`` write: deterministic, prefixed, sorted, and
keeping what a curator wrote around the statements.

A graph file is rewritten as a whole with iokg's deterministic Turtle writer (prefixed
names, ``a``, inline blank nodes, statements sorted) under one prefix block. The sections of
a hand-written file (its header comment, and each ``# Banner ----`` comment with the
statements under it) are kept in their order: a statement stays in the section that held
it (a new statement of a known node joins the node's first section), a new node joins the
section that holds most nodes of its class, or a last section. The same graph and the
same original text give the same bytes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from kg.placement import statements_of


_DIRECTIVE = re.compile(r"^\s*(@prefix|@base|PREFIX|BASE)\b", re.IGNORECASE)
_PREFIX_LINE = re.compile(r"^@prefix [^:]*: <[^>]*> \.$")


@dataclass
class _Section:
    comment: list[str]
    keys: list[tuple] = field(default_factory=list)  # (subject, predicate) pairs it states first


def _split(text: str) -> tuple[list[str], list[str], list[tuple[list[str], str]]]:
    """The file's header comment, its directive lines, and its sections (comment lines and
    the statements under them)."""
    lines = text.splitlines()
    index = 0
    header = []
    while index < len(lines) and (lines[index].startswith("#") or not lines[index].strip()):
        header.append(lines[index])
        index += 1
    directives = []
    while index < len(lines) and (_DIRECTIVE.match(lines[index]) or not lines[index].strip()):
        if lines[index].strip():
            directives.append(lines[index])
        index += 1
    sections: list[tuple[list[str], list[str]]] = []
    comment: list[str] = []
    body: list[str] = []
    previous_blank = True
    for line in lines[index:]:
        if line.startswith("#") and (previous_blank or comment) and not body:
            comment.append(line)
        elif line.startswith("#") and previous_blank:
            sections.append((comment, body))
            comment, body = [line], []
        else:
            body.append(line)
        previous_blank = not line.strip()
    sections.append((comment, body))
    while header and not header[-1].strip():
        header.pop()
    return header, directives, [(c, "\n".join(b)) for c, b in sections if c or "".join(b).strip()]


def _sections(text: str, graph: Graph) -> tuple[list[str], list[_Section]] | None:
    """The header and the sections of ``text``, each with the nodes it describes; None when
    the text cannot be split so (then the file is written without its sections)."""
    header, directives, parts = _split(text)
    prefix_text = "\n".join(directives) + "\n"
    sections = []
    seen: set = set()
    for comment, body in parts:
        try:
            part = Graph().parse(data=prefix_text + body, format="turtle")
        except Exception:  # a section that does not parse alone (a comment inside a statement)
            return None
        section = _Section(comment=comment)
        for key in sorted({(s, p) for s, p, _ in part if isinstance(s, URIRef)}):
            if key not in seen:
                seen.add(key)
                section.keys.append(key)
        sections.append(section)
    return header, sections


def _body(graph: Graph, name: URIRef) -> tuple[str, set[str]]:
    from kg.exports import ExportFormat, canonical_quads, serialize

    text = serialize(canonical_quads({name: graph}), ExportFormat.TURTLE).decode("utf-8")
    prefixes = set()
    lines = text.splitlines()
    index = 0
    while index < len(lines) and (_PREFIX_LINE.match(lines[index]) or not lines[index].strip()):
        if lines[index].strip():
            prefixes.add(lines[index])
        index += 1
    return "\n".join(lines[index:]).strip("\n"), prefixes


def _statements(graph: Graph, keys: set) -> Graph:
    part = Graph()
    for subject, predicate in keys:
        for triple in graph.triples((subject, predicate, None)):
            part.add(triple)
            if isinstance(triple[2], BNode):
                part += statements_of(graph, triple[2])
    return part


def render(graph: Graph, *, name: URIRef, original: str | None = None, header: Sequence[str] = ()) -> bytes:
    """The Turtle file of the named graph ``name`` holding ``graph``: ``original``'s header
    comment and sections kept (see the module docstring), or ``header`` (comment lines) for
    a new file. Deterministic: the same arguments give the same bytes."""
    split = _sections(original, graph) if original else None
    if split is None:
        head = list(header) or (_split(original)[0] if original else [])
        body, prefixes = _body(graph, name)
        blocks = [body] if body else []
    else:
        head, sections = split
        placed: dict = {}  # (subject, predicate) -> section
        first: dict = {}  # subject -> the section that states it first
        for index, section in enumerate(sections):
            for key in section.keys:
                placed.setdefault(key, index)
                first.setdefault(key[0], index)
        members: dict[int, set] = {i: set() for i in range(len(sections))}
        trailing: set = set()
        for subject in sorted({s for s in graph.subjects() if isinstance(s, URIRef)}):
            home = first.get(subject)
            if home is None:
                votes: Counter = Counter()
                for kind in graph.objects(subject, RDF.type):
                    for other, index in first.items():
                        if (other, RDF.type, kind) in graph:
                            votes[index] += 1
                home = min(votes, key=lambda i: (-votes[i], i)) if votes else None
            for predicate in set(graph.predicates(subject)):
                index = placed.get((subject, predicate), home)
                (members[index] if index is not None else trailing).add((subject, predicate))
        orphans = {s for s in graph.subjects() if isinstance(s, BNode)} - {
            o for o in graph.objects() if isinstance(o, BNode)}
        blocks, prefixes = [], set()
        for index, section in enumerate(sections):
            part = _statements(graph, members[index])
            body, used = _body(part, name) if len(part) else ("", set())
            prefixes |= used
            if section.comment or body:
                blocks.append("\n".join(section.comment + ([""] if section.comment and body else []) + [body]).strip("\n"))
        if trailing or orphans:
            part = _statements(graph, trailing)
            for orphan in orphans:
                part += statements_of(graph, orphan)
            body, used = _body(part, name)
            prefixes |= used
            blocks.append("# Added by iokg " + "-" * 70 + "\n\n" + body)
        if any(re.search(r"(^|[\s(\[,;])_:", block) for block in blocks):
            # Labelled blank nodes shared across sections: write the graph as one block.
            return render(graph, name=name, original=None, header=head)
    text = "\n".join(head).rstrip("\n")
    if prefixes:
        text += ("\n\n" if text else "") + "\n".join(sorted(prefixes, key=lambda p: p.split()[1]))
    for block in blocks:
        text += "\n\n" + block
    return (text.strip("\n") + "\n").encode("utf-8")


def new_header(name: URIRef, *, sources: Sequence[str]) -> list[str]:
    """The header comment of a new graph file."""
    from kg.namespaces import short_name

    return [f"# iokg graph {short_name(name)}", "#", f"# Added by iokg add from {', '.join(sources)}.",
            f"# Named graph: <{name}>."]


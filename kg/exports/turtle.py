"""The Turtle and TriG writer of iokg's exports: deterministic, readable output.

Prefixed names where the local part is safe, ``a`` for rdf:type, short numbers and
booleans, blank nodes referenced once written inline, RDF lists as ``( … )``, everything
sorted; the "long" layout writes one predicate and one object per line.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from rdflib.namespace import RDF

from kg.exports.base import EXPORT_PREFIXES, RDF_TYPE, XSD_NS, is_bnode, is_iri, term_key

_LOCAL = re.compile(r"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")
_RDF_FIRST = str(RDF.first)
_RDF_REST = str(RDF.rest)
_RDF_NIL = str(RDF.nil)


class TurtleWriter:
    """A small, deterministic Turtle/TriG writer: prefixed names where the local part is
    safe, ``a`` for rdf:type, numbers and booleans in their short form when it keeps the
    lexical form, blank nodes referenced once written inline (``[ … ]``), well-formed RDF
    lists as ``( … )``, everything sorted. ``long`` writes each predicate and object on a
    line of its own (the layout of rdflib's "longturtle")."""

    def __init__(self, *, long: bool = False, prefixes: dict[str, str] | None = None) -> None:
        self.long = long
        self.prefixes = dict(prefixes or EXPORT_PREFIXES)
        # Longest namespace first, so that the most specific prefix wins.
        self._by_length = sorted(self.prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.used: set[str] = set()

    # Terms

    def iri(self, value: str) -> str:
        for name, namespace in self._by_length:
            if value.startswith(namespace) and _LOCAL.match(value[len(namespace):]):
                self.used.add(name)
                return f"{name}:{value[len(namespace):]}"
        return f"<{value}>"

    def literal(self, term) -> str:
        import pyoxigraph as ox

        lexical = term.value
        quoted = str(ox.Literal(lexical))
        if term.language:
            return f"{quoted}@{term.language}"
        datatype = term.datatype.value
        if datatype == XSD_NS + "string":
            return quoted
        if datatype == XSD_NS + "integer" and _INTEGER.match(lexical):
            return lexical
        if datatype == XSD_NS + "decimal" and _DECIMAL.match(lexical):
            return lexical
        if datatype == XSD_NS + "boolean" and lexical in ("true", "false"):
            return lexical
        return f"{quoted}^^{self.iri(datatype)}"

    def term(self, term, graph: _Graph, depth: int) -> str:
        import pyoxigraph as ox

        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        if isinstance(term, ox.Literal):
            return self.literal(term)
        if isinstance(term, ox.BlankNode):
            if term in graph.inline:
                return self.inline(term, graph, depth)
            return f"_:{term.value}"
        raise TypeError(f"cannot write {term!r} in Turtle")

    # Blocks

    def inline(self, node, graph: _Graph, depth: int) -> str:
        items = graph.list_items(node)
        if items is not None:
            parts = [self.term(item, graph, depth + 1) for item in items]
            if self.long:
                pad = "    " * (depth + 1)
                return "(\n" + "".join(f"{pad}{part}\n" for part in parts) + "    " * depth + ")"
            return "( " + " ".join(parts) + " )"
        predicates = graph.spo.get(node)
        if not predicates:
            return "[]"
        if self.long:
            body = self.predicate_lines(predicates, graph, depth + 1)
            return "[\n" + body + "\n" + "    " * depth + "]"
        body = self.predicate_lines(predicates, graph, depth + 1)
        return "[ " + body.lstrip() + " ]"

    def predicate_lines(self, predicates: dict, graph: _Graph, depth: int) -> str:
        pad = "    " * depth
        lines = []
        for predicate in sorted(predicates, key=lambda p: (p.value != RDF_TYPE, p.value)):
            verb = "a" if predicate.value == RDF_TYPE else self.iri(predicate.value)
            objects = [self.term(o, graph, depth + 1) for o in sorted(predicates[predicate], key=term_key)]
            if self.long:
                if len(objects) == 1 and "\n" not in objects[0]:
                    lines.append(f"{pad}{verb} {objects[0]} ;")
                else:
                    inner = "    " * (depth + 1)
                    lines.append(f"{pad}{verb}\n" + " ,\n".join(inner + o for o in objects) + " ;")
            else:
                joined = ", ".join(objects)
                if len(objects) > 1 and (len(joined) > 80 or "\n" in joined):
                    joined = (",\n" + "    " * (depth + 1)).join(objects)
                lines.append(f"{pad}{verb} {joined}")
        if self.long:
            return "\n".join(lines)
        return " ;\n".join(lines)

    def subject_block(self, subject, graph: _Graph, depth: int) -> str:
        pad = "    " * depth
        name = self.term(subject, graph, depth) if not is_bnode(subject) else f"_:{subject.value}"
        body = self.predicate_lines(graph.spo[subject], graph, depth + 1)
        if self.long:
            return f"{pad}{name}\n{body}\n{pad}."
        return f"{pad}{name} {body.lstrip()} ."

    def body(self, graph: _Graph, depth: int = 0) -> str:
        return "\n\n".join(self.subject_block(s, graph, depth) for s in graph.top_level())

    def header(self) -> str:
        if not self.used:
            return ""
        if self.long:
            lines = [f"PREFIX {name}: <{self.prefixes[name]}>" for name in sorted(self.used)]
        else:
            lines = [f"@prefix {name}: <{self.prefixes[name]}> ." for name in sorted(self.used)]
        return "\n".join(lines) + "\n\n"

    # Documents

    def turtle(self, triples: list) -> str:
        self.used = set()
        body = self.body(_Graph(triples))
        return self.header() + body + ("\n" if body else "")

    def trig(self, quads: list) -> str:
        self.used = set()
        by_graph: dict = defaultdict(list)
        graphs_of: dict = defaultdict(set)
        for quad in quads:
            by_graph[quad.graph_name].append(quad.triple)
            for term in (quad.subject, quad.object):
                if is_bnode(term):
                    graphs_of[term].add(str(quad.graph_name))
        shared = {node for node, names in graphs_of.items() if len(names) > 1}
        blocks = []
        for name in sorted(by_graph, key=term_key):
            body = self.body(_Graph(by_graph[name], shared=shared), depth=1)
            blocks.append(f"{self.iri(name.value)} {{\n{body}\n}}")
        body = "\n\n".join(blocks)
        return self.header() + body + ("\n" if body else "")


class _Graph:
    """The triples of one graph indexed for writing, with the blank nodes to inline."""

    def __init__(self, triples: list, *, shared: set | None = None) -> None:
        self.spo: dict = defaultdict(lambda: defaultdict(list))
        references: Counter = Counter()
        seen = set()
        for triple in triples:
            key = (str(triple.subject), str(triple.predicate), str(triple.object))
            if key in seen:
                continue
            seen.add(key)
            self.spo[triple.subject][triple.predicate].append(triple.object)
            if is_bnode(triple.object):
                references[triple.object] += 1
        self.spo = {s: dict(p) for s, p in self.spo.items()}
        shared = shared or set()
        candidates = {node for node, count in references.items() if count == 1 and node not in shared}
        # Inline a candidate only if it hangs from a node written at the top level (a
        # cycle of blank nodes referenced once each has no such node: its smallest label
        # is written at the top level instead).
        self.inline: set = set()
        roots = sorted((s for s in self.spo if s not in candidates), key=term_key)
        self._reach(roots, candidates)
        rest = sorted((n for n in candidates - self.inline if n in self.spo), key=term_key)
        self.roots = set(roots)
        while rest:
            node = rest[0]
            candidates.discard(node)
            self.roots.add(node)
            self._reach([node], candidates)
            rest = sorted((n for n in candidates - self.inline if n in self.spo), key=term_key)
        # Blank nodes referenced once with no statements of their own are written "[]".
        self.inline |= {n for n in candidates if n not in self.spo}

    def _reach(self, starts: list, candidates: set) -> None:
        stack = list(starts)
        while stack:
            node = stack.pop()
            for objects in self.spo.get(node, {}).values():
                for obj in objects:
                    if obj in candidates and obj not in self.inline:
                        self.inline.add(obj)
                        stack.append(obj)

    def top_level(self) -> list:
        return sorted((s for s in self.spo if s not in self.inline), key=term_key)

    def list_items(self, node) -> list | None:
        """The members of the well-formed RDF list starting at inline blank node ``node``,
        or None if it is not one."""
        items = []
        current = node
        visited = set()
        while not (is_iri(current) and current.value == _RDF_NIL):
            if not is_bnode(current) or current in visited or current not in self.inline:
                return None
            visited.add(current)
            predicates = self.spo.get(current, {})
            keys = {p.value for p in predicates}
            if keys != {_RDF_FIRST, _RDF_REST}:
                return None
            firsts = next(v for p, v in predicates.items() if p.value == _RDF_FIRST)
            rests = next(v for p, v in predicates.items() if p.value == _RDF_REST)
            if len(firsts) != 1 or len(rests) != 1:
                return None
            items.append(firsts[0])
            current = rests[0]
        return items

"""Export the iokg graph in the standard RDF formats, deterministically.

``export(dataset, format=ExportFormat.TURTLE)`` returns the bytes of one file: the data
graphs of ``dataset`` (or the ``graphs`` asked for), the dataset's VoID/DCAT description
(graph ``https://w3id.org/iokg/graph/void``, always included) and, on request, the
ontology and the SHACL shapes, each in its own named graph.

Formats with named graphs (N-Quads, TriG, JSON-LD) keep every graph; the others (Turtle,
long Turtle, N-Triples, RDF/XML) get the union of the chosen graphs.

Determinism: the same graph gives byte-identical output on every run and machine. Blank
nodes get canonical labels (W3C RDF Dataset Canonicalization, RDFC-1.0, computed by
Oxigraph over the whole exported dataset: ``_:c14n0`` …); statements, subjects,
predicates, objects, graphs and prefixes are written in sorted order; nothing of the run
(no time, no path, no random label) is written. Turtle and TriG are written by this
module; N-Triples, N-Quads and RDF/XML by Oxigraph from the sorted statements; JSON-LD is
built in expanded form from the sorted statements and compacted by pyld with the context
the package ships (``kg/data/context.jsonld``), which the output references by its IRI
:data:`CONTEXT_IRI`; :func:`document_loader` serves that IRI from the package, without the
network.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from enum import Enum

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import FOAF, OWL, RDF, RDFS, SKOS

from kg import paths
from kg.terms import to_oxigraph
from kg.files import write_atomic  # noqa: F401  (re-exported)
from kg.errors import InputError, UsageError
from kg.namespaces import BASE, DOCUMENT, GRAPH, IO, ONTOLOGY, PREFIXES

#: The named graph of the SHACL shapes in an export (``--with-shapes``).
SHAPES_GRAPH = URIRef(BASE + "shapes")
#: The named graph of the dataset's VoID/DCAT description (part of every export).
VOID_GRAPH = GRAPH["void"]
#: The IRI by which JSON-LD exports reference the context the package ships.
CONTEXT_IRI = BASE + "context.jsonld"
#: The JSON-LD context the package ships.
CONTEXT_FILE = paths.PACKAGE / "data" / "context.jsonld"

#: Prefixes of exported files: iokg's own, plus the vocabularies its description and
#: ontology use. Only the prefixes a file uses are written.
EXPORT_PREFIXES: dict[str, str] = {k: str(v) for k, v in PREFIXES.items()}
EXPORT_PREFIXES.update(
    {
        "foaf": str(FOAF),
        "sd": "http://www.w3.org/ns/sparql-service-description#",
        "vann": "http://purl.org/vocab/vann/",
    }
)


class ExportFormat(str, Enum):
    """The RDF formats ``iokg export`` writes."""

    TURTLE = "turtle"
    LONGTURTLE = "longturtle"
    NTRIPLES = "ntriples"
    NQUADS = "nquads"
    TRIG = "trig"
    JSONLD = "jsonld"
    RDFXML = "rdfxml"

    @property
    def named_graphs(self) -> bool:
        """Whether the format keeps named graphs (else an export is the union)."""
        return self in (ExportFormat.NQUADS, ExportFormat.TRIG, ExportFormat.JSONLD)

    @property
    def media_type(self) -> str:
        return _FORMAT_INFO[self][0]

    @property
    def extension(self) -> str:
        return _FORMAT_INFO[self][1]

    @property
    def title(self) -> str:
        return _FORMAT_INFO[self][2]

    @property
    def w3c_format(self) -> str:
        """The format's IRI in the W3C registry (``http://www.w3.org/ns/formats/``)."""
        return "http://www.w3.org/ns/formats/" + _FORMAT_INFO[self][3]


_FORMAT_INFO = {
    ExportFormat.TURTLE: ("text/turtle", "ttl", "Turtle", "Turtle"),
    ExportFormat.LONGTURTLE: ("text/turtle", "ttl", "Turtle (long form: one object per line)", "Turtle"),
    ExportFormat.NTRIPLES: ("application/n-triples", "nt", "N-Triples", "N-Triples"),
    ExportFormat.NQUADS: ("application/n-quads", "nq", "N-Quads", "N-Quads"),
    ExportFormat.TRIG: ("application/trig", "trig", "TriG", "TriG"),
    ExportFormat.JSONLD: ("application/ld+json", "jsonld", "JSON-LD", "JSON-LD"),
    ExportFormat.RDFXML: ("application/rdf+xml", "rdf", "RDF/XML", "RDF_XML"),
}


# Graph selection ----------------------------------------------------------------------


def _short_name(iri: URIRef) -> str:
    text = str(iri)
    if text == ONTOLOGY:
        return "ontology"
    if iri == SHAPES_GRAPH:
        return "shapes"
    for prefix in ("doc", "graph"):
        namespace = EXPORT_PREFIXES[prefix]
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace):]}"
    return f"<{text}>"


def data_graph_names(dataset: Dataset) -> list[URIRef]:
    """The non-empty data graphs of ``dataset`` (not the ontology, shapes or description),
    sorted by IRI."""
    excluded = {URIRef(ONTOLOGY), SHAPES_GRAPH, VOID_GRAPH, DATASET_DEFAULT_GRAPH_ID}
    names = {
        graph.identifier
        for graph in dataset.graphs()
        if isinstance(graph.identifier, URIRef) and graph.identifier not in excluded and len(graph)
    }
    return sorted(names, key=str)


def known_graphs(dataset: Dataset) -> list[URIRef]:
    """Every graph an export can be asked for: the data graphs, the ontology, the shapes
    and the description."""
    return data_graph_names(dataset) + [URIRef(ONTOLOGY), SHAPES_GRAPH, VOID_GRAPH]


def resolve_graph(name: str | URIRef, dataset: Dataset) -> URIRef:
    """The graph IRI that ``name`` means: a full IRI, a prefixed name (``doc:000``,
    ``graph:reference``) or a short name (``000``, ``reference``, ``ontology``, ``shapes``,
    ``void``). :class:`UsageError` listing the known graphs if there is none."""
    known = known_graphs(dataset)
    text = str(name).strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    candidates = [text]
    prefix, colon, local = text.partition(":")
    if colon and prefix in EXPORT_PREFIXES and not local.startswith("//"):
        candidates.append(EXPORT_PREFIXES[prefix] + local)
    if not colon:
        candidates += [str(DOCUMENT[text]), str(GRAPH[text]), BASE + text]
    for candidate in candidates:
        for iri in known:
            if str(iri) == candidate:
                return iri
    listing = ", ".join(_short_name(iri) for iri in known)
    raise UsageError(f"unknown graph {str(name)!r}; known graphs: {listing}")


def _ontology_graph(dataset: Dataset) -> Graph:
    graph = dataset.graph(URIRef(ONTOLOGY))
    if len(graph):
        return graph
    from kg.parsing import parse_file

    merged = Graph()
    for path in sorted(paths.ONTOLOGY_DIR.glob("*.ttl")):
        merged += parse_file(path)
    return merged


def _shapes_graph() -> Graph:
    from kg.validation import load_shapes

    return load_shapes()


def select(
    dataset: Dataset,
    *,
    graphs: Iterable[str | URIRef] | None = None,
    with_ontology: bool = False,
    with_shapes: bool = False,
) -> dict[URIRef, Graph]:
    """The graphs an export holds, by name: the chosen data graphs (default: all), the
    ontology and the shapes if asked for, and always the VoID/DCAT description."""
    from kg.description import describe

    if graphs is None:
        names = data_graph_names(dataset)
    else:
        names = [resolve_graph(name, dataset) for name in graphs]
    if with_ontology:
        names.append(URIRef(ONTOLOGY))
    if with_shapes:
        names.append(SHAPES_GRAPH)
    selected: dict[URIRef, Graph] = {}
    for name in sorted(set(names) - {VOID_GRAPH}, key=str):
        if name == URIRef(ONTOLOGY):
            selected[name] = _ontology_graph(dataset)
        elif name == SHAPES_GRAPH:
            selected[name] = _shapes_graph()
        else:
            selected[name] = dataset.graph(name)
    selected[VOID_GRAPH] = describe(dataset)
    return selected


# Canonical statements -----------------------------------------------------------------


def term_key(term) -> tuple[int, str]:
    """The sort key of a pyoxigraph term: IRIs (by IRI), then blank nodes (by label), then
    literals (by their N-Triples form)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return (0, term.value)
    if isinstance(term, ox.BlankNode):
        return (1, term.value)
    return (2, str(term))


def _sort_key(quad) -> tuple:
    return (term_key(quad.graph_name), term_key(quad.subject), term_key(quad.predicate), term_key(quad.object))


def canonical_quads(graphs: dict[URIRef, Graph]) -> list:
    """The statements of ``graphs`` as pyoxigraph quads (one per graph and triple), blank
    nodes relabelled by RDFC-1.0 over the whole dataset, sorted by graph, subject,
    predicate and object (their N-Quads forms)."""
    import pyoxigraph as ox

    dataset = ox.Dataset()
    for name, graph in graphs.items():
        graph_name = ox.NamedNode(str(name))
        for s, p, o in graph:
            dataset.add(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph_name))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=_sort_key)


# The export ---------------------------------------------------------------------------


def export(
    dataset: Dataset,
    *,
    format: ExportFormat | str = ExportFormat.TURTLE,
    graphs: Iterable[str | URIRef] | None = None,
    with_ontology: bool = False,
    with_shapes: bool = False,
) -> bytes:
    """Serialize ``dataset`` (the data graphs, or ``graphs``; plus the ontology and the
    shapes if asked for; always with the VoID/DCAT description) in ``format``.

    The output is deterministic: the same graphs give the same bytes on every run.
    Raises :class:`UsageError` for an unknown format or graph name.
    """
    try:
        format = ExportFormat(format)
    except ValueError:
        known = ", ".join(f.value for f in ExportFormat)
        raise UsageError(f"unknown export format {format!r}; known formats: {known}") from None
    selected = select(dataset, graphs=graphs, with_ontology=with_ontology, with_shapes=with_shapes)
    return serialize(canonical_quads(selected), format)


def serialize(quads: list, format: ExportFormat) -> bytes:
    """Write sorted canonical ``quads`` (from :func:`canonical_quads`) in ``format``."""
    if format is ExportFormat.NQUADS:
        return _sorted_lines(quads, quad_format=True)
    if format is ExportFormat.NTRIPLES:
        return _sorted_lines(quads, quad_format=False)
    if format is ExportFormat.RDFXML:
        return _rdfxml(quads)
    if format is ExportFormat.JSONLD:
        return _jsonld(quads)
    writer = _TurtleWriter(long=format is ExportFormat.LONGTURTLE)
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


# Turtle and TriG ----------------------------------------------------------------------

_LOCAL = re.compile(r"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = str(RDF.type)
_RDF_FIRST = str(RDF.first)
_RDF_REST = str(RDF.rest)
_RDF_NIL = str(RDF.nil)


class _TurtleWriter:
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
        if datatype == _XSD + "string":
            return quoted
        if datatype == _XSD + "integer" and _INTEGER.match(lexical):
            return lexical
        if datatype == _XSD + "decimal" and _DECIMAL.match(lexical):
            return lexical
        if datatype == _XSD + "boolean" and lexical in ("true", "false"):
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
        for predicate in sorted(predicates, key=lambda p: (p.value != _RDF_TYPE, p.value)):
            verb = "a" if predicate.value == _RDF_TYPE else self.iri(predicate.value)
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
        name = self.term(subject, graph, depth) if not _is_bnode(subject) else f"_:{subject.value}"
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
                if _is_bnode(term):
                    graphs_of[term].add(str(quad.graph_name))
        shared = {node for node, names in graphs_of.items() if len(names) > 1}
        blocks = []
        for name in sorted(by_graph, key=term_key):
            body = self.body(_Graph(by_graph[name], shared=shared), depth=1)
            blocks.append(f"{self.iri(name.value)} {{\n{body}\n}}")
        body = "\n\n".join(blocks)
        return self.header() + body + ("\n" if body else "")


def _is_bnode(term) -> bool:
    import pyoxigraph as ox

    return isinstance(term, ox.BlankNode)


def _is_iri(term) -> bool:
    import pyoxigraph as ox

    return isinstance(term, ox.NamedNode)


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
            if _is_bnode(triple.object):
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
        while not (_is_iri(current) and current.value == _RDF_NIL):
            if not _is_bnode(current) or current in visited or current not in self.inline:
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


# JSON-LD ------------------------------------------------------------------------------


def context() -> dict:
    """The JSON-LD context the package ships (``kg/data/context.jsonld``)."""
    try:
        return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read the JSON-LD context: {error}", path=CONTEXT_FILE) from None


def document_loader(url: str, options: dict | None = None) -> dict:
    """A pyld document loader that serves :data:`CONTEXT_IRI` from the package and refuses
    every other URL (no network)."""
    from pyld.jsonld import JsonLdError

    if url == CONTEXT_IRI:
        return {"contextUrl": None, "documentUrl": url, "document": context(), "contentType": "application/ld+json"}
    raise JsonLdError(
        f"iokg's document loader only serves {CONTEXT_IRI}, not {url}",
        "jsonld.LoadDocumentError",
        {"url": url},
        code="loading document failed",
    )


def _jsonld_id(term) -> str:
    return f"_:{term.value}" if _is_bnode(term) else term.value


def _jsonld_value(term) -> dict:
    import pyoxigraph as ox

    if not isinstance(term, ox.Literal):
        return {"@id": _jsonld_id(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == _XSD + "string":
        return {"@value": term.value}
    return {"@value": term.value, "@type": term.datatype.value}


def expanded_jsonld(quads: list) -> list:
    """Sorted canonical ``quads`` as expanded JSON-LD: one graph object per named graph,
    one node object per subject, values in sorted order."""
    import pyoxigraph as ox

    graphs: dict[str, dict[str, dict]] = {}
    for quad in quads:
        nodes = graphs.setdefault(quad.graph_name.value, {})
        subject = _jsonld_id(quad.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        if quad.predicate.value == _RDF_TYPE and not isinstance(quad.object, ox.Literal):
            node.setdefault("@type", []).append(_jsonld_id(quad.object))
        else:
            node.setdefault(quad.predicate.value, []).append(_jsonld_value(quad.object))
    return [{"@id": name, "@graph": list(nodes.values())} for name, nodes in graphs.items()]


def _jsonld(quads: list) -> bytes:
    from pyld import jsonld

    compacted = jsonld.compact(
        expanded_jsonld(quads),
        CONTEXT_IRI,
        {"documentLoader": document_loader, "compactToRelative": False, "base": None},
    )
    return (json.dumps(_keywords_first(compacted), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _keywords_first(value):
    """The same JSON with "@context", "@id" and "@type" first in every object (pyld sorts
    keys, which puts a graph's "@id" after its "@graph"); the order of arrays is kept."""
    if isinstance(value, list):
        return [_keywords_first(item) for item in value]
    if not isinstance(value, dict):
        return value
    first = [key for key in ("@context", "@id", "@type") if key in value]
    rest = [key for key in value if key not in first]
    return {key: _keywords_first(value[key]) for key in first + rest}


# Writing files ------------------------------------------------------------------------


# The shipped context ------------------------------------------------------------------

#: Terms of other vocabularies the context defines (if no iokg term has the name).
_EXTERNAL_TERMS = {
    "label": (RDFS.label, None),
    "comment": (RDFS.comment, None),
    "seeAlso": (RDFS.seeAlso, "@id"),
    "isDefinedBy": (RDFS.isDefinedBy, "@id"),
    "subClassOf": (RDFS.subClassOf, "@id"),
    "subPropertyOf": (RDFS.subPropertyOf, "@id"),
    "domain": (RDFS.domain, "@id"),
    "range": (RDFS.range, "@id"),
    "sameAs": (OWL.sameAs, "@id"),
    "versionInfo": (OWL.versionInfo, None),
    "prefLabel": (SKOS.prefLabel, None),
    "altLabel": (SKOS.altLabel, None),
    "definition": (SKOS.definition, None),
    "scopeNote": (SKOS.scopeNote, None),
    "notation": (SKOS.notation, None),
    "broader": (SKOS.broader, "@id"),
    "narrower": (SKOS.narrower, "@id"),
    "related": (SKOS.related, "@id"),
    "inScheme": (SKOS.inScheme, "@id"),
    "hasTopConcept": (SKOS.hasTopConcept, "@id"),
    "topConceptOf": (SKOS.topConceptOf, "@id"),
    "exactMatch": (SKOS.exactMatch, "@id"),
    "closeMatch": (SKOS.closeMatch, "@id"),
    "title": (URIRef("http://purl.org/dc/terms/title"), None),
    "description": (URIRef("http://purl.org/dc/terms/description"), None),
    "source": (URIRef("http://purl.org/dc/terms/source"), "@id"),
    "license": (URIRef("http://purl.org/dc/terms/license"), "@id"),
    "creator": (URIRef("http://purl.org/dc/terms/creator"), None),
    "bibliographicCitation": (URIRef("http://purl.org/dc/terms/bibliographicCitation"), None),
    "conformsTo": (URIRef("http://purl.org/dc/terms/conformsTo"), "@id"),
    "wasDerivedFrom": (URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), "@id"),
    "Concept": (SKOS.Concept, None),
    "ConceptScheme": (SKOS.ConceptScheme, None),
    "NewsArticle": (URIRef("https://schema.org/NewsArticle"), None),
}

#: Datatypes of a datatype property's range that the context coerces values to (others,
#: such as xsd:decimal, whose subtypes occur, and strings are left as they are).
_COERCED = {"hexBinary", "language", "anyURI"}


def build_context(ontology: Graph) -> dict:
    """The JSON-LD context of iokg, derived from the ontology: the prefixes of
    :data:`EXPORT_PREFIXES`, a term per iokg class and property (object properties take
    IRIs, datatype properties with a single specific datatype are coerced to it), and
    terms for the common properties of RDFS, OWL, SKOS, Dublin Core and PROV."""
    definitions: dict[str, object] = dict(sorted(EXPORT_PREFIXES.items()))
    terms: dict[str, object] = {}

    def compact(iri: str) -> str:
        for name, namespace in sorted(EXPORT_PREFIXES.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            if iri.startswith(namespace):
                return f"{name}:{iri[len(namespace):]}"
        return iri

    io = str(IO)
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for term in sorted(set(ontology.subjects(RDF.type, kind)), key=str):
            if not isinstance(term, URIRef) or not str(term).startswith(io):
                continue
            name = str(term)[len(io):]
            if not name or name in definitions or name in terms:
                continue
            if kind == OWL.ObjectProperty:
                terms[name] = {"@id": compact(str(term)), "@type": "@id"}
            elif kind == OWL.DatatypeProperty:
                ranges = [r for r in ontology.objects(term, RDFS.range) if isinstance(r, URIRef)]
                local = str(ranges[0]).rpartition("#")[2] if len(ranges) == 1 else ""
                if local in _COERCED and str(ranges[0]).startswith(_XSD):
                    terms[name] = {"@id": compact(str(term)), "@type": compact(str(ranges[0]))}
                else:
                    terms[name] = compact(str(term))
            else:
                terms[name] = compact(str(term))
    for name, (iri, coercion) in _EXTERNAL_TERMS.items():
        if name in definitions or name in terms:
            continue
        terms[name] = {"@id": compact(str(iri)), "@type": coercion} if coercion else compact(str(iri))
    definitions.update(sorted(terms.items()))
    return {"@context": definitions}


def context_text(ontology: Graph) -> str:
    """The text of ``kg/data/context.jsonld`` as :func:`build_context` makes it."""
    return json.dumps(build_context(ontology), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m kg.exports --write-context``: regenerate ``kg/data/context.jsonld`` from
    the ontology."""
    import argparse

    from kg.dataset import load

    parser = argparse.ArgumentParser(prog="python -m kg.exports", description=main.__doc__)
    parser.add_argument("--write-context", action="store_true", help=f"write {CONTEXT_FILE}")
    args = parser.parse_args(argv)
    if not args.write_context:
        parser.print_help()
        return 2
    write_atomic(CONTEXT_FILE, context_text(_ontology_graph(load())).encode("utf-8"))
    print(f"wrote {CONTEXT_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

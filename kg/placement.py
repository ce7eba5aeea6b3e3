"""Which named graph a statement belongs in, decided from the data (docs/modelling.md).

A document's graph is named by the document's IRI (``doc:000``) and holds what that
document states: a record (operation, claim, figure, response) goes into the graph of the
document it is ``io:reportedIn``. New states, organisations, platforms, narratives and
audiences go into ``graph:reference``; people and unnamed organisations that one document
mentions (``actor:document-002-author``, ``actor:turkish-official-002``) stay in that
document's graph. A TriG or N-Quads graph name is honoured when it names a document,
``graph:reference`` or ``graph:curation``, and refused otherwise. A file name never names a
graph; ``--as NAME`` does, for statements the data does not place.

:func:`route` places a batch; :func:`misplaced` finds statements of a loaded graph that sit
in the wrong graph (``iokg check``); :func:`graph_file` and :func:`graph_named` map graph
names to the files of a data folder and back.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.errors import UsageError
from kg.namespaces import DOCUMENT, GRAPH, IO, NARRATIVE_SCHEME, ONTOLOGY, short_name

REFERENCE = GRAPH["reference"]
CURATION = GRAPH["curation"]
DISARM_GRAPH = GRAPH["disarm"]
#: Graphs a batch may name besides document graphs.
WRITABLE = (REFERENCE, CURATION)
#: Classes whose new instances belong in graph:reference (with their subclasses).
REFERENCE_KINDS = (IO.State, IO.Organization, IO.Platform, IO.Narrative, IO.Audience, IO.Actor)
#: Classes of records: each is reported in a document and lives in that document's graph.
RECORD_KINDS = (IO.InfluenceOperation, IO.Claim, IO.ReportedFigure, IO.PolicyResponse)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def graph_named(name: str | URIRef) -> URIRef:
    """The graph IRI a user's name stands for: ``000`` or ``doc:000`` (a document's graph),
    ``reference`` or ``graph:reference``, or a full IRI. Raises :class:`UsageError`."""
    text = str(name)
    if isinstance(name, URIRef) or text.startswith(("http://", "https://")):
        return URIRef(text)
    for prefix, namespace in (("doc:", DOCUMENT), ("graph:", GRAPH)):
        if text.startswith(prefix):
            return namespace[text[len(prefix):]]
    if text in ("reference", "curation", "disarm"):
        return GRAPH[text]
    if not _NAME.match(text):
        raise UsageError(f"graph name {text!r} must be letters, digits, '.', '_' or '-' (at most 100)")
    return DOCUMENT[text]


def graph_file(data_dir: Path, graph: URIRef) -> Path:
    """The file of ``data_dir`` that holds ``graph`` (the loader's mapping, reversed):
    ``documents/NNN.ttl`` for ``doc:NNN``, ``NAME.ttl`` for ``graph:NAME``. Raises
    :class:`UsageError` for a graph no file can hold and for the generated DISARM graph."""
    text = str(graph)
    if graph == DISARM_GRAPH:
        raise UsageError("graph:disarm is generated from the DISARM framework (python -m kg.disarm); it is not edited")
    for namespace, folder in ((str(DOCUMENT), data_dir / "documents"), (str(GRAPH), data_dir)):
        local = text[len(namespace):] if text.startswith(namespace) else None
        if local is not None and _NAME.match(local):
            return folder / f"{local}.ttl"
    raise UsageError(f"<{text}> cannot name a graph of the data folder: a document graph is named by the "
                     f"document's IRI under doc: ({DOCUMENT}), other graphs are graph:reference and graph:curation")


def kinds(ontology: Graph, roots: Iterable[URIRef]) -> set[URIRef]:
    """``roots`` and every class of ``ontology`` below them (``rdfs:subClassOf*``)."""
    found = set(roots)
    frontier = list(found)
    while frontier:
        parent = frontier.pop()
        for child in ontology.subjects(RDFS.subClassOf, parent):
            if isinstance(child, URIRef) and child not in found:
                found.add(child)
                frontier.append(child)
    return found


def is_document_local(node: URIRef, types: set[URIRef], documents: Iterable[URIRef]) -> bool:
    """Whether an actor belongs in a document's graph: a person, or a node whose IRI names
    the document (``actor:document-002-author``, ``actor:turkish-official-002``)."""
    if IO.Person in types:
        return True
    local = str(node).rsplit("/", 1)[-1]
    for document in documents:
        number = str(document).rsplit("/", 1)[-1]
        if local.endswith(f"-{number}") or f"document-{number}" in local:
            return True
    return False


@dataclass
class Placement:
    """Where the statements of a batch go: one graph per target, and what a curator should
    know about the choices (new reference entities, and the ones kept in a document graph)."""

    graphs: dict[URIRef, Graph] = field(default_factory=dict)
    new_reference: list[tuple[URIRef, URIRef]] = field(default_factory=list)  # (node, class)
    kept_local: list[tuple[URIRef, URIRef, URIRef]] = field(default_factory=list)  # (node, class, graph)

    def notes(self) -> list[str]:
        """One line per routing decision a curator should know about."""
        lines = [f"new {short_name(kind)} {short_name(node)}: added to graph:reference (reference.ttl)"
                 for node, kind in self.new_reference]
        lines += [f"new {short_name(kind)} {short_name(node)}: kept in {short_name(graph)}'s graph, as "
                  f"docs/modelling.md keeps people and unnamed organisations one document mentions"
                  for node, kind, graph in self.kept_local]
        return lines


def _types(node, graphs: Iterable[Graph]) -> set[URIRef]:
    return {o for graph in graphs for o in graph.objects(node, RDF.type) if isinstance(o, URIRef)}


def new_reference_entities(new: Graph, existing: Dataset, ontology: Graph) -> list[tuple[URIRef, URIRef, bool]]:
    """Nodes typed in ``new`` as a state, actor, platform, narrative or audience that the
    existing graph does not describe: ``(node, class, document_local)``, sorted."""
    reference_kinds = kinds(ontology, REFERENCE_KINDS)
    documents = set(new.subjects(RDF.type, IO.SourceDocument)) | {
        o for o in new.objects(None, IO.reportedIn) if isinstance(o, URIRef)}
    found = []
    for node in sorted({s for s in new.subjects(RDF.type, None) if isinstance(s, URIRef)}):
        types = _types(node, [new]) & reference_kinds
        if not types or next(iter(existing.quads((node, None, None, None))), None) is not None:
            continue
        kind = sorted(types, key=lambda t: (t in (IO.Actor, IO.Organization), str(t)))[0]
        found.append((node, kind, is_document_local(node, types, documents)))
    return found


def route(batch: Dataset, existing: Dataset, ontology: Graph, *, name: str | None = None) -> Placement:
    """Place every statement of ``batch`` in the graph it belongs in (see the module's
    docstring). ``name`` (``--as``) places the statements the data does not place and must
    agree with those it does. Raises :class:`UsageError`, with the reason, for a graph name
    that is refused, a record reported in two documents at once, a statement whose graph
    cannot be told, and a ``name`` that contradicts the data."""
    chosen = graph_named(name) if name else None
    if chosen is not None:
        graph_file(Path("."), chosen)  # refuses a graph no file can hold
    placement = Placement()
    default = None
    named: list[Graph] = []
    for graph in batch.graphs():
        if not len(graph):
            continue
        if graph.identifier == batch.default_graph.identifier or str(graph.identifier).startswith("urn:x-rdflib:"):
            default = graph if default is None else default + graph
        else:
            named.append(graph)
    for graph in named:
        target = URIRef(str(graph.identifier))
        if not (str(target).startswith(str(DOCUMENT)) or target in WRITABLE):
            raise UsageError(
                f"the input names the graph <{target}>, which is neither a document graph (doc:NNN, named by the "
                f"document's IRI) nor graph:reference or graph:curation; put its statements in the default graph "
                f"(they are placed by their io:reportedIn) or in the graph of the document that reports them")
        if chosen is not None and chosen != target:
            raise UsageError(f"--as {name} contradicts the input's own graph {short_name(target)}")
        _check_records(graph, target)
        placement.graphs.setdefault(target, Graph())
        for triple in graph:
            placement.graphs[target].add(triple)
    if default is not None:
        _route_default(default, existing, ontology, chosen, name, placement)
    new = Graph()
    for graph in placement.graphs.values():
        new += graph
    for node, kind, local in new_reference_entities(new, existing, ontology):
        holder = next(g for g, content in sorted(placement.graphs.items()) if (node, None, None) in content)
        if holder == REFERENCE:
            placement.new_reference.append((node, kind))
        elif local:
            placement.kept_local.append((node, kind, holder))
    return placement


def _check_records(graph: Graph, target: URIRef) -> None:
    if not str(target).startswith(str(DOCUMENT)):
        for record in sorted(set(graph.subjects(IO.reportedIn, None))):
            raise UsageError(f"{short_name(record)} has io:reportedIn, so it belongs in its document's graph, "
                             f"not in {short_name(target)}")
        return
    for record in sorted(set(graph.subjects(IO.reportedIn, None))):
        sources = set(graph.objects(record, IO.reportedIn))
        if target not in sources:
            listed = ", ".join(sorted(short_name(s) for s in sources))
            raise UsageError(f"{short_name(record)} is reported in {listed}, not in {short_name(target)}, "
                             f"whose graph the input puts it in")


def _route_default(default: Graph, existing: Dataset, ontology: Graph, chosen: URIRef | None, name: str | None,
                   placement: Placement) -> None:
    reference_kinds = kinds(ontology, REFERENCE_KINDS)
    graph_of: dict = {}
    subjects = sorted({s for s in default.subjects() if isinstance(s, URIRef)})
    documents = {s for s in default.subjects(RDF.type, IO.SourceDocument)} | {
        o for o in default.objects(None, IO.reportedIn) if isinstance(o, URIRef)}
    pending = []
    for subject in subjects:
        types = _types(subject, [default, existing])
        sources = {o for o in default.objects(subject, IO.reportedIn) if isinstance(o, URIRef)}
        if IO.SourceDocument in types:
            graph_file(Path("."), subject)  # a document's IRI must be able to name its graph
            target = subject
        elif len(sources) > 1:
            listed = " and ".join(sorted(short_name(s) for s in sources))
            raise UsageError(f"{short_name(subject)} is reported in {listed}: each document's statements about it "
                             f"go into that document's graph; give them per document (TriG: GRAPH doc:NNN {{ … }}) "
                             f"or add one document at a time")
        elif sources:
            target = next(iter(sources))
        elif types & reference_kinds and next(iter(existing.quads((subject, None, None, None))), None) is None:
            if is_document_local(subject, types & reference_kinds, documents):
                pending.append(subject)
                continue
            target = REFERENCE
        elif all(next(iter(existing.quads((subject, p, o, None))), None) is not None
                 for p, o in default.predicate_objects(subject) if not isinstance(o, BNode)) \
                and not any(isinstance(o, BNode) for o in default.objects(subject)):
            continue  # restates what the graph holds already: nothing to place
        else:
            holders = subjects_by_graph(existing, [subject]).get(subject, [])
            if len(holders) == 1:
                target = holders[0]
            elif chosen is not None:
                target = chosen
            else:
                pending.append(subject)
                continue
        if chosen is not None and target != chosen and target != REFERENCE:
            if IO.SourceDocument in types or sources:
                raise UsageError(f"--as {name} names {short_name(chosen)}'s graph, but {short_name(subject)} "
                                 f"belongs in {short_name(target)}'s (its io:reportedIn says so)")
            target = chosen
        graph_of[subject] = target
    # Nodes the data does not place: the graph of the statements that refer to them.
    changed = True
    while pending and changed:
        changed = False
        for subject in list(pending):
            referrers = {graph_of[s] for s in default.subjects(None, subject) if s in graph_of}
            if chosen is not None:
                referrers = {chosen}
            if len(referrers) == 1:
                graph_of[subject] = referrers.pop()
                pending.remove(subject)
                changed = True
    if pending:
        subject = pending[0]
        holders = [short_name(g) for g in subjects_by_graph(existing, [subject]).get(subject, [])]
        why = (f"it is described in {', '.join(holders)}" if holders else
               "it has no io:reportedIn, is no source document, and no record of the input that refers to it "
               "tells one graph")
        raise UsageError(f"cannot tell which graph {short_name(subject)} belongs in: {why}; name the graph with --as NAME")
    for subject, target in graph_of.items():
        placement.graphs.setdefault(target, Graph())
        placement.graphs[target] += statements_of(default, subject)
    if chosen is not None:
        for graph in placement.graphs.values():
            _check_records(graph, next(k for k, v in placement.graphs.items() if v is graph))


def statements_of(graph: Graph, node) -> Graph:
    """``node``'s statements in ``graph`` with the blank nodes they own (a range, a list),
    as one graph."""
    found = Graph()
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        for triple in graph.triples((current, None, None)):
            found.add(triple)
            if isinstance(triple[2], BNode):
                stack.append(triple[2])
    return found


def misplaced(dataset: Dataset) -> list[str]:
    """Statements that sit in the wrong graph of a loaded graph, one line each: a document
    graph that does not describe its own document (named after a file?), a record in a
    document's graph that is not reported in that document, a source document described in
    another document's graph (unless that document cites it), a record in graph:reference or
    graph:curation."""
    problems = []
    for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        name = URIRef(str(graph.identifier))
        if str(name).startswith(str(DOCUMENT)):
            if (name, RDF.type, IO.SourceDocument) not in graph:
                problems.append(f"{short_name(name)}: the graph does not describe its document {short_name(name)} "
                                f"(a graph must be named by the IRI of the document it holds)")
            # A document the graph's own document cites (io:cites: the platform report an
            # article summarises) may be described where it is cited, as the article names it.
            cited = set(graph.objects(name, IO.cites))
            for document in sorted(set(graph.subjects(RDF.type, IO.SourceDocument)) - {name} - cited):
                problems.append(f"{short_name(name)}: {short_name(document)} is described in this graph, "
                                f"not in its own graph {short_name(document)}")
            for record in sorted(set(graph.subjects(IO.reportedIn, None))):
                sources = set(graph.objects(record, IO.reportedIn))
                if name not in sources:
                    listed = ", ".join(sorted(short_name(s) for s in sources))
                    problems.append(f"{short_name(name)}: {short_name(record)} is reported in {listed}, "
                                    f"so it belongs in that document's graph")
        elif name in WRITABLE:
            for record in sorted(set(graph.subjects(IO.reportedIn, None))):
                problems.append(f"{short_name(name)}: {short_name(record)} has io:reportedIn, so it belongs "
                                f"in its document's graph")
    return problems


def scheme_statements(reference: Graph) -> Graph:
    """The statements that keep the narrative scheme consistent in ``reference``: every
    io:Narrative is ``skos:inScheme narr:scheme``; one without ``skos:broader`` is a top
    concept both ways (``skos:topConceptOf``, and ``skos:hasTopConcept`` on the scheme)."""
    missing = Graph()
    if (NARRATIVE_SCHEME, RDF.type, SKOS.ConceptScheme) not in reference:
        return missing
    for narrative in sorted(set(reference.subjects(RDF.type, IO.Narrative))):
        wanted = [(narrative, SKOS.inScheme, NARRATIVE_SCHEME)]
        if (narrative, SKOS.broader, None) not in reference:
            wanted += [(narrative, SKOS.topConceptOf, NARRATIVE_SCHEME),
                       (NARRATIVE_SCHEME, SKOS.hasTopConcept, narrative)]
        for triple in wanted:
            if triple not in reference:
                missing.add(triple)
    return missing


def subjects_by_graph(dataset: Dataset, nodes: Iterable[URIRef]) -> dict[URIRef, list[URIRef]]:
    """For each node, the data graphs it is described in (as subject), sorted."""
    found: dict = defaultdict(set)
    for node in nodes:
        for _, _, _, graph in dataset.quads((node, None, None, None)):
            name = URIRef(str(getattr(graph, "identifier", graph)))
            if name not in (GRAPH["provenance"], URIRef(ONTOLOGY)):
                found[node].add(name)
    return {node: sorted(graphs) for node, graphs in found.items()}

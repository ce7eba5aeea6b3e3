"""SPARQL Update over HTTP, for a server started with ``--allow-update`` (and a request with
the bearer token): the update's effect is computed on a copy of the graph, the statements
it adds are validated against the shapes in the graph's context, and only then written to
the data files with :func:`kg.curation.add` (atomically, under the data folder's lock), so
an update is held to the same rules as ``iokg add``. Updates that remove statements, or add
to the default graph rather than to a named (document) graph, are refused: iokg keeps
every statement in the file of the document that states it."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.errors import IokgError, UsageError
from kg.namespaces import DOCUMENT, GRAPH
from kg.server.engine import Backend
from kg.server.policy import guard


@dataclass(frozen=True)
class UpdateResult:
    """The HTTP status and message of an update."""

    status: int
    message: str


@dataclass(frozen=True)
class Effect:
    """What an update would change: quads added and removed, as (s, p, o, graph)."""

    added: list
    removed: list


def effect(backend: Backend, text: str) -> Effect:
    """Run the update on the child process's copy of the graph, recording what changes."""
    from rdflib.plugins.sparql.processor import prepareUpdate

    guard(text, graphs=backend.graph_names)
    try:
        prepared = prepareUpdate(text)
    except Exception as error:
        raise UsageError(f"malformed SPARQL Update: {str(error).splitlines()[0]}") from None
    dataset = backend.dataset
    store = dataset.store
    added, removed = [], []
    original_add, original_remove = store.add, store.remove

    def add(triple, context, quoted=False):
        name = getattr(context, "identifier", context)
        if triple not in context:
            added.append((*triple, name))
        return original_add(triple, context, quoted)

    def remove(triple, context=None):
        for s, p, o, g in list(dataset.quads((*triple, getattr(context, "identifier", context)))):
            removed.append((s, p, o, g))
        return original_remove(triple, context)

    store.add, store.remove = add, remove  # this process is a fork, thrown away after
    dataset.default_union = False
    try:
        dataset.update(prepared)
    except Exception as error:  # rdflib cannot insert into a Dataset's default graph, for one
        raise UsageError(f"the update cannot be applied ({type(error).__name__}: {error}); add statements to a "
                         "named graph (GRAPH <https://w3id.org/iokg/document/NAME> { … }), not to the default graph") \
            from None
    return Effect(added=added, removed=removed)


def _graph_name(name: URIRef) -> str | None:
    for namespace in (DOCUMENT, GRAPH):
        if str(name).startswith(str(namespace)):
            return str(name)[len(str(namespace)):]
    return None


def apply_update(backend: Backend, text: str, *, timeout: float) -> UpdateResult:
    """Compute, validate and write an update, one update at a time."""
    with backend.update_lock:
        return _apply(backend, text, timeout=timeout)


def _apply(backend: Backend, text: str, *, timeout: float) -> UpdateResult:
    from kg.curation import add
    from kg.validation import format_report, validate

    change = backend.bounded(effect, text, timeout=timeout)
    if change.removed:
        return UpdateResult(400, f"the update removes {len(change.removed)} statement(s): iokg accepts only additions "
                                 "over HTTP (edit the document's file to remove statements)")
    by_graph: dict[URIRef, Graph] = defaultdict(Graph)
    for s, p, o, g in change.added:
        if g is None or g == DATASET_DEFAULT_GRAPH_ID or _graph_name(g) is None:
            return UpdateResult(400, "add statements to a named graph of a document (GRAPH <https://w3id.org/iokg/"
                                     "document/NAME> { … }) or to graph:reference, graph:curation; "
                                     "not to the default graph")
        by_graph[g].add((s, p, o))
    if not by_graph:
        return UpdateResult(200, "nothing to add: the graph already holds every statement")
    combined = Graph()
    for graph in by_graph.values():
        combined += graph
    report = validate(combined, against=backend.dataset)
    if not report.conforms:
        return UpdateResult(422, "the update does not conform; nothing was added\n" + format_report(report))
    written = []
    try:
        with tempfile.TemporaryDirectory(prefix="iokg-update-") as folder:
            for name, graph in sorted(by_graph.items(), key=lambda item: str(item[0])):
                path = Path(folder) / f"{_graph_name(name)}.ttl"
                graph.serialize(path, format="turtle")
                result = add([path], name=_graph_name(name), data_dir=backend.data_dir)
                if result.path is None:
                    return UpdateResult(422, f"graph <{name}> does not conform; earlier graphs were written: "
                                             f"{', '.join(written) or 'none'}\n" + format_report(result.report))
                written.append(f"{result.triples} triple(s) to {result.path.name}")
    except IokgError as error:
        return UpdateResult(400, str(error))
    finally:
        backend.reload()
    return UpdateResult(200, "added " + "; ".join(written))

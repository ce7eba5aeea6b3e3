"""``remove``: retract records from the graph, under the lock, recorded as provenance.

Every statement of each node (with the blank nodes it owns) is taken out of the named
graph, or of every data graph that describes it; the narrative scheme's top-concept link to
a removed narrative goes with it. The change is validated like an add (the nodes that
referred to or were referred to by the removed ones are validated again), refused if it
would leave a reference pointing at nothing, written in one commit, and recorded as a
``prov:Activity`` in graph:curation with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from kg.curation.base import (
    ChangeResult, check_change, data_folder, dangling, data_graphs, lock_notes, refuse_dangling, write,
)
from kg.errors import UsageError
from kg.files import locked
from kg.namespaces import NARRATIVE_SCHEME, short_name
from kg.placement import CURATION, graph_file, graph_named, statements_of


@dataclass
class RemoveResult(ChangeResult):
    """What ``remove`` did (see :class:`ChangeResult`)."""


def _node(text: str | URIRef, namespaces) -> URIRef:
    if isinstance(text, URIRef):
        return text
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if text.startswith(("http://", "https://")):
        return URIRef(text)
    try:
        return namespaces.expand_curie(text)
    except (ValueError, TypeError):
        raise UsageError(f"{text!r} is neither an IRI nor a prefixed name of iokg's prefixes (fig:000-x)") from None


def remove(
    nodes: Sequence[str | URIRef],
    *,
    reason: str,
    graph: str | None = None,
    data_dir: Path | str | None = None,
    strict: bool = False,
    at: datetime | str | None = None,
) -> RemoveResult:
    """Remove every statement of ``nodes`` (IRIs or prefixed names) from ``graph`` (a
    graph name, as for ``add --as``), or from every data graph that describes them, and
    record why (``reason``, required) and when (``at``, see :mod:`kg.curation.changes`).

    Raises :class:`kg.errors.UsageError` for an empty reason, a node the graph does not
    describe, a graph that cannot be changed, and a removal that would leave dangling
    references (nothing is changed then).
    """
    from kg.curation.changes import change_record, change_time
    from kg.dataset import load

    if not reason or not reason.strip():
        raise UsageError("say why with --reason TEXT: the removal is recorded with its reason")
    if not nodes:
        raise UsageError("name at least one node to remove")
    folder = data_folder(data_dir)
    moment = change_time(at)
    only = graph_named(graph) if graph else None
    if only is not None:
        graph_file(folder, only)  # refuses graph:disarm and names no file can hold
    with locked(folder) as lock:
        notes = lock_notes(lock)
        existing = load(data_dir=folder)
        targets = [_node(n, existing.namespace_manager) for n in nodes]
        removals: dict[URIRef, Graph] = {}
        for node in targets:
            found = False
            for held in data_graphs(existing):
                name = URIRef(str(held.identifier))
                if (only is not None and name != only) or (node, None, None) not in held:
                    continue
                graph_file(folder, name)
                found = True
                removals.setdefault(name, Graph())
                removals[name] += statements_of(held, node)
                for triple in held.triples((NARRATIVE_SCHEME, SKOS.hasTopConcept, node)):
                    removals[name].add(triple)
            if not found:
                where = f" in {short_name(only)}" if only is not None else ""
                raise UsageError(f"{short_name(node)} is not described{where}: nothing to remove")
        refuse_dangling(dangling(existing, removals=removals, additions={}))
        taken_out = Graph()
        for part in removals.values():
            taken_out += part
        report = check_change(Graph(), existing, removed=taken_out)
        if not report.conforms or (strict and report.results):
            return RemoveResult(report=report, notes=notes)
        change, record = change_record(kind="remove", nodes=targets, removals=removals, additions={},
                                       reason=reason.strip(), at=moment)
        notes.append(f"recorded the removal as {short_name(change)} in graph:curation")
        written, added, removed = write(lock, existing, additions={CURATION: record}, removals=removals)
    return RemoveResult(report=report, applied=True, written=written, added=added, removed=removed, notes=notes,
                        change=change)


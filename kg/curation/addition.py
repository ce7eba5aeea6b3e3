"""``add``: validated assertions into the graphs they belong in, under the lock.

The batch is read first (it is the user's input, not the graph's state). Then, holding the
data folder's lock, ``add`` loads the graph, places every statement (:func:`kg.placement.route`:
by ``io:reportedIn``, a document by its own IRI, new reference entities into
graph:reference, a TriG/N-Quads graph name honoured or refused), takes out the statements
of the records the batch redefines when ``replace`` is asked for, validates the change in
the graph's context, refuses dangling references, and writes every touched file in one
commit. Nothing it decides on is read before the lock is held, so concurrent adds never
lose each other's statements. An invalid batch changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rdflib import Graph, URIRef

from kg.curation.base import (
    ChangeResult, check_change, data_folder, dangling, lock_notes, refuse_dangling, write,
)
from kg.errors import InputError
from kg.files import locked
from kg.namespaces import ONTOLOGY, short_name
from kg.placement import CURATION, graph_file, route, statements_of
from kg.validation import read_batch


@dataclass
class AddResult(ChangeResult):
    """What ``add`` did (see :class:`ChangeResult`); ``path`` is the first file written."""

    targets: list[Path] = field(default_factory=list)  # the files of the graphs the batch went to

    @property
    def path(self) -> Path | None:
        """The first file written; when nothing new was written, the first target's file;
        None when the batch was refused."""
        if not self.applied:
            return None
        return self.written[0] if self.written else (self.targets[0] if self.targets else None)

    @property
    def triples(self) -> int:
        return self.added


def add(
    files: Sequence[Path | str],
    *,
    name: str | None = None,
    format: str | None = None,
    data_dir: Path | str | None = None,
    strict: bool = False,
    replace: bool = False,
    reason: str | None = None,
    at: datetime | str | None = None,
) -> AddResult:
    """Validate the RDF ``files`` against the graph in ``data_dir`` and, only if they
    conform (and, with ``strict``, raise no warning or info either), add their statements
    to the graphs they belong in.

    ``name`` (``--as``) names the graph for statements the data does not place. ``replace``
    first takes out, in the graphs the batch writes to, every statement of the records it
    redefines (same IRIs), and records the correction (``reason``, time ``at``, see
    :mod:`kg.curation.changes`) in graph:curation.

    Raises :class:`kg.errors.InputError` for a file that cannot be read or holds nothing,
    :class:`kg.errors.UsageError` for statements whose graph is refused or cannot be told,
    and for a change that would leave dangling references.
    """
    from kg.curation.changes import change_record, change_time
    from kg.dataset import load

    folder = data_folder(data_dir)
    batch = read_batch(files, format=format)
    if not len(batch.graph):
        raise InputError("no triples to add", path=str(files[0]))
    moment = change_time(at) if replace else None
    sources = [Path(f).name for f in files]
    with locked(folder) as lock:
        notes = lock_notes(lock)
        existing = load(data_dir=folder)
        ontology = existing.graph(URIRef(ONTOLOGY))
        if not replace:  # an invalid batch is told what is wrong with it before where it would go
            report = check_change(batch, existing)
            if not report.conforms or (strict and report.results):
                return AddResult(report=report, notes=notes)
        placement = route(batch.dataset, existing, ontology, name=name)
        notes += placement.notes()
        additions = placement.graphs
        removals: dict[URIRef, Graph] = {}
        replaced: list[URIRef] = []
        if replace:
            for graph_name, graph in sorted(additions.items()):
                for node in sorted({s for s in graph.subjects() if isinstance(s, URIRef)}):
                    old = statements_of(existing.graph(graph_name), node)
                    if len(old):
                        removals.setdefault(graph_name, Graph())
                        removals[graph_name] += old
                        replaced.append(node)
            if not replaced:
                notes.append("--replace: the input redefines no record of the graph; its statements are added")
        taken_out = Graph()
        for graph in removals.values():
            taken_out += graph
        if replace:
            report = check_change(batch, existing, removed=taken_out if replaced else None, replacing=True)
            if not report.conforms or (strict and report.results):
                return AddResult(report=report, notes=notes)
        refuse_dangling(dangling(existing, removals=removals, additions=additions))
        change = None
        if replaced:
            change, record = change_record(kind="replace", nodes=sorted(set(replaced)), removals=removals,
                                           additions={g: additions[g] for g in removals}, reason=reason, at=moment)
            additions = dict(additions)
            additions[CURATION] = additions.get(CURATION, Graph()) + record
            notes.append(f"recorded the correction as {short_name(change)} in graph:curation")
        written, added, removed = write(lock, existing, additions=additions, removals=removals, sources=sources)
    targets = [graph_file(folder, name) for name in sorted(placement.graphs)]
    return AddResult(report=report, applied=True, written=written, added=added, removed=removed, notes=notes,
                     change=change, targets=targets)

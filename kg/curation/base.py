"""What ``add`` and ``remove`` share: the result type, the data folder, the plan of a
change (statements to add and to take out, per graph), its checks (no dangling reference
left) and writing it (every touched file rewritten deterministically, all in one commit)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from kg import paths
from kg.dataset import PROVENANCE
from kg.errors import UsageError
from kg.files import Lock
from kg.namespaces import CHANGE, ONTOLOGY, short_name
from kg.placement import REFERENCE, graph_file, scheme_statements
from kg.validation import Report


@dataclass
class ChangeResult:
    """What a change did. ``report`` is its validation; ``applied`` says whether it was
    written (False: it did not conform, nothing changed); ``written`` the files replaced or
    deleted; ``added``/``removed`` the statements; ``notes`` what a curator should know
    (routing, recovered or removed temporary files); ``change`` the ``prov:Activity``
    recorded in graph:curation, if any."""

    report: Report
    applied: bool = False
    written: list[Path] = field(default_factory=list)
    added: int = 0
    removed: int = 0
    notes: list[str] = field(default_factory=list)
    change: URIRef | None = None


def check_change(batch, existing: Dataset, *, removed: Graph | None = None, replacing: bool = False) -> Report:
    """Validate a change in the context of ``existing``: the statements of ``batch`` added
    and those of ``removed`` taken out (the nodes either touches are validated again);
    ``replacing`` says the batch may redefine existing records."""
    from kg.validation import validate

    return validate(batch, against=existing, removed=removed, replacing=replacing)


def data_folder(data_dir: Path | str | None) -> Path:
    """The data folder to change (default: the packaged ``kg/data``)."""
    return Path(data_dir) if data_dir is not None else paths.DATA_DIR


def lock_notes(lock: Lock) -> list[str]:
    """What taking the lock cleaned up, as notes."""
    notes = [f"finished the interrupted commit of {path}" for path in lock.recovered]
    notes += [f"removed {path}, a temporary file left by an interrupted writer" for path in lock.removed]
    notes += [f"{path} looks like a temporary file of a running process; left alone" for path in lock.stale]
    return notes


def data_graphs(dataset: Dataset) -> list[Graph]:
    """The graphs of ``dataset`` that files hold (not the ontology, not derived provenance)."""
    return [g for g in dataset.graphs()
            if len(g) and URIRef(str(g.identifier)) not in (URIRef(ONTOLOGY), PROVENANCE)
            and not str(g.identifier).startswith("urn:x-rdflib:")]


def dangling(existing: Dataset, *, removals: Mapping[URIRef, Graph], additions: Mapping[URIRef, Graph]) -> list[str]:
    """References a change would leave pointing at nothing: a node whose statements all go,
    still the object of a statement that stays. One line per reference."""
    removed_nodes = {s for graph in removals.values() for s in graph.subjects() if isinstance(s, URIRef)}
    problems = []
    for node in sorted(removed_nodes):
        if any((node, None, None) in graph for graph in additions.values()):
            continue
        remaining = [g for g in data_graphs(existing)
                     if any(t not in removals.get(URIRef(str(g.identifier)), ()) for t in g.triples((node, None, None)))]
        if remaining:
            continue
        for graph in data_graphs(existing):
            name = URIRef(str(graph.identifier))
            for subject, predicate in sorted(graph.subject_predicates(node)):
                if (subject, predicate, node) in removals.get(name, ()) or str(subject).startswith(str(CHANGE)):
                    continue  # change records name what they removed, by design
                problems.append(f"{short_name(subject)} {short_name(predicate)} {short_name(node)} in "
                                f"{short_name(name)} would point at nothing")
        for name, graph in additions.items():
            for subject, predicate in sorted(graph.subject_predicates(node)):
                problems.append(f"{short_name(subject)} {short_name(predicate)} {short_name(node)} (in the input, "
                                f"for {short_name(name)}) would point at nothing")
    return problems


def refuse_dangling(problems: list[str]) -> None:
    """Raise :class:`UsageError` listing ``problems`` (from :func:`dangling`), if any."""
    if problems:
        listed = "\n  ".join(problems)
        raise UsageError("the change would leave dangling references; remove or replace the nodes that refer "
                         f"to them in the same change, or change those first:\n  {listed}")


def write(lock: Lock, existing: Dataset, *, additions: Mapping[URIRef, Graph], removals: Mapping[URIRef, Graph],
          sources: Iterable[str] = ()) -> tuple[list[Path], int, int]:
    """Apply the change to the files of the locked data folder in one commit: every graph
    it touches is rewritten with the deterministic writer (sections kept; the narrative
    scheme kept consistent in graph:reference); a graph left empty is deleted. Returns the
    files written or deleted and the numbers of statements added and removed."""
    from kg.curation.writer import new_header, render

    files: dict[Path, bytes] = {}
    delete: list[Path] = []
    added = removed = 0
    for name in sorted(set(additions) | set(removals)):
        path = graph_file(lock.folder, name)
        current = Graph()
        current += existing.graph(name)
        updated = Graph()
        updated += current
        for triple in removals.get(name, ()):
            updated.remove(triple)
        for triple in additions.get(name, ()):
            updated.add(triple)
        if name == REFERENCE:
            updated += scheme_statements(updated)
        gained, lost = len(updated - current), len(current - updated)
        if not gained and not lost:
            continue
        added, removed = added + gained, removed + lost
        if not len(updated):
            if path.exists():
                delete.append(path)
            continue
        original = path.read_text(encoding="utf-8") if path.exists() else None
        header = () if original else new_header(name, sources=list(sources) or ["the library"])
        data = render(updated, name=name, original=original, header=header)
        Graph().parse(data=data, format="turtle")  # never write what would not load
        files[path] = data
    if files or delete:
        lock.commit(files, delete=delete)
        # The on-disk index follows the files (a crash before this line: the next command
        # finds the digests differ and rebuilds it).
        from kg.store import index

        index.update(sorted(files) + sorted(delete), data_dir=lock.folder)
    return sorted(files) + sorted(delete), added, removed

"""Add validated assertions to the graph's data files, atomically and under a lock.

``add`` validates the new assertions against the shapes and the existing graph and writes
them only if they conform: into a new named-graph file ``kg/data/documents/NAME.ttl``, or
appended to the file of an existing graph (whose hand-written text is kept as it is). The
file is written to a temporary file in the same folder, flushed and fsynced, and renamed
over the old one, under an exclusive lock, so an interrupted or concurrent ``add`` never
leaves a half-written or lost file. An invalid batch changes nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg import paths
from kg.errors import InputError, UsageError
from kg.files import write_atomic
from kg.namespaces import DOCUMENT, IO
from kg.validation import Report, read_batch, validate

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass
class AddResult:
    """What ``add`` did: the report, and the file written (None if nothing was added)."""

    report: Report
    path: Path | None = None
    triples: int = 0
    merged: bool = False


@contextlib.contextmanager
def locked(data_dir: Path) -> Iterator[None]:
    """Hold the exclusive lock of ``data_dir`` (one writer at a time, across processes).

    The lock is taken on the folder itself, not on a lock file in it, so that an ``add``
    that adds nothing leaves the folder byte-identical (no stray lock file)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _default_name(graph: Graph, files: Sequence[Path | str]) -> str:
    documents = [
        s for s in graph.subjects(RDF.type, IO.SourceDocument)
        if isinstance(s, URIRef) and str(s).startswith(str(DOCUMENT))
    ]
    if len(documents) == 1:
        return str(documents[0])[len(str(DOCUMENT)):]
    return Path(files[0]).stem


def _target(data_dir: Path, name: str) -> tuple[Path, bool]:
    if not _NAME.match(name):
        raise UsageError(f"graph name {name!r} must be letters, digits, '.', '_' or '-' (at most 100)")
    for candidate in (data_dir / "documents" / f"{name}.ttl", data_dir / f"{name}.ttl"):
        if candidate.is_file():
            return candidate, True
    return data_dir / "documents" / f"{name}.ttl", False


def appended_block(graph: Graph, *, sources: Sequence[str]) -> str:
    """New triples as a Turtle block of sorted full-IRI statements (deterministic). Blank
    node labels carry a digest of the block, so two appended blocks never share one."""
    import hashlib

    from kg.exports import ExportFormat, canonical_quads, serialize

    lines = serialize(canonical_quads({DOCUMENT["batch"]: graph}), ExportFormat.NTRIPLES).decode("utf-8")
    digest = hashlib.sha256(lines.encode("utf-8")).hexdigest()[:8]
    lines = re.sub(r"_:(c14n\d+)", lambda m: f"_:add{digest}{m.group(1)}", lines)
    header = f"\n# Added by iokg add from {', '.join(sources)} ----\n\n"
    return header + lines


def new_file(graph: Graph, *, name: str, sources: Sequence[str]) -> str:
    """A deterministic Turtle file for a new named graph."""
    from kg.exports import ExportFormat, canonical_quads, serialize

    body = serialize(canonical_quads({DOCUMENT[name]: graph}), ExportFormat.TURTLE).decode("utf-8")
    header = (
        f"# iokg graph {name}\n#\n# Added by iokg add from {', '.join(sources)}.\n"
        f"# Named graph: <{DOCUMENT[name]}>.\n\n"
    )
    return header + body


def add(
    files: Sequence[Path | str],
    *,
    name: str | None = None,
    format=None,
    data_dir: Path | None = None,
    strict: bool = False,
) -> AddResult:
    """Validate ``files`` against the graph in ``data_dir`` and, only if they conform, add
    them as the named graph ``name`` (a new file, or merged into the existing one)."""
    from kg.dataset import load

    data_dir = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    batch = read_batch(files, format=format)
    graph = batch.graph
    if not len(graph):
        raise InputError("no triples to add", path=str(files[0]))
    name = name or _default_name(graph, files)
    target, merge = _target(data_dir, name)
    sources = [Path(f).name for f in files]
    with locked(data_dir):
        existing = load(data_dir=data_dir)
        report = validate(batch, against=existing)
        failed = not report.conforms or (strict and report.results)
        if failed:
            return AddResult(report=report)
        if merge:
            current = Graph().parse(target, format="turtle")
            fresh = Graph()
            for triple in graph:
                if triple not in current:
                    fresh.add(triple)
            if not len(fresh):
                return AddResult(report=report, path=target, triples=0, merged=True)
            text = target.read_text(encoding="utf-8")
            if not text.endswith("\n"):
                text += "\n"
            content = text + appended_block(fresh, sources=sources)
            count = len(fresh)
        else:
            content = new_file(graph, name=name, sources=sources)
            count = len(graph)
        check = Graph()
        check.parse(data=content, format="turtle")  # never write what would not load
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, content.encode("utf-8"))
        # The on-disk index follows the files (a crash before this line: the next command
        # finds the digests differ and rebuilds it).
        from kg.store import index

        index.update([target], data_dir=data_dir)
    return AddResult(report=report, path=target, triples=count, merged=merge)

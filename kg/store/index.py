"""The on-disk index: an Oxigraph store of the graph kept in the user's cache (or at a path
the user names), so that a command opens it instead of parsing the files again.

Layout of an index folder (``$XDG_CACHE_HOME/iokg/index/<key>/``, the key a digest of the
data folder's path; or the PATH of ``--store oxigraph:PATH``)::

    state.json          {"digest": …, "store": "store-…"}: the files' digest the store holds
    store-<random>/     the Oxigraph (RocksDB) store

``state.json`` is the commit point. A command compares its digest with the digest of the
data files now; when they differ (a file changed, was added or removed, or a writer died
between writing a file and updating the index) it builds a fresh store from the files
beside the old one and then replaces ``state.json`` atomically, so readers see either the
old complete store or the new one. ``update`` (called by ``kg.add`` after it wrote its file)
applies a change to the store in place and then records the new digest; if it is killed
half-way, the digests disagree and the next command rebuilds.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

from kg import paths
from kg.store.oxigraph import OxigraphStore

#: Bumped when the layout of the index or what it derives changes: older indexes rebuild.
FORMAT = 2
_STATE = "state.json"


def cache_dir() -> Path:
    """Where default indexes live: ``$XDG_CACHE_HOME/iokg/index`` (``~/.cache/iokg/index``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "iokg" / "index"


def location(*, data_dir: Path | None = None) -> Path:
    """The index folder of the data folder ``data_dir`` in the user's cache."""
    data = Path(data_dir or paths.DATA_DIR).resolve()
    key = hashlib.sha256(f"{data}\n{paths.ONTOLOGY_DIR.resolve()}".encode()).hexdigest()[:16]
    return cache_dir() / key


def file_digests(*, data_dir: Path | None = None) -> dict[str, str]:
    """The SHA-256 of each file of the graph, keyed by its graph and file name."""
    from kg.dataset import sources

    found = {}
    for source in sources(data_dir=data_dir):
        with open(source.path, "rb") as stream:
            found[f"{source.graph} {source.path.name}"] = hashlib.file_digest(stream, "sha256").hexdigest()
    return found


def digest(files: dict[str, str]) -> str:
    """One digest of the graph's files (``file_digests``), the index format and the text of
    the derivations (a changed derivation rebuilds the index as a changed file does)."""
    from kg.dataset import PROVENANCE_UPDATE
    from kg.statements import STATEMENTS_UPDATE

    total = hashlib.sha256(f"iokg-index {FORMAT}\n{PROVENANCE_UPDATE}\n{STATEMENTS_UPDATE}\n".encode())
    for key in sorted(files):
        total.update(f"{key}\t{files[key]}\n".encode())
    return total.hexdigest()


def _read_state(folder: Path) -> dict:
    try:
        return json.loads((folder / _STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_state(folder: Path, state: dict) -> None:
    temporary = folder / f".{_STATE}.{uuid.uuid4().hex}"
    temporary.write_text(json.dumps(state), encoding="utf-8")
    with open(temporary, "rb") as stream:
        os.fsync(stream.fileno())
    os.replace(temporary, folder / _STATE)


def open_index(*, data_dir: Path | None = None, path: Path | None = None) -> OxigraphStore:
    """The index of ``data_dir`` (at ``path``, default: in the user's cache), rebuilt first
    when the data files' digest is not the one it holds.

    Raises :class:`kg.errors.InputError` when a data file does not parse (the old index then
    stays as it was).
    """
    folder = Path(path) if path is not None else location(data_dir=data_dir)
    files = file_digests(data_dir=data_dir)
    state = _read_state(folder)
    if state.get("digest") == digest(files) and (folder / state.get("store", "-")).is_dir():
        store = OxigraphStore(folder / state["store"], read_only=True)
        store.digest = state["digest"]
        return store
    return rebuild(data_dir=data_dir, path=folder, files=files)


def status(*, data_dir: Path | None = None, path: Path | None = None) -> str:
    """``current``, ``stale`` (the files changed since it was built) or ``missing``."""
    folder = Path(path) if path is not None else location(data_dir=data_dir)
    state = _read_state(folder)
    if not state or not (folder / state.get("store", "-")).is_dir():
        return "missing"
    return "current" if state.get("digest") == digest(file_digests(data_dir=data_dir)) else "stale"


def rebuild(*, data_dir: Path | None = None, path: Path | None = None, files: dict[str, str] | None = None) -> OxigraphStore:
    """Build the index of ``data_dir`` afresh from the files and make it the current one."""
    from kg.store import fill

    folder = Path(path) if path is not None else location(data_dir=data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    files = files if files is not None else file_digests(data_dir=data_dir)
    # Built in memory, then written to disk by one bulk load: a bulk load per file would
    # write (and sync) a set of table files per file.
    import pyoxigraph

    memory = OxigraphStore()
    fill(memory, data_dir=data_dir)
    memory.settle()
    data = memory.native.dump(format=pyoxigraph.RdfFormat.N_QUADS)
    memory.close()
    name = f"store-{uuid.uuid4().hex[:12]}"
    store = OxigraphStore(folder / name)
    try:
        store.native.bulk_load(data, format=pyoxigraph.RdfFormat.N_QUADS)
        store.native.flush()
    except BaseException:
        store.close()
        shutil.rmtree(folder / name, ignore_errors=True)
        raise
    previous = _read_state(folder).get("store")
    _write_state(folder, {"format": FORMAT, "digest": digest(files), "files": files, "store": name})
    _remove_old(folder, keep={name, previous})
    store.digest = digest(files)
    return store


def _remove_old(folder: Path, *, keep: set) -> None:
    """Remove the stores older than the previous one (a reader may still have that open)."""
    for child in folder.glob("store-*"):
        if child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)


def update(written: Iterable[Path], *, data_dir: Path | None = None, path: Path | None = None) -> bool:
    """Bring the index in step after the files ``written`` of ``data_dir`` were written or
    removed (by ``kg.add``): their graphs are replaced in the store, the provenance graph
    derived again, then the new digest recorded. Returns whether the index is current.

    When the index did not hold every other file as it is now, or does not exist, it is
    left alone: the next command finds the digests differ and rebuilds it.
    """
    import pyoxigraph

    from kg.dataset import PROVENANCE, PROVENANCE_SELECT, source_of
    from kg.statements import STATEMENTS, STATEMENTS_CONSTRUCT
    from kg.terms import to_rdflib

    folder = Path(path) if path is not None else location(data_dir=data_dir)
    state = _read_state(folder)
    if not state or not (folder / state.get("store", "-")).is_dir():
        return False
    changed = [source_of(p, data_dir=data_dir) for p in written]
    keys = {f"{s.graph} {Path(s.path).name}" for s in changed}
    files = file_digests(data_dir=data_dir)
    held = state.get("files", {})
    if {k: v for k, v in held.items() if k not in keys} != {k: v for k, v in files.items() if k not in keys}:
        return False
    store = None
    try:
        store = OxigraphStore(folder / state["store"])
        with store.transaction():
            for source in changed:
                triples = []
                if Path(source.path).exists():
                    triples = [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
                               for t in pyoxigraph.parse(path=str(source.path), format=_oxigraph_format(source))]
                store.replace_graph(source.graph, triples)
        with store.transaction():
            store.replace_graph(PROVENANCE, [tuple(row) for row in store.query(PROVENANCE_SELECT).rows])
            store.replace_graph(STATEMENTS, list(store.query(STATEMENTS_CONSTRUCT).graph))
        store.native.flush()
    except (OSError, SyntaxError):
        return False  # the digests disagree: the next command rebuilds
    finally:
        if store is not None:
            store.close()
    _write_state(folder, {**state, "digest": digest(files), "files": files})
    return True


def _oxigraph_format(source):
    """pyoxigraph's format of a source file (Turtle, or N-Triples for archives)."""
    import pyoxigraph

    return pyoxigraph.RdfFormat.N_TRIPLES if source.format == "nt" else pyoxigraph.RdfFormat.TURTLE


def clear(*, data_dir: Path | None = None, path: Path | None = None, every: bool = False) -> list[Path]:
    """Remove the index of ``data_dir`` (or at ``path``; every index in the cache with
    ``every``); returns the folders removed."""
    folders = [cache_dir()] if every else [Path(path) if path is not None else location(data_dir=data_dir)]
    removed = []
    for folder in folders:
        if folder.exists():
            with contextlib.suppress(OSError):
                shutil.rmtree(folder)
                removed.append(folder)
    return removed

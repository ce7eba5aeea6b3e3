"""Graph stores: one interface (:class:`Store`), one module per implementation, and
:func:`open_store`, which opens one by name.

=====================  =======================================================================
spec                   store
=====================  =======================================================================
``memory``             rdflib ``Dataset`` in memory (:mod:`kg.store.memory`)
``oxigraph``           Oxigraph embedded, in memory (:mod:`kg.store.oxigraph`)
``oxigraph:PATH``      Oxigraph on disk at PATH, kept in step with the data files
                       (:mod:`kg.store.index`)
``http(s)://…``        a remote SPARQL 1.1 endpoint (:mod:`kg.store.remote`)
``None``               the default: the on-disk index in the user's cache (:mod:`kg.store.index`)
=====================  =======================================================================
"""

from __future__ import annotations

import importlib
from pathlib import Path

from kg.errors import UsageError
from kg.store.base import Rows, Store

#: Store name → ``module:class`` of its implementation, imported on first use.
STORES = {
    "memory": "kg.store.memory:MemoryStore",
    "oxigraph": "kg.store.oxigraph:OxigraphStore",
    "remote": "kg.store.remote:RemoteStore",
}

#: The store commands use when none is named (the fastest measured: see README, "Stores").
DEFAULT = "index"

__all__ = ["DEFAULT", "STORES", "Rows", "Store", "fill", "implementation", "is_endpoint", "open_store"]


def implementation(name: str) -> type[Store]:
    """The store class registered as ``name`` in :data:`STORES`."""
    if name not in STORES:
        raise UsageError(f"unknown store {name!r}; use one of: {', '.join(STORES)}, oxigraph:PATH or an http(s) URL")
    module, _, attribute = STORES[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


def open_store(spec: str | None = None, *, data_dir: Path | None = None) -> Store:
    """Open the store named by ``spec`` holding the graph of ``data_dir`` (default: the
    packaged data): ``memory``, ``oxigraph``, ``oxigraph:PATH``, an ``http(s)://`` SPARQL
    endpoint (used as it is: ``push`` fills it), or ``None`` for the default (the on-disk
    index in the user's cache, rebuilt when a data file changes).

    Raises :class:`kg.errors.UsageError` for an unknown spec; :class:`kg.errors.InputError`
    when a data file does not parse or there are no documents.
    """
    spec = spec or DEFAULT
    if is_endpoint(spec):
        from kg.store.remote import RemoteStore

        return RemoteStore(spec)
    if spec == "index" or spec.startswith("oxigraph:"):
        from kg.store import index

        path = Path(spec.partition(":")[2]).expanduser() if spec.startswith("oxigraph:") else None
        if spec.startswith("oxigraph:") and not spec.partition(":")[2]:
            raise UsageError("oxigraph:PATH needs a path (or use 'oxigraph' for a store in memory)")
        return index.open_index(data_dir=data_dir, path=path)
    if spec == "memory":
        from kg.dataset import load
        from kg.store.memory import MemoryStore

        return MemoryStore(load(data_dir=data_dir))
    store = implementation(spec)()
    fill(store, data_dir=data_dir)
    return store


def is_endpoint(spec: str) -> bool:
    """Whether a store spec names a remote SPARQL endpoint (an http or https URL)."""
    return spec.lower().startswith(("http://", "https://"))


def fill(store: Store, *, data_dir: Path | None = None) -> None:
    """Load the graph's files (``kg.dataset.sources``) into ``store`` and derive what
    ``kg.load`` derives; :class:`kg.errors.InputError` when there are no documents."""
    from kg import paths
    from kg.dataset import sources
    from kg.errors import InputError

    files = list(sources(data_dir=data_dir))
    if not any(source.kind == "document" for source in files):
        raise InputError("no document graphs found", path=Path(data_dir or paths.DATA_DIR) / "documents")
    store.load(files)
    store.derive()

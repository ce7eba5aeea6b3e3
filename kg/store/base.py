"""The store interface every iokg graph store implements, and the engine-neutral result of a
query (``Rows``).

A store holds the graph as named graphs (one per source file, plus the derived provenance
graph). Queries see as their default graph the SET union of the named graphs: a triple
stated in two graphs counts once, on every implementation (rdflib in memory, Oxigraph
embedded, a remote SPARQL 1.1 endpoint).
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef, Variable
from rdflib.namespace import RDFS, SKOS

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

    from kg.dataset import Source
    from kg.parsing import InputFormat

#: A quad of rdflib terms: subject, predicate, object, graph name.
Quad = tuple  # (Node, Node, Node, URIRef)

#: The label properties a table shows for an IRI, in order of preference.
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel)


@dataclass
class Rows:
    """The engine-independent result of a query: SELECT rows, an ASK answer, or a graph."""

    variables: list[str]
    rows: list[tuple]
    boolean: bool | None = None
    graph: Graph | None = None  # an rdflib Graph for CONSTRUCT / DESCRIBE


@dataclass
class Changes:
    """The updates collected by ``Store.transaction`` and applied together when it ends."""

    added: list[Quad] = field(default_factory=list)
    removed: list[Quad] = field(default_factory=list)
    replaced: dict[URIRef, list[tuple]] = field(default_factory=dict)  # graph -> its new triples


class Store(ABC):
    """A graph store: named graphs loaded from files, SPARQL queries over their set union,
    updates in a transaction, and dumps.

    Implementations: :mod:`kg.store.memory` (rdflib), :mod:`kg.store.oxigraph` (Oxigraph
    embedded, in memory or on disk), :mod:`kg.store.remote` (SPARQL 1.1 Protocol and Graph
    Store Protocol). Open one with :func:`kg.store.open_store`.
    """

    #: The name of the implementation in the ``open_store`` table.
    kind: str = ""
    #: The engine's name, for messages.
    engine: str = ""
    _changes: Changes | None = None

    # Reading ----------------------------------------------------------------------------

    @abstractmethod
    def load(self, sources: Iterable[Source]) -> None:
        """Load each source file into its named graph (replacing nothing already there).

        Raises :class:`kg.errors.InputError` (file, line, column) when a file does not parse.
        """

    @abstractmethod
    def derive(self) -> None:
        """Add what ``kg.load`` derives from the loaded files: the PROV-O provenance graph
        (``kg.dataset.PROVENANCE``)."""

    @abstractmethod
    def graphs(self) -> list[URIRef]:
        """The names of the store's named graphs, sorted."""

    @abstractmethod
    def quads(self, s=None, p=None, o=None, g=None) -> Iterator[Quad]:
        """The quads matching a pattern of rdflib terms (``None`` matches anything)."""

    def __len__(self) -> int:
        return sum(1 for _ in self.quads())

    def query(
        self,
        text: str,
        *,
        bindings: Mapping[Variable, object] | None = None,
        timeout: float | None = None,
        allow_remote: bool = False,
    ) -> Rows:
        """Run SPARQL ``text`` with the default graph the set union of the named graphs,
        ``bindings`` pre-bound as RDF terms.

        Raises :class:`kg.errors.UsageError` for malformed SPARQL or an update;
        :class:`kg.errors.PolicyError` for SERVICE, LOAD or FROM of a graph the store does
        not hold (unless ``allow_remote``); :class:`kg.errors.LimitError` when ``timeout``
        seconds pass (the query then runs in a child process that is killed).
        """
        from kg.policy import check_query_nesting, guard_query, may_reach_outside

        check_query_nesting(text)  # before any parser recurses on the brackets (LimitError)
        if may_reach_outside(text):  # only then is the parse of guard_query worth its cost
            guard_query(text, graphs=[str(g) for g in self.graphs()], allow_remote=allow_remote)
        bindings = dict(bindings or {})
        if timeout is None:
            return self._evaluate(text, bindings, allow_remote)
        from kg.bounds import limits, run_bounded

        return run_bounded(self._evaluate, text, bindings, allow_remote, timeout=timeout, memory=limits().memory)

    def _evaluate(self, text: str, bindings: dict, allow_remote: bool) -> Rows:
        """``_query``, a failure of the engine turned into a clear :class:`UsageError`."""
        from kg.errors import IokgError, UsageError

        try:
            return self._query(text, bindings, allow_remote=allow_remote)
        except (IokgError, MemoryError):
            raise
        except OSError as error:  # a SERVICE or FROM that allow_remote let through, and that failed
            raise UsageError(f"the query reached outside the dataset and that failed: {error}") from None
        except Exception as error:  # what the engine raises for a query it cannot evaluate
            why = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise UsageError(f"{self.engine} cannot evaluate the query: {why}") from None

    @abstractmethod
    def _query(self, text: str, bindings: dict, *, allow_remote: bool = False) -> Rows:
        """Evaluate a guarded query (no bound of its own)."""

    def labels(self, iris: Iterable[URIRef], *, language: str = "en") -> dict[URIRef, str]:
        """The label in ``language`` of each IRI that has one (``rdfs:label`` first, then
        ``skos:prefLabel``; the smallest when several), for readable tables."""
        found: dict[URIRef, str] = {}
        for iri in set(iris):
            for prop in LABEL_PROPERTIES:
                values = sorted(
                    str(o) for _, _, o, _ in self.quads(iri, prop, None, None)
                    if isinstance(o, Literal) and o.language == language
                )
                if values:
                    found[iri] = values[0]
                    break
        return found

    # Writing ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """Collect ``add_quads``, ``remove_quads`` and ``replace_graph`` calls and apply them
        together when the block ends without an exception (none of them otherwise)."""
        if self._changes is not None:
            raise RuntimeError("transactions do not nest")
        self._changes = Changes()
        try:
            yield self
            changes = self._changes
        finally:
            self._changes = None
        self._apply(changes)

    def _pending(self) -> Changes:
        if self._changes is None:
            raise RuntimeError("updates go inside 'with store.transaction():'")
        return self._changes

    def add_quads(self, quads: Iterable[Quad]) -> None:
        """Add quads (each with its graph name) when the transaction commits."""
        self._pending().added.extend(quads)

    def remove_quads(self, quads: Iterable[Quad]) -> None:
        """Remove quads when the transaction commits."""
        self._pending().removed.extend(quads)

    def replace_graph(self, graph: URIRef, triples: Iterable[tuple]) -> None:
        """Make the named graph ``graph`` hold exactly ``triples`` when the transaction commits."""
        self._pending().replaced[URIRef(graph)] = list(triples)

    @abstractmethod
    def _apply(self, changes: Changes) -> None:
        """Apply a committed transaction's changes atomically where the store can."""

    # Output -----------------------------------------------------------------------------

    @abstractmethod
    def dump(self, format: InputFormat | str, *, graphs: Iterable[URIRef] | None = None) -> bytes:
        """The named graphs (all, or ``graphs``) serialized in ``format``; formats without
        named graphs (Turtle, N-Triples, RDF/XML) get their set union."""

    def dataset(self) -> Dataset:
        """The store's named graphs as an rdflib ``Dataset`` (for pySHACL and Python users)."""
        from rdflib import Dataset

        from kg.namespaces import PREFIXES

        dataset = Dataset()
        for prefix, namespace in PREFIXES.items():
            dataset.bind(prefix, namespace, override=True)
        for s, p, o, g in self.quads():
            dataset.graph(g).add((s, p, o))
        return dataset

    def close(self) -> None:
        """Release the store's resources (files, connections)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

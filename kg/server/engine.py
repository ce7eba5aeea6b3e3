"""The loaded graph behind a server, and the work done for one request.

A :class:`Backend` loads the graph once. Every query (and every Linked Data page, which is
made of queries) runs through :func:`kg.bounds.run_bounded`: in a process forked from the
server, which inherits the loaded graph copy-on-write, computes the whole answer (rows cut
at ``max_rows`` and written in the negotiated format) and sends the bytes back. A query past
the timeout is killed with its process, so its CPU is freed at once, whatever the engine
was doing; rdflib has no way to cancel a query in the process that runs it.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef, Variable

from kg.bounds import run_bounded
from kg.dataset import load, union
from kg.errors import UsageError
from kg.exports import ExportFormat, canonical_quads, context, serialize
from kg.queries import Engine, Rows, run, to_store
from kg.results import format_results
from kg.server.formats import Choice
from kg.server.policy import guard
from kg.server.sparql import names_dataset

#: ``--store`` names and the engine each runs on.
STORES = {"memory": Engine.RDFLIB, "rdflib": Engine.RDFLIB, "oxigraph": Engine.OXIGRAPH}

#: The store a server runs queries on unless told: Oxigraph, embedded in memory (the engine of
#: the command line's default store), several times faster than rdflib on the named queries.
DEFAULT_STORE = "oxigraph"

#: The name under which a graph result (one without named graphs) is canonicalized.
_RESULT_GRAPH = URIRef("urn:x-iokg:result")


@dataclass(frozen=True)
class Answer:
    """The bytes of a response, made in the child process."""

    body: bytes
    media_type: str
    #: the number of rows (or triples) written
    count: int
    #: whether ``max_rows`` cut the result
    truncated: bool = False


@dataclass(frozen=True)
class State:
    """One loaded version of the graph."""

    dataset: Dataset
    #: an embedded Oxigraph store with the same quads (its default graph their merge)
    store: object
    #: every triple once, for labels and types
    union: Graph
    #: the non-empty named graphs
    graph_names: list[URIRef]


class Backend:
    """The graph a server answers from: the rdflib dataset (what ``iokg sparql`` queries)
    and an embedded Oxigraph store with the same quads (for ``--store oxigraph`` and for
    requests that name their own RDF dataset)."""

    def __init__(self, *, data_dir: Path | None = None, store: str | None = None) -> None:
        name = (store or DEFAULT_STORE).lower()
        if name not in STORES:
            raise UsageError(f"unknown store {store!r} for serve; known: {', '.join(STORES)}")
        self.data_dir = data_dir
        self.engine = STORES[name]
        #: held by an update from reading the data folder to swapping the graph in
        self.update_lock = threading.Lock()
        self.reload()
        import rdflib.plugins.sparql

        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM never fetches (and goes to Oxigraph anyway)
        self.warm_up()

    def warm_up(self) -> None:
        """Do once here what every child would otherwise do first: import the engines' lazy
        modules and build their parsers (a forked child inherits them ready)."""
        from kg.server.formats import GRAPH_FORMATS, RESULT_FORMATS

        for text in ("ASK { ?s ?p ?o }", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1",
                     "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"):
            for engine in Engine:
                rows = run(text, dataset=self.dataset, store=self.store if engine is Engine.OXIGRAPH else None,
                           engine=engine)
        for choice in RESULT_FORMATS[:1] + GRAPH_FORMATS:
            write_answer(rows if choice.rdf else Rows(["s"], []), choice=choice, max_rows=1)
        # Everything loaded so far lives as long as the server: keep it out of the garbage
        # collector's passes, so that a child's collection does not touch (and copy) the
        # pages it shares with the server.
        gc.collect()
        gc.freeze()

    def reload(self) -> None:
        """Read the graph again from the data folder (after an update wrote to it) and swap
        it in at once: a query forked before sees the old graph whole, one after the new."""
        dataset = load(data_dir=self.data_dir)
        names = sorted((g.identifier for g in dataset.graphs() if isinstance(g.identifier, URIRef) and len(g)), key=str)
        self.state = State(dataset=dataset, store=to_store(dataset), union=union(dataset), graph_names=names)

    @property
    def dataset(self) -> Dataset:
        return self.state.dataset

    @property
    def store(self):
        return self.state.store

    @property
    def union(self) -> Graph:
        return self.state.union

    @property
    def graph_names(self) -> list[URIRef]:
        return self.state.graph_names

    def bounded(self, function, *args, timeout: float | None, memory: int | None = None, **kwargs):
        """Run ``function(self, *args, **kwargs)`` in a child process bounded by ``timeout``
        (seconds) and ``memory`` (bytes of address space)."""
        return run_bounded(function, self, *args, timeout=timeout, memory=memory, **kwargs)


def execute(
    backend: Backend,
    text: str,
    *,
    choice: Choice,
    max_rows: int,
    bindings: dict[Variable, object] | None = None,
    default_graphs: tuple[str, ...] = (),
    named_graphs: tuple[str, ...] = (),
    guarded: bool = False,
) -> Answer:
    """Run a query and write its answer (in the child). Named ``default_graphs`` and
    ``named_graphs`` (the SPARQL Protocol's RDF dataset) must be graphs of the dataset.
    ``guarded``: the text already passed the network policy (the server remembers texts
    that did, as parsing them again costs more than many queries)."""
    if not guarded:
        guard(text, graphs=backend.graph_names)
    if default_graphs or named_graphs or names_dataset(text):
        rows = _run_with_dataset(backend, text, bindings or {}, default_graphs, named_graphs)
    else:
        # The policy is checked above (allow_remote only says so to run(); this process is
        # a throw-away fork, and a FROM never reaches rdflib: it goes to Oxigraph above).
        rows = run(text, dataset=backend.dataset, store=backend.store if backend.engine is Engine.OXIGRAPH else None,
                   engine=backend.engine, bindings=bindings, allow_remote=True)
    return write_answer(rows, choice=choice, max_rows=max_rows)


def _run_with_dataset(backend: Backend, text, bindings, default_graphs, named_graphs) -> Rows:
    """The query on the RDF dataset the request names (SPARQL 1.1 Protocol section 2.1.4),
    evaluated by Oxigraph, which takes a dataset per query without reading any IRI."""
    import pyoxigraph as ox

    from kg.namespaces import PREFIXES
    from kg.queries import with_values
    from kg.store.oxigraph import rows_of
    from kg.store.sparql import syntax_error
    from kg.terms import to_oxigraph

    known = {str(name) for name in backend.graph_names}
    unknown = sorted(name for name in {*default_graphs, *named_graphs} if name not in known)
    if unknown:
        raise UsageError(f"no graph {', '.join(f'<{n}>' for n in unknown)} in the dataset; "
                         f"the graphs are listed by the service description (GET /sparql)")
    text = with_values(text, {str(k): to_oxigraph(v) for k, v in bindings.items()})
    try:
        result = backend.store.query(
            text,
            default_graph=[ox.NamedNode(n) for n in default_graphs] or None,
            named_graphs=[ox.NamedNode(n) for n in named_graphs] or None,
            prefixes={k: str(v) for k, v in PREFIXES.items()},
        )
    except SyntaxError as error:
        raise syntax_error(error, text) from None
    return rows_of(result)


def write_answer(rows: Rows, *, choice: Choice, max_rows: int) -> Answer:
    """``rows`` in the format ``choice``, cut at ``max_rows`` rows or triples."""
    if rows.graph is not None:
        triples = sorted(rows.graph, key=lambda t: tuple(x.n3() for x in t))
        truncated = len(triples) > max_rows
        graph = Graph()
        for triple in triples[:max_rows]:
            graph.add(triple)
        return Answer(write_graphs({_RESULT_GRAPH: graph}, choice.rdf, named=False), choice.media_type,
                      count=len(graph), truncated=truncated)
    truncated = len(rows.rows) > max_rows
    shown = Rows(rows.variables, rows.rows[:max_rows], boolean=rows.boolean)
    text = format_results(shown, choice.result)
    count = 1 if rows.boolean is not None else len(shown.rows)
    return Answer(text.encode("utf-8"), choice.media_type, count=count, truncated=truncated)


def write_graphs(graphs: dict[URIRef, Graph], format: ExportFormat, *, named: bool = True) -> bytes:
    """Graphs in an RDF format with iokg's writers (canonical blank nodes, sorted). With
    ``named`` false the graphs are one unnamed graph (a CONSTRUCT result): N-Quads and TriG
    then hold it in their default graph, JSON-LD as a plain list of nodes."""
    if named or format in (ExportFormat.TURTLE, ExportFormat.LONGTURTLE, ExportFormat.NTRIPLES, ExportFormat.RDFXML):
        return serialize(canonical_quads(graphs), format)
    if format is ExportFormat.NQUADS:  # N-Triples lines are N-Quads in the default graph
        return serialize(canonical_quads(graphs), ExportFormat.NTRIPLES)
    if format is ExportFormat.TRIG:  # a Turtle document is a TriG document of its default graph
        return serialize(canonical_quads(graphs), ExportFormat.TURTLE)
    merged = Graph()
    for graph in graphs.values():
        merged += graph
    return merged.serialize(format="json-ld", context=context().get("@context"), auto_compact=True).encode("utf-8")


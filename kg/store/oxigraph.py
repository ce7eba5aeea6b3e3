"""The Oxigraph store: the graph in an embedded pyoxigraph ``Store``, in memory or on disk.

Files are loaded with Oxigraph's ``bulk_load`` straight from disk (no rdflib parse).

Queries see the set union of the named graphs as their default graph. pyoxigraph 0.5's
``use_default_graph_as_union`` yields a triple once per graph that holds it (a bag, not the
merge; oxigraph issue 1919), so COUNT and SUM would count a fact twice when two documents
state it. So after a load the store checks whether any triple is stated in two graphs: if
none is, the union is already a set and queries use it (no copy); if one is, the merge of
the named graphs is written once into the default graph and queries use that. Updates keep
either state exact.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Graph, URIRef

from kg.errors import InputError, LimitError
from kg.namespaces import PREFIXES
from kg.store.base import Changes, Quad, Rows, Store
from kg.store.sparql import syntax_error, with_values
from kg.terms import to_oxigraph, to_rdflib

#: The SPARQL Update that fills the default graph with the merge of the named graphs.
MERGE_DEFAULT = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
#: Whether a triple is stated in two named graphs (then the union is a bag).
_STATED_TWICE = "ASK { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?s ?p ?o } FILTER(?a != ?b) }"


def _prefixes() -> dict[str, str]:
    return {k: str(v) for k, v in PREFIXES.items()}


class OxigraphStore(Store):
    """The graph in pyoxigraph: ``OxigraphStore()`` in memory, ``OxigraphStore(path)`` on disk,
    or ``OxigraphStore(store=pyoxigraph.Store(...))`` around an existing store."""

    kind = "oxigraph"
    engine = "Oxigraph"
    #: The digest of the data files an index store holds (:mod:`kg.store.index`), else None:
    #: a key for what is computed from the data alone (an export's description).
    digest: str | None = None

    def __init__(self, path: Path | str | None = None, *, store=None, read_only: bool = False) -> None:
        import pyoxigraph

        if store is not None:
            self._store = store
        elif path is None:
            self._store = pyoxigraph.Store()
        elif read_only:
            self._store = pyoxigraph.Store.read_only(str(path))
        else:
            self._store = pyoxigraph.Store(str(path))
        self.path = Path(path) if path is not None else None
        self._unsettled = False  # loaded since the last check for triples stated twice

    @property
    def native(self):
        """The underlying ``pyoxigraph.Store``."""
        return self._store

    def load(self, sources) -> None:
        import pyoxigraph

        from kg.parsing import InputFormat

        from kg import bounds, policy

        for source in sources:
            format = InputFormat.from_name(Path(source.path).suffix or "ttl").oxigraph
            info = policy.check_readable(Path(source.path))  # a regular file, not a FIFO or device
            limit = bounds.limits()
            if info.st_size > limit.file_size:
                raise LimitError(f"file of {info.st_size} bytes is too large {limit.hint('file_size')}", path=source.path)
            try:
                self._store.bulk_load(path=str(source.path), format=format, to_graph=pyoxigraph.NamedNode(str(source.graph)))
            except SyntaxError as error:
                raise _input_error(error, source.path) from None
            except OSError as error:
                raise InputError(error.strerror or str(error), path=source.path) from None
        self._unsettled = True

    def derive(self) -> None:
        """Add the derived graphs (PROV-O provenance, per-source statements) that ``kg.load`` adds."""
        from kg.dataset import PROVENANCE_UPDATE
        from kg.statements import STATEMENTS_UPDATE

        self._store.update(PROVENANCE_UPDATE)
        self._store.update(STATEMENTS_UPDATE)
        self._unsettled = True

    def merge_default(self) -> None:
        """Fill the default graph with the merge of the named graphs (see the module)."""
        self._store.update(MERGE_DEFAULT)
        self._unsettled = False

    def _merged(self) -> bool:
        """Whether the default graph holds the merge of the named graphs."""
        import pyoxigraph

        return next(iter(self._store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())), None) is not None

    def changed(self) -> None:
        """Note that quads were loaded into the native store directly (``settle`` then checks
        for triples stated twice before the next query or dump)."""
        self._unsettled = True

    def settle(self) -> None:
        """After a load: write the merge into the default graph if a triple is stated in two
        graphs (see the module); nothing otherwise."""
        if self._unsettled:
            if not self._merged() and bool(self._store.query(_STATED_TWICE)):
                self._store.update(MERGE_DEFAULT)
            self._unsettled = False

    def graphs(self) -> list[URIRef]:
        return sorted(
            URIRef(g.value) for g in self._store.named_graphs()
            if next(iter(self._store.quads_for_pattern(None, None, None, g)), None) is not None
        )

    def quads(self, s=None, p=None, o=None, g=None) -> Iterator[Quad]:
        import pyoxigraph

        pattern = [None if t is None else to_oxigraph(t) for t in (s, p, o, g)]
        for quad in self._store.quads_for_pattern(*pattern):
            if isinstance(quad.graph_name, pyoxigraph.DefaultGraph):
                continue
            yield (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object), to_rdflib(quad.graph_name))

    def __len__(self) -> int:
        import pyoxigraph

        return len(self._store) - sum(1 for _ in self._store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))

    def _query(self, text: str, bindings: dict, *, allow_remote: bool = False) -> Rows:
        import pyoxigraph

        # pyoxigraph's ``substitutions`` accept only projected variables, so a parameter used
        # in a FILTER cannot be bound with them: bind it with a VALUES block opening the
        # query's outer group instead, its terms written by pyoxigraph's own serializer (a
        # value stays a term, never query text).
        text = with_values(text, {str(k): to_oxigraph(v) for k, v in bindings.items()})
        # The default graph is the merge of all graphs: the store's default graph when it
        # holds it, else the union of the named graphs (a set: no triple is in two graphs).
        self.settle()
        try:
            result = self._store.query(text, use_default_graph_as_union=not self._merged(), prefixes=_prefixes())
        except SyntaxError as error:
            raise syntax_error(error, text) from None
        return rows_of(result)

    def _apply(self, changes: Changes) -> None:
        import pyoxigraph

        self.settle()
        merged = self._merged()
        default = pyoxigraph.DefaultGraph()
        maybe_gone: set[tuple] = set()
        for graph, triples in changes.replaced.items():
            name = to_oxigraph(graph)
            maybe_gone.update((q.subject, q.predicate, q.object) for q in self._store.quads_for_pattern(None, None, None, name))
            if self._store.contains_named_graph(name):
                self._store.remove_graph(name)
            new = [pyoxigraph.Quad(*map(to_oxigraph, t), name) for t in triples]
            if new:
                self._store.add_graph(name)
            self._store.extend(new + [pyoxigraph.Quad(q.subject, q.predicate, q.object, default) for q in new if merged])
        for s, p, o, g in changes.removed:
            triple = (to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
            self._store.remove(pyoxigraph.Quad(*triple, to_oxigraph(g)))
            maybe_gone.add(triple)
        added = [pyoxigraph.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), to_oxigraph(g)) for s, p, o, g in changes.added]
        self._store.extend(added + [pyoxigraph.Quad(q.subject, q.predicate, q.object, default) for q in added if merged])
        if not merged:  # the union stays a set unless a new triple is now in two graphs
            fresh = added + [q for graph in changes.replaced for q in self._store.quads_for_pattern(None, None, None, to_oxigraph(graph))]
            if any(sum(1 for _ in self._store.quads_for_pattern(q.subject, q.predicate, q.object, None)) > 1 for q in fresh):
                self.merge_default()
            return
        for s, p, o in maybe_gone:
            if not any(not isinstance(q.graph_name, pyoxigraph.DefaultGraph) for q in self._store.quads_for_pattern(s, p, o, None)):
                self._store.remove(pyoxigraph.Quad(s, p, o, default))

    def dump(self, format, *, graphs: Iterable[URIRef] | None = None) -> bytes:
        import pyoxigraph

        from kg.parsing import InputFormat

        format = InputFormat.from_name(format) if isinstance(format, str) else InputFormat(format)
        if format.oxigraph is None:  # JSON-LD: written by rdflib
            from kg.store.memory import MemoryStore

            return MemoryStore(self.dataset()).dump(format, graphs=graphs)
        self.settle()
        merged = self._merged()
        names = [to_oxigraph(URIRef(g)) for g in graphs] if graphs is not None else None
        if format in (InputFormat.NQUADS, InputFormat.TRIG):
            if names is None and not merged:  # the store holds the named graphs and nothing else
                return self._store.dump(format=format.oxigraph, prefixes=_prefixes())
            names = names if names is not None else [to_oxigraph(g) for g in self.graphs()]
            quads = (q for name in names for q in self._store.quads_for_pattern(None, None, None, name))
            return pyoxigraph.serialize(quads, format=format.oxigraph, prefixes=_prefixes())
        if names is None and merged:
            return self._store.dump(format=format.oxigraph, from_graph=pyoxigraph.DefaultGraph(), prefixes=_prefixes())
        if not merged:
            names = names if names is not None else list(self._store.named_graphs())
            # No triple is in two graphs: the union is the graphs one after the other.
            output = io.BytesIO()
            for name in names:
                self._store.dump(output, format=format.oxigraph, from_graph=name, prefixes=_prefixes())
            return output.getvalue()
        union = pyoxigraph.Store()
        union.extend(pyoxigraph.Quad(q.subject, q.predicate, q.object) for name in names
                     for q in self._store.quads_for_pattern(None, None, None, name))
        return union.dump(format=format.oxigraph, from_graph=pyoxigraph.DefaultGraph(), prefixes=_prefixes())

    def dataset(self):
        """The named graphs as an rdflib ``Dataset``, read through N-Quads (no per-term copy)."""
        from rdflib import Dataset

        import pyoxigraph

        dataset = Dataset()
        for prefix, namespace in PREFIXES.items():
            dataset.bind(prefix, namespace, override=True)

        data = pyoxigraph.serialize(
            (q for q in self._store if not isinstance(q.graph_name, pyoxigraph.DefaultGraph)),
            format=pyoxigraph.RdfFormat.N_QUADS,
        )
        # Literals keep the lexical form Oxigraph gives them (its canonical form: Oxigraph
        # stores numbers, dates and booleans by value, so "3500.0"^^xsd:decimal comes back as
        # "3500"): rdflib does not normalise them a second time.
        import rdflib

        normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
        try:
            dataset.parse(data=data, format="nquads")
        finally:
            rdflib.NORMALIZE_LITERALS = normalize
        return dataset

    def close(self) -> None:
        self._store = None


def rows_of(result) -> Rows:
    """The ``Rows`` of a pyoxigraph query result (solutions, boolean or triples)."""
    import pyoxigraph

    if isinstance(result, pyoxigraph.QueryBoolean):
        return Rows([], [], boolean=bool(result))
    if isinstance(result, pyoxigraph.QueryTriples):
        graph = Graph()
        for triple in result:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return Rows([], [], graph=graph)
    variables = [v.value for v in result.variables]
    return Rows(variables, [tuple(to_rdflib(solution[v]) for v in variables) for solution in result])


def _input_error(error: SyntaxError, path) -> InputError:
    """An Oxigraph parse error as an input error with file, line and column."""
    message = str(error.msg if hasattr(error, "msg") else error)
    message = message.split(" (", 1)[0] if message.endswith(")") else message
    message = re.sub(r"^Parser error (?:at|between) line \d+ column \d+(?: and line \d+ column \d+)?: ", "", message)
    return InputError(message, path=path, line=error.lineno, column=error.offset)

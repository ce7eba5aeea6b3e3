"""The rdflib store: the graph in an rdflib ``Dataset`` in memory (iokg's reference engine)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

from rdflib import Dataset, Graph, URIRef

from kg.namespaces import PREFIXES
from kg.store.base import Changes, Quad, Rows, Store
from kg.store.sparql import precise_error, syntax_error


class MemoryStore(Store):
    """The graph in an rdflib ``Dataset``; queries run on rdflib's SPARQL engine."""

    kind = "memory"
    engine = "rdflib"

    def __init__(self, dataset: Dataset | None = None) -> None:
        if dataset is None:
            dataset = Dataset()
            for prefix, namespace in PREFIXES.items():
                dataset.bind(prefix, namespace, override=True)
        self._dataset = dataset

    def load(self, sources) -> None:
        from kg.parsing import parse_file

        for source in sources:
            self._dataset.graph(source.graph).__iadd__(parse_file(source.path, format=source.format))

    def derive(self) -> None:
        """Add the derived graphs (PROV-O provenance, per-source statements) that ``kg.load`` adds."""
        from kg.dataset import add_provenance
        from kg.statements import add_statements

        add_provenance(self._dataset)
        add_statements(self._dataset)

    def graphs(self) -> list[URIRef]:
        return sorted(
            URIRef(g.identifier) for g in self._dataset.graphs()
            if isinstance(g.identifier, URIRef) and len(g) and g.identifier != self._dataset.default_graph.identifier
        )

    def quads(self, s=None, p=None, o=None, g=None) -> Iterator[Quad]:
        for s_, p_, o_, g_ in self._dataset.quads((s, p, o, g)):
            if g_ is not None:
                yield s_, p_, o_, g_

    def __len__(self) -> int:
        return len(self._dataset)

    def _query(self, text: str, bindings: dict, *, allow_remote: bool = False) -> Rows:
        from rdflib.plugins import sparql

        # rdflib fetches the graph of every FROM / FROM NAMED from the web unless told not to;
        # within the dataset (all guard_query lets through by default) it uses its graphs.
        sparql.SPARQL_LOAD_GRAPHS = allow_remote

        try:
            prepared = _prepared(text)
        except Exception as error:  # pyparsing.ParseException and friends
            raise syntax_error(precise_error(text) or error, text) from None
        previous = self._dataset.default_union
        self._dataset.default_union = True
        try:
            result = self._dataset.query(prepared, initBindings=bindings)
            if result.type == "ASK":
                return Rows([], [], boolean=bool(result.askAnswer))
            if result.type in ("CONSTRUCT", "DESCRIBE"):
                return Rows([], [], graph=result.graph)
            variables = [str(v) for v in result.vars]
            rows = [tuple(row[v] if v in row.labels else None for v in variables) for row in result]
            return Rows(variables, rows)
        finally:
            self._dataset.default_union = previous

    def _apply(self, changes: Changes) -> None:
        for graph, triples in changes.replaced.items():
            self._dataset.remove_graph(graph)
            target = self._dataset.graph(graph)
            for triple in triples:
                target.add(triple)
        for s, p, o, g in changes.removed:
            self._dataset.remove((s, p, o, g))
        for s, p, o, g in changes.added:
            self._dataset.graph(g).add((s, p, o))

    def dump(self, format, *, graphs: Iterable[URIRef] | None = None) -> bytes:
        from kg.parsing import InputFormat

        format = InputFormat.from_name(format) if isinstance(format, str) else InputFormat(format)
        chosen = set(map(URIRef, graphs)) if graphs is not None else None
        if format in (InputFormat.NQUADS, InputFormat.TRIG, InputFormat.JSONLD):
            subset = Dataset()
            for prefix, namespace in self._dataset.namespaces():
                subset.bind(prefix, namespace, override=True)
            for s, p, o, g in self.quads():
                if chosen is None or g in chosen:
                    subset.graph(g).add((s, p, o))
            return subset.serialize(format=format.value, encoding="utf-8")
        merged = Graph()
        for prefix, namespace in self._dataset.namespaces():
            merged.bind(prefix, namespace, override=True)
        for s, p, o, g in self.quads():
            if chosen is None or g in chosen:
                merged.add((s, p, o))
        return merged.serialize(format=format.value, encoding="utf-8")

    def dataset(self) -> Dataset:
        return self._dataset


@functools.lru_cache(maxsize=256)
def _prepared(text: str):
    """rdflib's parse and algebra of ``text``, once per process: the parse (pyparsing) costs
    more than evaluating most named queries, and a prepared query is not changed by running it."""
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=PREFIXES)

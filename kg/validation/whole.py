"""Validating a whole dataset (``iokg check``): the shapes and the graph-quality checks of
``queries/checks/`` run on one Oxigraph store, filled from the dataset once.

The store holds the dataset's named graphs (the checks ask in which graph a node is
described) and, in its default graph, their merge (a set: what the shapes validate).
"""

from __future__ import annotations

from rdflib import Dataset, Graph

from kg.validation.base import Report, Severity
from kg.validation.engine import dataset_store, load_shapes, validate_graph
from kg.validation.rules import check_results, dataset_check_results, store_rows, without_repeats


def validate_dataset(dataset: Dataset, *, shapes: Graph | None = None) -> Report:
    """Validate every graph of ``dataset`` together against the shapes (the ontology must be
    one of them) and apply the checks of ``queries/checks/``: one report, a check's result
    left out on a node a shape already reports a violation on. ``Report.triples`` is the
    number of distinct triples validated. The same results as :func:`validate_graph` of the
    union plus :func:`~kg.validation.rules.dataset_check_results`, without an rdflib copy of
    the union and with one conversion to Oxigraph instead of two."""
    import pyoxigraph as ox

    from kg.store.oxigraph import MERGE_DEFAULT
    from kg.validation.compiler import compile_shapes
    from kg.validation.incremental import View

    shapes = shapes if shapes is not None else load_shapes()
    graphs = [g for g in dataset.graphs() if len(g)]
    store = None
    if compile_shapes(shapes).residual is None:
        try:
            store = dataset_store(graphs)
        except ValueError:  # a term Oxigraph refuses: pySHACL and rdflib read it
            store = None
    if store is None:
        from kg.dataset import union

        data = union(dataset)
        shacl = validate_graph(data, shapes=shapes)
        rules = dataset_check_results(dataset, data)
        triples = len(data)
    else:
        store.update(MERGE_DEFAULT)
        names = View([dataset], namespaces=dataset.namespace_manager)
        shacl = validate_graph(names, shapes=shapes, store=store)
        rules = check_results(graphs, names, rows=store_rows(store))
        triples = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    results = sorted(without_repeats(shacl.results + rules))
    return Report(conforms=not any(r.severity is Severity.VIOLATION for r in results), results=results,
                  graph=shacl.graph, triples=triples)

"""The graph-quality checks of ``queries/checks/`` (``*-violation.rq``: no rows expected)
enforced as validation rules, so that ``check``, ``validate`` and ``add`` apply one rule
set: a row of a check is a violation on the first node of the row.

The checks run on Oxigraph (the dataset's named graphs kept, for the checks that ask in
which graph a node is described)."""

from __future__ import annotations

from rdflib import BNode, Dataset, Graph, URIRef

from kg.validation.base import Result, Severity, short, shorten
from kg.validation.engine import dataset_store, graph_quads

#: The prefix of a check's name in ``Result.shape`` (``iokg:Check-figure-without-value``).
CHECK_SHAPE = "iokg:Check-"


def check_rows(graphs, *, base: Graph | None = None) -> dict[str, list[tuple]]:
    """The rows of every check on ``graphs`` (as :func:`dataset_store` takes them; default
    graph: the union) and the named graph ``base`` (the ontology: converted to Oxigraph
    once, see :func:`graph_quads`), by name. Oxigraph runs them; rdflib when Oxigraph
    refuses a term."""
    try:
        store = dataset_store(graphs, base=graph_quads(base, named=True) if base is not None else ())
    except ValueError:
        return _rdflib_rows(list(graphs) + ([base] if base is not None else []))
    return store_rows(store)


def store_rows(store) -> dict[str, list[tuple]]:
    """The rows of every check on a ``pyoxigraph.Store`` (default graph: the union of its
    named graphs), by name."""
    from kg.queries import checks
    from kg.terms import to_rdflib

    rows = {}
    for name, query in checks().items():
        solutions = store.query(query.text, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        rows[name] = [tuple(to_rdflib(row[v]) for v in names) for row in solutions]
    return rows


def _rdflib_rows(graphs) -> dict[str, list[tuple]]:
    from kg.queries import checks

    dataset = Dataset(default_union=True)
    for item in graphs:
        name, triples = (item.identifier, item) if isinstance(item, Graph) else item
        target = dataset.graph(name) if isinstance(name, URIRef) else dataset.default_graph
        for triple in triples:
            target.add(triple)
    return {name: [tuple(row) for row in dataset.query(query.text)] for name, query in checks().items()}


def check_results(graphs, names: Graph, *, nodes=None, before: dict | None = None, base: Graph | None = None,
                  rows: dict | None = None) -> list[Result]:
    """Violations for the rows of the checks on ``graphs`` and ``base`` (as
    :func:`check_rows` takes them), or for ``rows`` already found: only rows that mention
    one of ``nodes`` (when given) and that ``before`` (rows of the graph before a batch) lacks."""
    from kg.queries import checks

    known = checks()
    results = []
    found = rows if rows is not None else check_rows(graphs, base=base)
    for name, rows in sorted(found.items()):
        old = set((before or {}).get(name, ()))
        for row in rows:
            if row in old or (nodes is not None and not any(term in nodes for term in row)):
                continue
            focus = next((t for t in row if isinstance(t, (URIRef, BNode))), row[0])
            others = [t for t in row if t is not None and t != focus]
            summary = known[name].summary or name
            results.append(Result(
                Severity.VIOLATION, short(names, focus), "", " ".join(short(names, t) for t in others),
                shorten(f"{summary} (check queries/checks/{name}.rq must return no rows)"), CHECK_SHAPE + name,
                terms=(focus, None, others[0] if others else None, None, None)))
    return sorted(results)


def dataset_check_results(dataset: Dataset, names: Graph | None = None) -> list[Result]:
    """Violations for every row of every check on the whole ``dataset``."""
    graphs = [g for g in dataset.graphs() if len(g)]
    return check_results(graphs, names if names is not None else graphs[0] if graphs else Graph())


def without_repeats(results: list[Result]) -> list[Result]:
    """``results`` without the check results on a node that a shape already reports a
    violation on: the check then repeats the shape, and the shape's message says more."""
    violated = {r.terms[0] for r in results if r.terms and r.severity is Severity.VIOLATION
                and not r.shape.startswith(CHECK_SHAPE)}
    return [r for r in results if not (r.shape.startswith(CHECK_SHAPE) and r.terms and r.terms[0] in violated)]

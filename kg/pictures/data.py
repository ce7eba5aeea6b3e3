"""Reading the graph for the pictures through SPARQL, whatever holds it.

The pictures accept an rdflib ``Dataset`` (as ``kg.load()`` returns it) or any store with
a ``query(text) -> Rows`` method (the ``Store`` of :mod:`kg.store`), so they work the same on
the embedded graph, Oxigraph or a remote endpoint.
"""

from __future__ import annotations

from rdflib import Dataset


def select(store, text: str) -> list[dict]:
    """The rows of SPARQL SELECT ``text`` over ``store``'s default graph (the union of its
    named graphs), each a dict from variable name to rdflib term (unbound: absent)."""
    if isinstance(store, Dataset):
        from kg.queries import run

        rows = run(text, dataset=store)
    else:
        rows = store.query(text)
    return [
        {name: value for name, value in zip(rows.variables, row) if value is not None}
        for row in rows.rows
    ]

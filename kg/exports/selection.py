"""Which graphs an export holds: the chosen data graphs, the ontology and the shapes on
request, and always the dataset's VoID/DCAT description."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Dataset, Graph, URIRef

from kg import paths
from kg.exports.base import SHAPES_GRAPH, VOID_GRAPH, data_graph_names, resolve_graph
from kg.exports.description import describe
from kg.namespaces import ONTOLOGY
from kg.parsing import parse_file


def ontology_graph(dataset: Dataset | None = None) -> Graph:
    """The ontology graph of ``dataset``, or the ontology files when it holds none (or
    there is no ``dataset``)."""
    if dataset is not None:
        graph = dataset.graph(URIRef(ONTOLOGY))
        if len(graph):
            return graph
    merged = Graph()
    for path in sorted(paths.ONTOLOGY_DIR.glob("*.ttl")):
        merged += parse_file(path)
    return merged


def shapes_graph() -> Graph:
    """The SHACL shapes the package ships."""
    from kg.validation import load_shapes

    return load_shapes()


def chosen_graphs(
    source,
    *,
    graphs: Iterable[str | URIRef] | None = None,
    with_ontology: bool = True,
    with_shapes: bool = False,
) -> list[URIRef]:
    """The names of the graphs an export of ``source`` (a ``Dataset`` or a Store) holds
    besides the description, sorted: the chosen data graphs (default: all), the ontology
    (unless ``with_ontology`` is false) and the shapes if asked for.

    Raises :class:`UsageError` for a graph name ``source`` does not know."""
    if graphs is None:
        names = data_graph_names(source)
    else:
        names = [resolve_graph(name, source) for name in graphs]
    if with_ontology:
        names.append(URIRef(ONTOLOGY))
    if with_shapes:
        names.append(SHAPES_GRAPH)
    return sorted(set(names) - {VOID_GRAPH}, key=str)


def select(
    dataset: Dataset,
    *,
    graphs: Iterable[str | URIRef] | None = None,
    with_ontology: bool = True,
    with_shapes: bool = False,
) -> dict[URIRef, Graph]:
    """The graphs an export holds, by name: the chosen data graphs (default: all), the
    ontology (unless ``with_ontology`` is false), the shapes if asked for, and always the
    VoID/DCAT description."""
    selected: dict[URIRef, Graph] = {}
    for name in chosen_graphs(dataset, graphs=graphs, with_ontology=with_ontology, with_shapes=with_shapes):
        if name == URIRef(ONTOLOGY):
            selected[name] = ontology_graph(dataset)
        elif name == SHAPES_GRAPH:
            selected[name] = shapes_graph()
        else:
            selected[name] = dataset.graph(name)
    selected[VOID_GRAPH] = describe(dataset)
    return selected

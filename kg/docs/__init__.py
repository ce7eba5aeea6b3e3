"""HTML documentation of the iokg ontology and its SHACL shapes: ``iokg docs -o DIR``.

Writes into ``DIR``:

- ``index.html``: what iokg is, how to cite it (version and licence), a diagram of the
  main classes and properties (SVG drawn by iokg, inline and as ``classes.svg``), a worked
  example per main class, the namespaces, the downloads and the controlled values;
- ``ontology.html``: the ontology, by pyLODE (:mod:`kg.docs.ontology_page`);
- ``shapes.html``: every node shape (:mod:`kg.docs.shapes_page`);
- ``downloads/``: the ontology, the shapes and the data in every RDF format.

The pages link each other (a navigation bar on each), and every link to an anchor points
at an id that exists: links to the ontology page use the ids pyLODE gives. Everything runs
offline; nothing is fetched (no CDN: the diagram is inline SVG).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS

from kg import paths
from kg.docs.downloads import write_downloads
from kg.docs.index_page import index_page
from kg.docs.markup import english
from kg.docs.ontology_page import ontology_page
from kg.docs.shapes_page import node_shapes, shapes_page
from kg.errors import InputError
from kg.files import write_atomic
from kg.namespaces import ONTOLOGY
from kg.parsing import parse_file
from kg.pictures import class_diagram_svg

__all__ = ["build", "load_ontology", "load_shapes", "node_shapes"]


def load_ontology() -> Graph:
    """The ontology files (``ontology/*.ttl``) in one graph."""
    graph = Graph()
    for path in sorted(paths.ONTOLOGY_DIR.glob("*.ttl")):
        graph += parse_file(path)
    return graph


def load_shapes() -> Graph:
    """The shape files (``shapes/*.ttl``) in one graph."""
    graph = Graph()
    for path in sorted(paths.SHAPES_DIR.glob("*.ttl")):
        graph += parse_file(path)
    return graph


def build(
    directory: Path | str,
    *,
    ontology: Graph | None = None,
    shapes: Graph | None = None,
    dataset: Dataset | None = None,
) -> list[Path]:
    """Write the documentation (see the module) into ``directory`` (created if missing);
    return the paths of the pages and files written. ``dataset`` (default: ``kg.load()``)
    gives the examples and the data downloads.

    Raises :class:`InputError` when the folder cannot be made.
    """
    directory = Path(directory)
    ontology = ontology if ontology is not None else load_ontology()
    shapes = shapes if shapes is not None else load_shapes()
    if dataset is None:
        from kg.dataset import load

        dataset = load()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot create the folder: {error.strerror or error}", path=directory) from None
    title = english(ontology, URIRef(ONTOLOGY), DCTERMS.title, RDFS.label) or "iokg ontology"
    ontology_html, anchors = ontology_page(ontology, title=title)
    downloads = write_downloads(directory, ontology=ontology, shapes=shapes, dataset=dataset)
    files = {
        "ontology.html": ontology_html,
        "shapes.html": shapes_page(shapes, ontology, anchors=anchors),
        "index.html": index_page(ontology, shapes, dataset, downloads=downloads, anchors=anchors),
        "classes.svg": class_diagram_svg(ontology),
    }
    written = [directory / d.path for d in downloads]
    for name, text in files.items():
        write_atomic(directory / name, text.encode("utf-8"))
        written.append(directory / name)
    return sorted(written)

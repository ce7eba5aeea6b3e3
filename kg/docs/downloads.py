"""The files the documentation offers for download: the ontology, the shapes and the data
in every RDF format iokg writes, deterministic like ``iokg export``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from kg.exports import SHAPES_GRAPH, ExportFormat, canonical_quads, export, serialize, write_atomic
from kg.namespaces import ONTOLOGY

#: The folder of the downloads, inside the documentation folder.
FOLDER = "downloads"


@dataclass(frozen=True)
class Download:
    """One file to download: what it holds, its format and its path in the docs folder."""

    what: str
    format: ExportFormat
    path: str
    size: int


def write_downloads(directory: Path, *, ontology: Graph, shapes: Graph, dataset: Dataset) -> list[Download]:
    """Write ``ontology``, ``shapes`` and the default export of ``dataset`` (data, ontology
    and VoID description) in every :class:`ExportFormat` into ``directory/downloads``."""
    folder = directory / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    sources = {
        "ontology": lambda f: serialize(canonical_quads({URIRef(ONTOLOGY): ontology}), f),
        "shapes": lambda f: serialize(canonical_quads({SHAPES_GRAPH: shapes}), f),
        "data": lambda f: export(dataset, format=f),
    }
    written = []
    for what, make in sources.items():
        for format in ExportFormat:
            suffix = "-long" if format is ExportFormat.LONGTURTLE else ""
            name = f"iokg-{what}{suffix}.{format.extension}"
            data = make(format)
            write_atomic(folder / name, data)
            written.append(Download(what=what, format=format, path=f"{FOLDER}/{name}", size=len(data)))
    return written

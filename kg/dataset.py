"""Load the iokg graph: the ontology, the reference, curation and DISARM graphs, and one
named graph per source document, into an rdflib ``Dataset``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import PROV

from kg import paths
from kg.errors import InputError
from kg.namespaces import ARCHIVE, DOCUMENT, GRAPH, IO, ONTOLOGY, PREFIXES
from kg.parsing import parse_file


@dataclass(frozen=True)
class Source:
    """One Turtle file of the graph and the named graph it is loaded into."""

    path: Path
    graph: URIRef
    kind: str  # "ontology", "reference", "curation", "disarm", "document", "archive", or another data file

    @property
    def format(self) -> str:
        """The file's RDF format (rdflib's name): Turtle, or N-Triples for archives."""
        return "nt" if self.path.suffix == ".nt" else "turtle"


def sources(*, data_dir: Path | None = None, ontology: bool = True) -> Iterator[Source]:
    """List the files of the graph, in a fixed order, with the graph each goes into."""
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    if ontology:
        for path in sorted(paths.ONTOLOGY_DIR.glob("*.ttl")):
            yield Source(path, URIRef(ONTOLOGY), "ontology")
    for path in sorted(data_dir.glob("*.ttl")):
        yield Source(path, GRAPH[path.stem], path.stem)
    for path in sorted((data_dir / "documents").glob("*.ttl")):
        yield Source(path, DOCUMENT[path.stem], "document")
    # Imported archives (kg.archives): account-level data, one N-Triples file per graph.
    for path in sorted((data_dir / "archives").glob("*.nt")):
        yield Source(path, ARCHIVE[path.stem], "archive")


def source_of(path: Path, *, data_dir: Path | None = None) -> Source:
    """The source a data file of ``data_dir`` is (or would be, once written) loaded as."""
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    path = Path(path)
    if path.resolve().parent == (data_dir / "documents").resolve():
        return Source(path, DOCUMENT[path.stem], "document")
    if path.resolve().parent == (data_dir / "archives").resolve():
        return Source(path, ARCHIVE[path.stem], "archive")
    return Source(path, GRAPH[path.stem], path.stem)


def load(*, data_dir: Path | None = None, ontology: bool = True) -> Dataset:
    """Build the iokg ``Dataset``: the ontology graph and every data file in its named graph.

    Raises :class:`kg.errors.InputError` (file, line, message) when a file does not parse.
    """
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True)
    found = False
    for source in sources(data_dir=data_dir, ontology=ontology):
        found = found or source.kind == "document"
        graph = dataset.graph(source.graph)
        graph += parse_file(source.path, format=source.format)
    if not found:
        raise InputError("no document graphs found", path=(data_dir or paths.DATA_DIR) / "documents")
    add_provenance(dataset)
    return dataset


#: The graph of PROV-O derivations ``kg.load`` derives from ``io:reportedIn``.
PROVENANCE = GRAPH["provenance"]
#: The kinds of record whose ``io:reportedIn`` document they are derived from.
_DERIVED_KINDS = (IO.ReportedFigure, IO.Claim, IO.Attribution, IO.Reaction, IO.Denial, IO.Assessment)
_PROVENANCE_WHERE = f"""WHERE {{
  VALUES ?kind {{ {" ".join(f"<{k}>" for k in _DERIVED_KINDS)} }}
  GRAPH ?g {{ ?record <{IO.reportedIn}> ?document ; a ?kind }}
  FILTER(STRSTARTS(STR(?g), "{DOCUMENT}"))
}}"""
#: ``add_provenance`` as a SPARQL Update, for the stores that run it themselves.
PROVENANCE_UPDATE = f"INSERT {{ GRAPH <{PROVENANCE}> {{ ?record <{PROV.wasDerivedFrom}> ?document }} }}\n{_PROVENANCE_WHERE}"
#: The triples of the provenance graph, as a query (rows: subject, predicate, object).
PROVENANCE_SELECT = "SELECT DISTINCT ?record ?derived ?document\n" + _PROVENANCE_WHERE.replace(
    "WHERE {", f"WHERE {{ BIND(<{PROV.wasDerivedFrom}> AS ?derived)", 1)


def add_provenance(dataset: Dataset) -> None:
    """Derive ``prov:wasDerivedFrom`` from every figure and claim to its document into the
    graph ``graph:provenance``, so consumers without a reasoner see the PROV-O links that
    ``io:reportedIn rdfs:subPropertyOf prov:wasDerivedFrom`` implies."""
    from rdflib.namespace import RDF

    kinds = set(_DERIVED_KINDS)
    graph = dataset.graph(PROVENANCE)
    for document_graph in list(dataset.graphs()):
        if not str(document_graph.identifier).startswith(str(DOCUMENT)):
            continue
        for record, document in document_graph.subject_objects(IO.reportedIn):
            if any((record, RDF.type, kind) in document_graph for kind in kinds):
                graph.add((record, PROV.wasDerivedFrom, document))


def union(dataset: Dataset) -> Graph:
    """All triples of every graph of ``dataset`` in one plain ``Graph`` (for SHACL and OWL)."""
    merged = Graph()
    for prefix, namespace in dataset.namespaces():
        merged.bind(prefix, namespace, override=True)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged

"""Export: every format, deterministic, described, and read back by tools none of us wrote
(pyoxigraph, Raptor's rapper, pyld); the ontology and shapes documentation.

Golden checksums of the default exports are in tests/golden/export.sha256; when the data
changes on purpose, regenerate them with ``python -m pytest tests/test_export.py
--update-golden`` and commit the new file with the data.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from decimal import Decimal
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

import kg
from kg.exports.description import DATASET, SPARQL_ENDPOINT, describe
from kg.errors import UsageError
from kg.exports import (
    CONTEXT_FILE,
    CONTEXT_IRI,
    SHAPES_GRAPH,
    VOID_GRAPH,
    ExportFormat,
    context_text,
    data_graph_names,
    export,
    resolve_graph,
    select,
)
from kg.namespaces import DCAT, DOCUMENT, GRAPH, IO, ONTOLOGY, PREFIXES, VOID
from kg.queries import Engine, Rows, bindings, named_queries, run, to_store, with_values
from kg.terms import to_oxigraph
from kg.terms import to_rdflib

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "export.sha256"
FORMATS = list(ExportFormat)
OX_FORMAT = {
    ExportFormat.TURTLE: ox.RdfFormat.TURTLE,
    ExportFormat.LONGTURTLE: ox.RdfFormat.TURTLE,
    ExportFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    ExportFormat.NQUADS: ox.RdfFormat.N_QUADS,
    ExportFormat.TRIG: ox.RdfFormat.TRIG,
    ExportFormat.JSONLD: ox.RdfFormat.JSON_LD,
    ExportFormat.RDFXML: ox.RdfFormat.RDF_XML,
}
RAPPER_SYNTAX = {
    ExportFormat.TURTLE: "turtle",
    ExportFormat.LONGTURTLE: "turtle",
    ExportFormat.NTRIPLES: "ntriples",
    ExportFormat.NQUADS: "nquads",
    ExportFormat.TRIG: "trig",
    ExportFormat.RDFXML: "rdfxml",
}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return kg.load()


@pytest.fixture(scope="module")
def exports(dataset) -> dict[ExportFormat, bytes]:
    """The default export (data graphs and description) in every format."""
    return {f: export(dataset, format=f) for f in FORMATS}


@pytest.fixture(scope="module")
def full_exports(dataset) -> dict[ExportFormat, bytes]:
    """Exports with the ontology and the shapes too (they hold blank nodes: lists,
    AllDisjointClasses, property shapes)."""
    return {f: export(dataset, format=f, with_ontology=True, with_shapes=True) for f in FORMATS}


# Helpers ----------------------------------------------------------------------------------


rdflib_term = to_rdflib


def inline_context(data: bytes) -> bytes:
    """A JSON-LD export with its context reference (``--context iri``) replaced by the
    shipped context (for parsers that cannot be given a document loader)."""
    document = json.loads(data)
    if document["@context"] != CONTEXT_IRI:
        return data
    document["@context"] = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    return json.dumps(document).encode("utf-8")


def parse_with_oxigraph(data: bytes, format: ExportFormat) -> dict:
    """Graph name (None for the default graph) → rdflib Graph, as pyoxigraph reads ``data``."""
    if format is ExportFormat.JSONLD:
        data = inline_context(data)
    graphs: dict = {}
    for quad in ox.parse(data, format=OX_FORMAT[format]):
        name = None if isinstance(quad.graph_name, ox.DefaultGraph) else URIRef(quad.graph_name.value)
        graph = graphs.setdefault(name, Graph())
        graph.add((rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)))
    return graphs


def as_stored(graph: Graph) -> Graph:
    """``graph`` as an Oxigraph store holds it, which an export writes: typed literals in
    their canonical form (``"3500.0"^^xsd:decimal`` as ``"3500"``), the rest unchanged."""
    store = ox.Store()
    store.extend(ox.Quad(*(to_oxigraph(t) for t in triple)) for triple in graph)
    stored = Graph()
    for quad in store:
        stored.add((rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)))
    return stored


def stored_selection(dataset, **options) -> dict:
    """``select(dataset, **options)``, each graph as an Oxigraph store holds it."""
    return {name: as_stored(graph) for name, graph in select(dataset, **options).items()}


def union(graphs) -> Graph:
    merged = Graph()
    for graph in graphs:
        for triple in graph:
            merged.add(triple)
    return merged


def rapper() -> str | None:
    return shutil.which("rapper")


needs_rapper = pytest.mark.skipif(
    rapper() is None and not os.environ.get("CI"),
    reason="needs Raptor's rapper (Debian package raptor2-utils); .ci/run installs it, so under CI this test fails without it",
)


def iokg(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=ROOT, capture_output=True, timeout=600, **kwargs)


# Every export holds exactly what iokg holds ----------------------------------------------


@pytest.mark.parametrize("format", FORMATS, ids=lambda f: f.value)
def test_export_parses_in_oxigraph_to_the_same_quads(dataset, full_exports, format):
    expected = stored_selection(dataset, with_ontology=True, with_shapes=True)
    parsed = parse_with_oxigraph(full_exports[format], format)
    if format.named_graphs:
        assert set(parsed) == set(expected), "the export's named graphs are not the dataset's"
        for name, graph in expected.items():
            assert len(parsed[name]) == len(graph), f"graph {name}: {len(parsed[name])} triples, expected {len(graph)}"
            assert isomorphic(parsed[name], graph), f"graph {name} differs from the in-memory graph"
    else:
        assert set(parsed) == {None}, "a format without named graphs exported a named graph"
        expected_union = union(expected.values())
        assert len(parsed[None]) == len(expected_union)
        assert isomorphic(parsed[None], expected_union)


def test_exports_without_named_graphs_are_the_union_of_the_data_graphs(dataset, exports):
    graphs = parse_with_oxigraph(exports[ExportFormat.NQUADS], ExportFormat.NQUADS)
    assert set(graphs) == set(data_graph_names(dataset)) | {VOID_GRAPH, URIRef(ONTOLOGY)}
    assert SHAPES_GRAPH not in graphs
    expected = union(graphs.values())
    for format in (ExportFormat.TURTLE, ExportFormat.LONGTURTLE, ExportFormat.NTRIPLES, ExportFormat.RDFXML):
        parsed = parse_with_oxigraph(exports[format], format)[None]
        assert isomorphic(parsed, expected), format


@needs_rapper
@pytest.mark.parametrize("format", list(RAPPER_SYNTAX), ids=lambda f: f.value)
def test_raptor_parses_the_export_without_warnings(tmp_path, full_exports, format):
    path = tmp_path / f"iokg.{format.extension}"
    path.write_bytes(full_exports[format])
    result = subprocess.run([rapper(), "-i", RAPPER_SYNTAX[format], "-c", str(path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    problems = [line for line in result.stderr.splitlines() if "warning" in line.lower() or "error" in line.lower()]
    assert not problems, "\n".join(problems)
    expected = len(set(line for line in full_exports[ExportFormat.NQUADS if format.named_graphs else ExportFormat.NTRIPLES].splitlines() if line.strip()))
    assert f"returned {expected} triples" in result.stderr, result.stderr


# Round trip: the named queries give the same rows ----------------------------------------

#: A value per parameter of the named queries (by name, then by type).
PARAMETER_VALUES = {
    "operation": "op:spamouflage",
    "narrative": "narr:covid-19",
    "target": "target:chinese-diaspora",
    "platform": "platform:twitter",
    "sponsor": "country:china",
    "actor": "country:china",
    "claimant": "actor:meta",
    "respondent": "actor:twitter-inc",
    "document": "doc:000",
    "language": "nl",
    "subject": "op:china-2020",
}
TYPE_VALUES = {"integer": "10", "decimal": "1000", "date": "2020-01-01", "boolean": "true", "string": "China"}


def parameters(query) -> dict[str, str]:
    values = {}
    for parameter in query.parameters:
        if not parameter.required:
            continue
        if parameter.name in PARAMETER_VALUES:
            values[parameter.name] = PARAMETER_VALUES[parameter.name]
        elif parameter.type in TYPE_VALUES:
            values[parameter.name] = TYPE_VALUES[parameter.type]
        else:
            pytest.fail(f"query {query.name}: add a test value for parameter {parameter.name} ({parameter.type}) to PARAMETER_VALUES")
    return values


def comparable(rows) -> list:
    """Rows as a sorted list: blank nodes (relabelled on loading) as one placeholder,
    numbers by value, and " | "-joined GROUP_CONCAT lists (whose order SPARQL leaves open)
    sorted."""

    def cell(term):
        if term is None:
            return None
        if isinstance(term, BNode):
            return ("bnode",)
        if isinstance(term, Literal) and term.datatype in NUMERIC:
            # By value: engines write computed numbers differently (3500 and 3500.0).
            return ("number", str(Decimal(str(term)).normalize()))
        if isinstance(term, Literal) and " | " in str(term):
            return ("list", tuple(sorted(str(term).split(" | "))), term.language, str(term.datatype))
        return (type(term).__name__, str(term), getattr(term, "language", None), str(getattr(term, "datatype", None)))

    return sorted((tuple(cell(t) for t in row) for row in rows.rows), key=repr)


#: Query columns that name the named graph stating a fact (``GRAPH ?graph { … }``): a
#: format without named graphs cannot carry them, so they come back empty there.
PROVENANCE_COLUMNS = {"sources"}

#: The formats without named graphs, as rdflib names them.
RDFLIB_FORMAT = {
    ExportFormat.TURTLE: "turtle", ExportFormat.LONGTURTLE: "turtle", ExportFormat.NTRIPLES: "nt",
    ExportFormat.NQUADS: "nquads", ExportFormat.TRIG: "trig", ExportFormat.JSONLD: "json-ld",
    ExportFormat.RDFXML: "xml",
}


def rows_in_a_store(data: bytes, format: ExportFormat, engine: str, text: str) -> Rows:
    """Rows of SPARQL ``text`` over ``data`` loaded as a SPARQL 1.1 store would: a format
    without named graphs into the default graph, one with named graphs into named graphs
    queried through a union default graph (pyoxigraph's ``use_default_graph_as_union``,
    a bag: a triple counts once per graph holding it; rdflib's ``default_union``)."""
    if engine == "oxigraph":
        store = _OX_STORES.get((format, id(data)))
        if store is None:
            store = _OX_STORES[(format, id(data))] = ox.Store()
            store.load(data, format=OX_FORMAT[format])
        result = store.query(text, use_default_graph_as_union=format.named_graphs)
        variables = [v.value for v in result.variables]
        return Rows(variables, [tuple(rdflib_term(s[v]) for v in variables) for s in result])
    graph = _RDFLIB_GRAPHS.get((format, id(data)))
    if graph is None:
        graph = _RDFLIB_GRAPHS[(format, id(data))] = Dataset(default_union=format.named_graphs)
        graph.parse(data=data, format=RDFLIB_FORMAT[format])
    result = graph.query(text)
    variables = [str(v) for v in result.vars]
    return Rows(variables, [tuple(row[v] if v in row.labels else None for v in variables) for row in result])


_OX_STORES: dict = {}
_RDFLIB_GRAPHS: dict = {}


NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long, XSD.nonNegativeInteger}


@pytest.fixture(scope="module")
def iokg_rows(dataset) -> dict[str, dict[str, Rows]]:
    """iokg's own rows of every named query, by engine (rdflib over the loaded graph,
    pyoxigraph over the store iokg fills from it): each engine is compared with itself."""
    queries = named_queries()
    assert len(queries) > 0, "no named queries found in queries/"
    store = to_store(dataset)
    return {
        "rdflib": {name: run(q.text, dataset=dataset, bindings=bindings(q, parameters(q))) for name, q in queries.items()},
        "oxigraph": {name: run(q.text, store=store, engine=Engine.OXIGRAPH, bindings=bindings(q, parameters(q)))
                     for name, q in queries.items()},
    }


def without(rows: Rows, columns: set[str]) -> Rows:
    keep = [i for i, v in enumerate(rows.variables) if v not in columns]
    return Rows([rows.variables[i] for i in keep], [tuple(row[i] for i in keep) for row in rows.rows])


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("format", FORMATS, ids=lambda f: f.value)
def test_named_queries_give_iokgs_rows_on_the_default_export(dataset, exports, iokg_rows, format, engine):
    """Issue 13, item 1: the default export, loaded into a store, answers every named query
    as iokg does (formats with named graphs: all columns; formats without: all columns but
    the named graph that states a fact, which such a format cannot carry)."""
    data = exports[format]
    same = []
    for name, named in named_queries().items():
        text = with_values(named.text, {str(k): to_oxigraph(v) for k, v in bindings(named, parameters(named)).items()})
        got, expected = rows_in_a_store(data, format, engine, text), iokg_rows[engine][name]
        assert got.variables == expected.variables, name
        # The account-level queries (tag "archives") are empty without an archive: empty on both sides.
        assert expected.rows or "archives" in named.tags, f"query {name} gives no rows on iokg: the comparison proves nothing"
        if comparable(got) == comparable(expected):
            same.append(name)
            continue
        uses_graphs = re.search(r"\bGRAPH\b", named.text) is not None
        assert not format.named_graphs and uses_graphs, f"query {name} differs on the {format.value} export ({engine})"
        dropped = PROVENANCE_COLUMNS & set(got.variables)
        assert dropped, f"query {name}: only a provenance column may differ on a format without named graphs"
        assert comparable(without(got, dropped)) == comparable(without(expected, dropped)), name
        assert all(not str(row[got.variables.index(c)] or "") for row in got.rows for c in dropped), name
    expected_same = len(named_queries()) - (0 if format.named_graphs else _graph_queries())
    assert len(same) == expected_same, (format.value, engine, sorted(set(named_queries()) - set(same)))
    print(f"{format.value} on {engine}: {len(same)}/{len(named_queries())} named queries give iokg's rows exactly")


def _graph_queries() -> int:
    return sum(1 for q in named_queries().values() if re.search(r"\bGRAPH\b", q.text))


def test_default_export_carries_the_class_hierarchy(exports):
    """Without the ontology, queries that reach subclasses through rdfs:subClassOf* lose
    rows; the default export holds it."""
    graphs = parse_with_oxigraph(exports[ExportFormat.NQUADS], ExportFormat.NQUADS)
    ontology = graphs[URIRef(ONTOLOGY)]
    assert (IO.Takedown, RDFS.subClassOf, IO.PolicyResponse) in ontology
    turtle = parse_with_oxigraph(exports[ExportFormat.TURTLE], ExportFormat.TURTLE)[None]
    assert (IO.Takedown, RDFS.subClassOf, IO.PolicyResponse) in turtle


#: The README's worked example: counting operations over a union of named graphs.
COUNT_BAG = "SELECT (COUNT(*) AS ?n) WHERE { ?operation a io:InfluenceOperation }"
COUNT_DISTINCT = "SELECT (COUNT(DISTINCT ?operation) AS ?n) WHERE { ?operation a io:InfluenceOperation }"


def test_counting_distinct_things_over_a_union_of_named_graphs(dataset, exports):
    """The README's example: on a bag union default graph (Oxigraph's), COUNT(*) counts a
    statement once per graph that holds it; COUNT(DISTINCT …) counts the things."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert COUNT_BAG in readme and COUNT_DISTINCT in readme, "the README's worked example changed: update this test"
    prefix = f"PREFIX io: <{IO}>\n"
    data = exports[ExportFormat.NQUADS]
    truth = len(set(union(dataset.graph(g) for g in data_graph_names(dataset)).subjects(RDF.type, IO.InfluenceOperation)))
    distinct = rows_in_a_store(data, ExportFormat.NQUADS, "oxigraph", prefix + COUNT_DISTINCT).rows[0][0]
    bag = rows_in_a_store(data, ExportFormat.NQUADS, "oxigraph", prefix + COUNT_BAG).rows[0][0]
    assert int(distinct) == truth
    assert int(bag) >= truth
    print(f"operations: COUNT(*) {bag} on Oxigraph's union default graph, COUNT(DISTINCT) {distinct}")


def test_export_of_a_reloaded_export_is_identical(dataset, full_exports):
    """Loading an export (new blank-node ids, another insertion order) and exporting again
    gives the same bytes."""
    reloaded = Dataset()
    reloaded.parse(data=full_exports[ExportFormat.NQUADS].decode("utf-8"), format="nquads")
    for format in (ExportFormat.NQUADS, ExportFormat.TRIG, ExportFormat.TURTLE):
        again = export(reloaded, format=format, with_ontology=True)
        assert again == export(dataset, format=format, with_ontology=True), format


# JSON-LD with the shipped context, offline ---------------------------------------------------


def test_jsonld_with_the_context_iri_expands_and_compacts_with_pyld_using_only_the_shipped_context(dataset):
    from pyld import jsonld

    shipped = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    requested = []

    def loader(url, options=None):
        requested.append(url)
        if url == CONTEXT_IRI:
            return {"contextUrl": None, "documentUrl": url, "document": shipped}
        raise jsonld.JsonLdError(f"no network in this test: {url}", "jsonld.LoadDocumentError", code="loading document failed")

    document = json.loads(export(dataset, format=ExportFormat.JSONLD, context="iri"))
    assert document["@context"] == CONTEXT_IRI, "--context iri references the shipped context by its IRI"
    options = {"documentLoader": loader}
    expanded = jsonld.expand(document, options)
    nquads = jsonld.to_rdf(expanded, {"format": "application/n-quads"})
    graphs: dict = {}
    for quad in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
        graph = graphs.setdefault(URIRef(quad.graph_name.value), Graph())
        graph.add((rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)))
    expected = stored_selection(dataset)
    assert set(graphs) == set(expected)
    for name, graph in expected.items():
        assert isomorphic(graphs[name], graph), f"graph {name} differs after pyld expansion"
    compacted = jsonld.compact(expanded, CONTEXT_IRI, {**options, "compactToRelative": False})
    assert compacted == document, "pyld's compaction with the shipped context is the export"
    assert set(requested) == {CONTEXT_IRI}


@pytest.fixture
def no_sockets(monkeypatch):
    """Any attempt to open a network connection fails the test."""
    import socket

    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted in an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_inline_jsonld_reads_offline_with_rdflib_and_pyld_default_loader(dataset, exports, no_sockets):
    """Issue 13, item 2: the default JSON-LD export carries its context, so rdflib and
    pyld's own default document loader read it with every socket blocked."""
    from pyld import jsonld

    data = exports[ExportFormat.JSONLD]
    document = json.loads(data)
    assert isinstance(document["@context"], dict), "the default JSON-LD export carries its context inline"
    assert document["@context"] == json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    expected = stored_selection(dataset)
    reloaded = Dataset()
    reloaded.parse(data=data, format="json-ld")
    for name, graph in expected.items():
        assert isomorphic(reloaded.graph(name), graph), f"graph {name} differs when rdflib reads the export"
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})  # pyld's default loader
    graphs: dict = {}
    for quad in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(URIRef(quad.graph_name.value), Graph()).add(
            (rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)))
    assert set(graphs) == set(expected)
    for name, graph in expected.items():
        assert isomorphic(graphs[name], graph), f"graph {name} differs when pyld reads the export"
    assert no_sockets == [], "a reader tried the network"


def test_iri_context_is_refused_offline_by_pyld_default_loader(dataset, no_sockets):
    """The control: with ``--context iri`` a reader needs the network (or iokg's loader)."""
    from pyld import jsonld

    document = json.loads(export(dataset, format=ExportFormat.JSONLD, graphs=["000"], context="iri"))
    with pytest.raises(jsonld.JsonLdError):
        jsonld.to_rdf(document, {"format": "application/n-quads"})


def test_unknown_context_mode_is_a_usage_error(dataset):
    with pytest.raises(UsageError, match="inline, iri"):
        export(dataset, format=ExportFormat.JSONLD, context="embedded")


def test_shipped_context_is_generated_from_the_ontology(dataset):
    text = CONTEXT_FILE.read_text(encoding="utf-8")
    assert text == context_text(dataset.graph(URIRef(ONTOLOGY))), (
        "kg/data/context.jsonld is out of date with the ontology: run python -m kg.exports --write-context"
    )
    definitions = json.loads(text)["@context"]
    for prefix, namespace in PREFIXES.items():
        assert definitions[prefix] == str(namespace)
    assert definitions["sponsoredBy"] == {"@id": "io:sponsoredBy", "@type": "@id"}
    assert definitions["InfluenceOperation"] == "io:InfluenceOperation"


# Every store, the same bytes; the description counted once per data ------------------------

FAST_FORMATS = (ExportFormat.NQUADS, ExportFormat.NTRIPLES, ExportFormat.TURTLE)


def test_every_store_gives_the_same_bytes(exports, tmp_path):
    """The export reads the store (Oxigraph in memory, the on-disk index, rdflib copied into
    Oxigraph): the same bytes as the export of the loaded Dataset, on each."""
    from kg.store import open_store

    for spec in ("oxigraph", f"oxigraph:{tmp_path / 'index'}", "memory"):
        store = open_store(spec)
        for format in FAST_FORMATS:
            assert export(store, format=format) == exports[format], (spec, format)


def _synthetic_folder(folder: Path, triples: int) -> Path:
    import importlib.util

    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "benchmarks" / "synthetic.py")
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    synthetic.write_data_folder(folder, triples=triples, seed=3)
    return folder


def test_description_from_the_store_is_the_description_from_rdflib(tmp_path):
    """Oxigraph's counts (SPARQL aggregates) give rdflib's description on a generated graph;
    its export is the export of the loaded Dataset."""
    from kg.store import open_store

    folder = _synthetic_folder(tmp_path / "data", 3000)
    store, dataset = open_store("oxigraph", data_dir=folder), kg.load(data_dir=folder)
    from_store, from_rdflib = describe(store), describe(dataset)
    assert len(from_store) == len(from_rdflib) > 100
    assert set(from_store) == set(from_rdflib)
    assert export(store, format="nquads") == export(dataset, format="nquads")


def test_description_is_counted_once_per_data(tmp_path, monkeypatch):
    """The description is kept under the index's digest (or the statements' digest for a
    store in memory) and read back on the next export of the same data."""
    from kg.exports import description
    from kg.store import open_store

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # nothing counted yet
    counted = []
    real = description.describe
    monkeypatch.setattr(description, "describe", lambda source: counted.append(source) or real(source))
    index = open_store(f"oxigraph:{tmp_path / 'index'}")
    first = export(index, format="nquads")
    assert export(index, format="ntriples") and export(index, format="nquads") == first
    assert len(counted) == 1, "the index's description was counted again"
    for _ in range(2):  # two stores in memory holding the same statements: one count
        assert export(open_store("oxigraph"), format="nquads") == first
    assert len(counted) == 2, "a store in memory with the same statements counted again"
    assert len(list(description.cache_folder().glob("*.nt"))) >= 2


def test_blank_node_label_inside_a_literal_stays_a_literal():
    """Statements are searched for "_:" to find blank nodes: one in a literal is text."""
    dataset = Dataset()
    graph = dataset.graph(DOCUMENT["blank-text"])
    node = BNode()
    graph.add((URIRef(DOCUMENT["blank-text"]), RDFS.comment, Literal("see _:b0 and _:c14n0")))
    graph.add((URIRef(DOCUMENT["blank-text"]), DCTERMS.source, node))
    graph.add((node, RDFS.label, Literal("a blank node")))
    data = export(dataset, format="nquads", with_ontology=False)
    parsed = parse_with_oxigraph(data, ExportFormat.NQUADS)[DOCUMENT["blank-text"]]
    assert isomorphic(parsed, graph)
    assert b'"see _:b0 and _:c14n0"' in data and b"_:c14n0 <http://www.w3.org/2000/01/rdf-schema#label>" in data


# Deterministic -----------------------------------------------------------------------------------


def test_exporting_twice_gives_identical_bytes(dataset, exports):
    for format in FORMATS:
        assert export(dataset, format=format) == exports[format], format


_DIGESTS = (
    "import hashlib, kg; from kg.exports import ExportFormat, export; d = kg.load(); "
    "print(' '.join(hashlib.sha256(export(d, format=f, with_ontology=True, with_shapes=True)).hexdigest() for f in ExportFormat))"
)


def test_exports_are_identical_across_hash_seeds(full_exports):
    here = " ".join(hashlib.sha256(full_exports[f]).hexdigest() for f in FORMATS)
    for seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", _DIGESTS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == here, f"PYTHONHASHSEED={seed} gives other bytes"


def test_golden_checksums(exports, request):
    lines = [f"{hashlib.sha256(exports[f]).hexdigest()}  iokg.{f.value}.{f.extension}" for f in FORMATS]
    text = "\n".join(lines) + "\n"
    if request.config.getoption("--update-golden"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
        return
    assert GOLDEN.is_file(), "no golden checksums: run python -m pytest tests/test_export.py --update-golden"
    assert GOLDEN.read_text(encoding="utf-8") == text, (
        "the export changed; if the data changed on purpose, run python -m pytest tests/test_export.py --update-golden"
    )


# The description --------------------------------------------------------------------------------


def _description_of(data: bytes, format: ExportFormat) -> Graph:
    graphs = parse_with_oxigraph(data, format)
    return graphs[VOID_GRAPH] if format.named_graphs else graphs[None]


@pytest.mark.parametrize("format", FORMATS, ids=lambda f: f.value)
def test_description_is_part_of_every_export(dataset, exports, format):
    expected = describe(dataset)
    got = _description_of(exports[format], format)
    missing = [t for t in expected if t not in got]
    assert not missing, f"{len(missing)} description triples missing, e.g. {missing[:3]}"


def test_description_counts_and_links(dataset):
    d = describe(dataset)
    names = data_graph_names(dataset)
    union_triples = set()
    for name in names:
        union_triples |= set(dataset.graph(name))

    def number(node, prop):
        return int(d.value(node, prop))

    assert (DATASET, RDF.type, VOID.Dataset) in d and (DATASET, RDF.type, DCAT.Dataset) in d
    assert number(DATASET, VOID.triples) == len(union_triples)
    assert d.value(DATASET, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert d.value(DATASET, DCTERMS.publisher) is not None and d.value(DATASET, DCTERMS.title) is not None
    documents = {s for s, p, o in union_triples if p == RDF.type and o == IO.SourceDocument}
    assert set(d.objects(DATASET, DCTERMS.source)) == documents and len(documents) >= 5
    assert d.value(DATASET, VOID.sparqlEndpoint) == SPARQL_ENDPOINT == URIRef("https://w3id.org/iokg/sparql")
    assert URIRef(str(IO)) in set(d.objects(DATASET, VOID.vocabulary))
    assert number(DATASET, VOID.classes) == len({o for s, p, o in union_triples if p == RDF.type})
    assert number(DATASET, VOID.properties) == len({p for s, p, o in union_triples})
    # Entities per class.
    operations = {s for s, p, o in union_triples if p == RDF.type and o == IO.InfluenceOperation}
    partitions = {d.value(p, VOID["class"]): p for p in d.objects(DATASET, VOID.classPartition)}
    assert number(partitions[IO.InfluenceOperation], VOID.entities) == len(operations) > 0
    # One subset per named graph, with its own triple count.
    subsets = {d.value(s, URIRef("http://www.w3.org/ns/sparql-service-description#name")): s for s in d.objects(DATASET, VOID.subset)}
    assert set(subsets) == set(names)
    for name in names:
        assert number(subsets[name], VOID.triples) == len(dataset.graph(name)), name
    assert d.value(subsets[GRAPH.disarm], DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by-sa/4.0/")
    assert d.value(subsets[DOCUMENT["000"]], DCTERMS.source) == DOCUMENT["000"]
    assert len(list(d.objects(DATASET, VOID.exampleResource))) >= 3
    assert len(list(d.objects(DATASET, DCAT.distribution))) == len(FORMATS)
    # Nothing of the run: no times or dates.
    for literal in d.objects():
        if isinstance(literal, Literal):
            assert literal.datatype not in (XSD.dateTime, XSD.date, XSD.dateTimeStamp), literal


def test_document_graphs_are_described_in_themselves(dataset):
    for name in data_graph_names(dataset):
        if str(name).startswith(str(DOCUMENT)):
            graph = dataset.graph(name)
            assert (name, RDF.type, IO.SourceDocument) in graph
            assert graph.value(name, IO.language) is not None, name
            # A document is located by its seed file (io:fileName) or by its address (io:url).
            assert graph.value(name, IO.fileName) is not None or graph.value(name, IO.url) is not None, name
            assert graph.value(name, IO.publicationDate) is not None or graph.value(name, IO.inferredDate) is not None, name


def test_links_travel_with_the_export(exports):
    """Wikidata links (the ids the brief confirms), DISARM concepts, and every claim and
    figure derived from its document (io:reportedIn, a sub-property of prov:wasDerivedFrom)."""
    graphs = parse_with_oxigraph(exports[ExportFormat.NQUADS], ExportFormat.NQUADS)
    merged = union(graphs.values())
    wikidata = {str(o) for o in merged.objects() if str(o).startswith("http://www.wikidata.org/entity/Q")}
    confirmed = {"Q355", "Q209330", "Q918", "Q866", "Q48938223", "Q1136", "Q380", "Q255381", "Q51711", "Q148",
                 "Q159", "Q43", "Q17", "Q408", "Q8646", "Q145", "Q30", "Q865", "Q34800", "Q204839", "Q9531",
                 "Q607", "Q8880", "Q81068910"}
    assert {"http://www.wikidata.org/entity/" + q for q in confirmed} <= wikidata
    skos_concept = URIRef("http://www.w3.org/2004/02/skos/core#Concept")
    assert len(set(graphs[GRAPH.disarm].subjects(RDF.type, skos_concept))) > 100
    documents = set(merged.subjects(RDF.type, IO.SourceDocument))
    for cls in (IO.Attribution, IO.Denial, IO.Reaction, IO.Assessment, IO.ReportedFigure):
        for record in merged.subjects(RDF.type, cls):
            assert set(merged.objects(record, IO.reportedIn)) & documents, record


# Choosing graphs ----------------------------------------------------------------------------------


def test_graph_names_resolve(dataset):
    doc = DOCUMENT["000"]
    for name in ("doc:000", "000", str(doc), f"<{doc}>"):
        assert resolve_graph(name, dataset) == doc
    for name in ("graph:reference", "reference", str(GRAPH.reference)):
        assert resolve_graph(name, dataset) == GRAPH.reference
    assert resolve_graph("ontology", dataset) == URIRef(ONTOLOGY)
    assert resolve_graph("shapes", dataset) == SHAPES_GRAPH
    with pytest.raises(UsageError) as error:
        resolve_graph("nope", dataset)
    assert "doc:000" in str(error.value) and "graph:reference" in str(error.value)


def test_export_of_one_graph(dataset):
    data = export(dataset, format=ExportFormat.NQUADS, graphs=["000"])
    graphs = parse_with_oxigraph(data, ExportFormat.NQUADS)
    assert set(graphs) == {DOCUMENT["000"], VOID_GRAPH, URIRef(ONTOLOGY)}
    data = export(dataset, format=ExportFormat.NQUADS, graphs=["000"], with_ontology=False)
    assert set(parse_with_oxigraph(data, ExportFormat.NQUADS)) == {DOCUMENT["000"], VOID_GRAPH}
    data = export(dataset, format="turtle", graphs=["doc:000"], with_ontology=False)
    turtle = parse_with_oxigraph(data, ExportFormat.TURTLE)[None]
    assert isomorphic(turtle, union([as_stored(dataset.graph(DOCUMENT["000"])), describe(dataset)]))


# The command line ---------------------------------------------------------------------------------


def test_cli_export_writes_to_standard_output_and_to_a_file(tmp_path, exports):
    result = iokg("export")
    assert result.returncode == 0, result.stderr
    assert result.stdout == exports[ExportFormat.TURTLE], "default: Turtle on standard output"
    target = tmp_path / "out" / "iokg.nq"
    target.parent.mkdir()
    result = iokg("export", "--format", "nquads", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    assert target.read_bytes() == exports[ExportFormat.NQUADS]
    assert [p.name for p in target.parent.iterdir()] == ["iokg.nq"], "a temporary file was left behind"


def test_cli_export_unknown_graph_is_a_usage_error():
    result = iokg("export", "--graph", "no-such-graph")
    assert result.returncode == 2
    message = result.stderr.decode()
    assert "no-such-graph" in message and "doc:000" in message and "graph:reference" in message
    assert "Traceback" not in message


def test_cli_export_unknown_format_is_a_usage_error():
    result = iokg("export", "--format", "n3")
    assert result.returncode == 2

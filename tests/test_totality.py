"""Every named query and check is total over valid data (issue 9, item 1).

Property-style: a set of valid graphs, each the shipped reference, curation and DISARM
graphs plus other documents than the five curated ones, and on every graph every named
query (each parameter case) and every check answers on rdflib and on Oxigraph, with the
same rows in the same order (lists inside a cell sorted, empty lists unbound on both), and
the commands ``overview``, ``stats`` and ``export`` succeed on it (``docs`` reads only the
ontology and shapes, so it runs once).

The graphs: every folder of ``tests/edge-cases/`` (a ``documents/`` folder laid out as
``kg/data/documents``: undated, unnamed, sponsor-less, part-and-total, multi-document,
multi-currency, new platform, new state, platform disclosure, …), all of them together, and
graphs of the synthetic generator (``benchmarks/synthetic.py``) at two seeds. The merged
edge cases and one synthetic graph are validated against the shapes through ``iokg overview``
(exit 0 only when the graph conforms), and exported and counted, once each, to keep the
suite cheap: the merged graph holds every edge case's documents.
"""

from __future__ import annotations

import importlib.util
import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg import paths
from kg.cli import main
from kg.dataset import load
from kg.namespaces import IO
from kg.queries import Engine, checks, named_queries, query, run, to_store
from support import ROOT, term_key

EDGE_CASES = ROOT / "tests" / "edge-cases"
CASES = sorted(p.name for p in EDGE_CASES.iterdir() if (p / "documents").is_dir())
SEEDS = (1, 2)
SYNTHETIC_TRIPLES = 1200
GRAPHS = CASES + ["all-edge-cases"] + [f"synthetic-{seed}" for seed in SEEDS]

# The edge cases the issue names, each a folder.
NAMED_CASES = {"undated", "unnamed", "sponsor-less", "part-and-total", "multi-document", "multi-currency",
               "new-platform", "new-state", "platform-disclosure"}

# The class whose instances a parameter of type iri takes, per parameter name.
PARAMETER_CLASSES = {"operation": IO.InfluenceOperation, "sponsor": IO.Actor, "narrative": IO.Narrative,
                     "target": None, "subject": IO.InfluenceOperation, "dimension": IO.AssessmentDimension,
                     "rating": IO.Rating}
OTHER_VALUES = {"limit": ["0", "3"], "language": ["en"]}

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _synthetic():
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data_dir(folder: Path, documents: dict[str, bytes] | list[Path]) -> Path:
    """A data folder: the shipped reference, curation and DISARM files, and ``documents``."""
    (folder / "documents").mkdir(parents=True)
    for path in paths.DATA_DIR.glob("*.ttl"):
        (folder / path.name).symlink_to(path)
    if isinstance(documents, dict):
        for name, data in documents.items():
            (folder / "documents" / f"{name}.ttl").write_bytes(data)
    else:
        for path in documents:
            (folder / "documents" / path.name).symlink_to(path)
    return folder


@pytest.fixture(scope="module")
def data_dirs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("totality")
    dirs = {case: _data_dir(root / case, sorted((EDGE_CASES / case / "documents").glob("*.ttl"))) for case in CASES}
    everything = sorted(p for case in CASES for p in (EDGE_CASES / case / "documents").glob("*.ttl"))
    dirs["all-edge-cases"] = _data_dir(root / "all-edge-cases", everything)
    synthetic = _synthetic()
    for seed in SEEDS:
        dataset = synthetic.generate(triples=SYNTHETIC_TRIPLES, seed=seed)
        documents = {}
        for graph in dataset.graphs():
            if len(graph):
                documents[str(graph.identifier).rsplit("/", 1)[-1]] = graph.serialize(format="turtle", encoding="utf-8")
        dirs[f"synthetic-{seed}"] = _data_dir(root / f"synthetic-{seed}", documents)
    return dirs


def test_cases_are_collected():
    assert CASES, f"no edge cases in {EDGE_CASES}"
    assert NAMED_CASES <= set(CASES), f"missing edge cases: {sorted(NAMED_CASES - set(CASES))}"
    for case in CASES:
        assert list((EDGE_CASES / case / "documents").glob("*.ttl")), f"{case} has no document"


def _values(dataset, parameter) -> list:
    """Values for a parameter: instances found in the graph for an IRI, fixed ones else."""
    if parameter.type != "iri":
        return OTHER_VALUES.get(parameter.name, ["1"])
    if parameter.name == "target":
        found = set(dataset.objects(None, IO.targets))
    elif parameter.name == "narrative":
        found = set(dataset.objects(None, IO.pushesNarrative)) | set(dataset.objects(None, SKOS.broader))
    elif parameter.name == "sponsor":
        found = set(dataset.objects(None, IO.sponsoredBy))
    elif parameter.name == "property":
        found = set(dataset.objects(None, IO.statementProperty))
    else:
        found = set(dataset.subjects(RDF.type, PARAMETER_CLASSES[parameter.name]))
    ours = sorted(v for v in found if isinstance(v, URIRef))
    # One value found in the graph, and one that matches nothing.
    return ours[:1] + [URIRef("https://w3id.org/iokg/operation/no-such-thing")]


def cases(dataset) -> list[tuple[str, dict]]:
    """Every named query with its parameter cases, then every check."""
    found = []
    for name, named in named_queries().items():
        required = [p for p in named.parameters if p.required]
        optional = [p for p in named.parameters if not p.required]
        bases = [{}]
        for parameter in required:
            bases = [dict(base, **{parameter.name: value}) for base in bases for value in _values(dataset, parameter)]
        found += [(name, base) for base in bases]
        for parameter in optional:
            found += [(name, dict(bases[0], **{parameter.name: value})) for value in _values(dataset, parameter)]
    return found


def rows_of(rows) -> list[tuple[str, ...]]:
    """The rows in their order, each term as an engine-independent string."""
    return [tuple(term_key(term) for term in row) for row in rows.rows]


@pytest.mark.parametrize("graph", GRAPHS)
def test_every_query_and_check_answers_the_same_on_both_engines(graph, data_dirs):
    dataset = load(data_dir=data_dirs[graph])
    store = to_store(dataset)
    failures, ran = [], 0
    for name, params in cases(dataset):
        try:
            on_rdflib = query(name, dataset=dataset, **params)
            on_oxigraph = query(name, store=store, engine=Engine.OXIGRAPH, **params)
        except Exception as error:  # the property: no query fails on valid data
            failures.append(f"{name} {params}: {type(error).__name__}: {error}")
            continue
        ran += 1
        if on_rdflib.variables != on_oxigraph.variables or rows_of(on_rdflib) != rows_of(on_oxigraph):
            failures.append(f"{name} {params}: rdflib {rows_of(on_rdflib)[:3]} … oxigraph {rows_of(on_oxigraph)[:3]} …")
    for name, check in checks().items():
        try:
            on_rdflib, on_oxigraph = run(check.text, dataset=dataset), run(check.text, store=store, engine=Engine.OXIGRAPH)
        except Exception as error:
            failures.append(f"{name}: {type(error).__name__}: {error}")
            continue
        ran += 1
        if sorted(rows_of(on_rdflib)) != sorted(rows_of(on_oxigraph)):
            failures.append(f"{name}: rdflib {rows_of(on_rdflib)[:3]} oxigraph {rows_of(on_oxigraph)[:3]}")
    assert not failures, "\n".join(failures)
    assert ran >= len(named_queries()) + len(checks())


@pytest.mark.parametrize("graph", ["all-edge-cases", f"synthetic-{SEEDS[0]}"])
def test_graph_conforms_and_overview_succeeds(graph, data_dirs):
    """``iokg overview`` validates the whole graph: exit 0 means it conforms."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["overview", "--data", str(data_dirs[graph])])
    assert code == 0, out.getvalue()[-3000:]
    assert "SHACL: conforms" in out.getvalue()


@pytest.mark.parametrize("graph", ["all-edge-cases", f"synthetic-{SEEDS[0]}"])
def test_stats_and_export_succeed(graph, data_dirs, tmp_path):
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["stats", "--data", str(data_dirs[graph]), "--format", "json"]) == 0
    assert '"triples"' in out.getvalue()
    for format in ("turtle", "nquads"):
        target = tmp_path / f"export.{format}"
        assert main(["export", "--data", str(data_dirs[graph]), "--format", format, "-o", str(target)]) == 0
        assert target.stat().st_size > 0


def test_docs_succeed(tmp_path):
    with redirect_stdout(io.StringIO()):
        assert main(["docs", "-o", str(tmp_path)]) == 0
    assert (tmp_path / "ontology.html").is_file() and (tmp_path / "shapes.html").is_file()


def test_every_edge_case_document_is_in_its_graph(data_dirs):
    """An edge case reaches the queries: each of its documents is a named graph with a label."""
    dataset = load(data_dir=data_dirs["all-edge-cases"])
    documents = {s for s, _, _, _ in dataset.quads((None, RDF.type, IO.SourceDocument, None))}
    for case in CASES:
        for path in (EDGE_CASES / case / "documents").glob("*.ttl"):
            document = URIRef(f"https://w3id.org/iokg/document/{path.stem}")
            assert document in documents, f"{case}: {path.name} must describe {document}"
            assert any(True for _ in dataset.quads((document, RDFS.label, None, None))), document

"""The store seam: every named query and check gives the same rows on every store (rdflib in
memory, Oxigraph in memory and on disk, a remote Oxigraph server reached through the SPARQL
Protocol and filled through our Graph Store Protocol client, with and without the server's
union default graph); updates, dumps, labels and parse errors behave the same way."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg.errors import InputError, UsageError
from kg.namespaces import DOCUMENT, GRAPH, IO
from kg.queries import Engine, bindings, checks, get_query, named_queries, run
from kg.store import fill, open_store
from kg.store.memory import MemoryStore
from kg.store.oxigraph import OxigraphStore
from kg.store.remote import RemoteStore
from test_queries import EXTRA_CASES, GOLDEN_PARAMS, list_columns, term_key

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    """Two Oxigraph servers from the PyPI ``oxigraph`` package: a plain one and one serving
    the union of its graphs as its default graph. Yields their query URLs."""
    beside = Path(sys.executable).parent / "oxigraph"
    binary = str(beside) if beside.exists() else shutil.which("oxigraph")
    assert binary, "the oxigraph server (PyPI 'oxigraph', in the [test] extra) is not installed"
    processes, urls = [], {}
    try:
        for name, extra in (("plain", []), ("union", ["--union-default-graph"])):
            port = _free_port()
            location = tmp_path_factory.mktemp(f"oxigraph-{name}")
            processes.append(subprocess.Popen(
                [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *extra],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))
            urls[name] = f"http://127.0.0.1:{port}/query"
        for url in urls.values():
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(url.replace("/query", "/"), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def stores(servers, tmp_path_factory) -> dict:
    """The packaged graph on every store."""
    found = {
        "memory": open_store("memory"),
        "oxigraph": open_store("oxigraph"),
        "oxigraph:PATH": open_store(f"oxigraph:{tmp_path_factory.mktemp('index') / 'iokg'}"),
    }
    for name, url in servers.items():
        remote = RemoteStore(url)
        fill(remote)  # parsed locally by Oxigraph, written by GSP PUT, provenance derived there
        found[f"remote-{name}"] = remote
    return found


def _cases():
    cases = [(name, GOLDEN_PARAMS.get(name, {})) for name in named_queries()]
    cases += EXTRA_CASES
    cases += [(name, {}) for name in checks()]
    return cases


CASES = _cases()


def test_cases_are_collected():
    assert len(named_queries()) > 0 and len(checks()) > 0
    assert len(CASES) == len(named_queries()) + len(EXTRA_CASES) + len(checks())


def _normalised(rows, text: str):
    lists = list_columns(text)
    return rows.variables, [tuple(term_key(t, lists.get(v)) for v, t in zip(rows.variables, row)) for row in rows.rows]


@pytest.mark.parametrize("name,params", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_same_rows_on_every_store(stores, name, params):
    named = get_query(name) if name in named_queries() else checks()[name]
    bound = bindings(named, params)
    results = {kind: store.query(named.text, bindings=bound) for kind, store in stores.items()}
    reference = _normalised(results["memory"], named.text)
    # The packaged graph holds no platform archive: the account-level queries (tag
    # "archives") answer empty here; tests/test_archives.py compares them on a fixture archive.
    if name not in checks() and "archives" not in getattr(named, "tags", ()):
        assert reference[1] or params, f"{name}: no rows on the packaged graph"
    for kind, rows in results.items():
        # Same rows in the same order (numbers by value, GROUP_CONCAT lists as sets).
        assert _normalised(rows, named.text) == reference, f"{name} {params} on {kind}"


def test_default_graph_is_the_set_union(stores):
    """A triple stated in two graphs counts once in the default graph of every store (the
    union-default-graph server excepted: Oxigraph counts it once per graph there)."""
    from rdflib import BNode

    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    s, p, o, _ = next(q for q in stores["memory"].quads(None, None, None, DOCUMENT["000"])
                      if not isinstance(q[0], BNode) and not isinstance(q[2], BNode))
    twice = (s, p, o, GRAPH["scratch-twice"])
    before = {kind: int(store.query(text).rows[0][0]) for kind, store in stores.items()}
    for kind, store in stores.items():
        with store.transaction():
            store.add_quads([twice])
        try:
            expected = before[kind] + (1 if kind == "remote-union" else 0)
            assert int(store.query(text).rows[0][0]) == expected, kind
            assert int(store.query(distinct).rows[0][0]) == before["memory"], kind
        finally:
            with store.transaction():
                store.remove_quads([twice])
        assert int(store.query(text).rows[0][0]) == before[kind], kind


def test_graphs_quads_and_labels_agree(stores):
    reference = stores["memory"]
    graphs = reference.graphs()
    assert DOCUMENT["000"] in graphs and GRAPH["provenance"] in graphs
    subject = URIRef("https://w3id.org/iokg/operation/spamouflage")
    expected = sorted(map(str, reference.quads(subject, None, None, None)))
    assert expected
    for kind, store in stores.items():
        assert store.graphs() == graphs, kind
        assert sorted(map(str, store.quads(subject, None, None, None))) == expected, kind
        assert store.labels([subject, IO.InfluenceOperation, URIRef("https://example.org/none")]) == {
            subject: "Spamouflage", IO.InfluenceOperation: "Influence operation"}, kind


@pytest.mark.parametrize("kind", ["memory", "oxigraph"])
def test_transaction_updates_graph_and_default(kind):
    store = open_store(kind)
    graph = GRAPH["scratch"]
    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    count = "SELECT (COUNT(*) AS ?n) WHERE { <https://example.org/s> ?p ?o }"
    with store.transaction():
        store.add_quads([(s, p, Literal(1), graph), (s, p, Literal(1), DOCUMENT["000"])])
    assert int(store.query(count).rows[0][0]) == 1
    with store.transaction():
        store.remove_quads([(s, p, Literal(1), graph)])
    assert int(store.query(count).rows[0][0]) == 1, "still stated in doc:000"
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.replace_graph(DOCUMENT["000"], [])
            raise RuntimeError("abandoned")
    assert int(store.query(count).rows[0][0]) == 1, "an abandoned transaction changes nothing"
    with store.transaction():
        store.remove_quads([(s, p, Literal(1), DOCUMENT["000"])])
    assert int(store.query(count).rows[0][0]) == 0
    with pytest.raises(RuntimeError):
        store.add_quads([(s, p, Literal(2), graph)])


def test_remote_transaction_and_gsp(stores):
    remote = stores["remote-plain"]
    graph = URIRef("https://example.org/graph/scratch")
    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    with remote.transaction():
        remote.replace_graph(graph, [(s, p, Literal("x", lang="en"))])
    assert remote.get_graph(graph).strip() == b'<https://example.org/s> <https://example.org/p> "x"@en .'
    assert remote.labels([s]) == {}
    assert int(remote.query("SELECT (COUNT(*) AS ?n) WHERE { <https://example.org/s> ?p ?o }").rows[0][0]) == 1
    remote.delete_graph(graph)
    remote.merge_default()
    assert graph not in remote.graphs()
    assert remote.query("ASK { <https://example.org/s> ?p ?o }").boolean is False


def test_dumps_agree(stores):
    """N-Quads dumps hold the same quads on every store (literals as Oxigraph writes them;
    rdflib rewrites some lexical forms, so against it by count); the Turtle union the same
    triples."""
    import pyoxigraph

    def ground(data: bytes, format) -> set:
        return {str(q) for q in pyoxigraph.parse(data, format=format)
                if not isinstance(q.subject, pyoxigraph.BlankNode) and not isinstance(q.object, pyoxigraph.BlankNode)}

    reference = ground(stores["oxigraph"].dump("nq"), pyoxigraph.RdfFormat.N_QUADS)
    union = ground(stores["oxigraph"].dump("ttl"), pyoxigraph.RdfFormat.TURTLE)
    assert len(reference) > len(union) > 0
    assert len(ground(stores["memory"].dump("nq"), pyoxigraph.RdfFormat.N_QUADS)) == len(reference)
    for kind in ("oxigraph:PATH", "remote-plain"):
        assert ground(stores[kind].dump("nq"), pyoxigraph.RdfFormat.N_QUADS) == reference, kind
        assert ground(stores[kind].dump("ttl"), pyoxigraph.RdfFormat.TURTLE) == union, kind


def test_dataset_round_trip(stores):
    assert len(stores["oxigraph"].dataset()) == len(stores["memory"].dataset())


def test_query_errors_are_usage_errors(stores):
    for kind, store in stores.items():
        with pytest.raises(UsageError, match=r"line 1, column"):
            store.query("SELECT ?s WHERE { ?s ?p }")
        with pytest.raises(UsageError, match="SPARQL Update"):
            store.query("INSERT DATA { <a:b> <a:b> <a:b> }")


def test_parse_error_names_file_line_column(tmp_path):
    shutil.copytree(Path(__file__).resolve().parents[1] / "kg" / "data", tmp_path / "data")
    bad = tmp_path / "data" / "documents" / "000.ttl"
    bad.write_text(bad.read_text(encoding="utf-8") + '\n<https://example.org/a> <https://example.org/b> "open .\n', encoding="utf-8")
    with pytest.raises(InputError) as error:
        open_store("oxigraph", data_dir=tmp_path / "data")
    assert error.value.path == str(bad) and error.value.line is not None and error.value.column is not None
    assert "Traceback" not in str(error.value)


def test_unknown_store_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown store"):
        open_store("sqlite")
    with pytest.raises(UsageError, match="needs a path"):
        open_store("oxigraph:")


def test_legacy_engine_argument_still_works():
    from kg.dataset import load

    dataset = load()
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/iokg/ontology#Operation> }"
    assert run(text, dataset=dataset).rows == run(text, dataset=dataset, engine=Engine.OXIGRAPH).rows


def test_remote_credentials_are_sent_and_never_shown(monkeypatch, servers):
    monkeypatch.setenv("IOKG_ENDPOINT_TOKEN", "s3cret-token")
    store = RemoteStore(servers["plain"].replace("127.0.0.1", "127.0.0.1"))
    seen = {}

    def fake_urlopen(request, timeout):
        seen.update(request.header_items())
        raise urllib.error.URLError("refused")

    import urllib.error

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    with pytest.raises(Exception) as error:
        store.query("ASK { ?s ?p ?o }")
    assert seen.get("Authorization") == "Bearer s3cret-token"
    assert "s3cret" not in str(error.value) and "s3cret" not in repr(store)


# The on-disk index ---------------------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "meta-2022-09-russia.ttl"
COUNT_DOCUMENTS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'https://w3id.org/iokg/document/')) }"


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "kg" / "data", copy)
    return copy


def _ground(store) -> set:
    from rdflib import BNode

    return {q for q in store.quads() if not isinstance(q[0], BNode) and not isinstance(q[2], BNode)}


def _documents(data_dir: Path) -> int:
    return int(open_store(None, data_dir=data_dir).query(COUNT_DOCUMENTS).rows[0][0])


def test_index_is_reused_and_rebuilt_when_a_file_changes(data_copy, tmp_path):
    from kg.store import index

    assert index.status(data_dir=data_copy) == "missing"
    assert _documents(data_copy) == len(list((data_copy / "documents").glob("*.ttl")))
    assert index.status(data_dir=data_copy) == "current"
    folder = index.location(data_dir=data_copy)
    assert folder.parent == index.cache_dir() and str(folder).startswith(os.environ["XDG_CACHE_HOME"])
    built = json.loads((folder / "state.json").read_text())["store"]
    _documents(data_copy)
    assert json.loads((folder / "state.json").read_text())["store"] == built, "an unchanged graph is not rebuilt"
    shutil.copy(EXAMPLE, data_copy / "documents" / "950.ttl")
    assert index.status(data_dir=data_copy) == "stale"
    assert _documents(data_copy) == len(list((data_copy / "documents").glob("*.ttl")))
    assert json.loads((folder / "state.json").read_text())["store"] != built
    assert index.clear(data_dir=data_copy) == [folder] and index.status(data_dir=data_copy) == "missing"


def test_add_updates_the_index_in_place(data_copy):
    from kg.curation import add
    from kg.store import index

    before = _documents(data_copy)
    built = json.loads((index.location(data_dir=data_copy) / "state.json").read_text())["store"]
    result = add([EXAMPLE], data_dir=data_copy)
    assert result.path is not None, "the worked example conforms"
    assert index.status(data_dir=data_copy) == "current", "add brought the index in step"
    state = json.loads((index.location(data_dir=data_copy) / "state.json").read_text())
    assert state["store"] == built, "updated in place, not rebuilt"
    store = open_store(None, data_dir=data_copy)
    assert int(store.query(COUNT_DOCUMENTS).rows[0][0]) == before + 1
    fresh = open_store("oxigraph", data_dir=data_copy)
    assert _ground(store) == _ground(fresh) and len(store) == len(fresh), \
        "the updated index holds what a fresh load of the files holds"


@pytest.mark.parametrize("where", ["before", "during"])
def test_killed_writer_is_detected_and_repaired(data_copy, where):
    """A writer killed between writing a file and updating the index (``before``), or
    half-way through the update (``during``, after the store changed and before the digest
    was recorded): the next command sees the digests differ and rebuilds."""
    from kg.store import index

    before = _documents(data_copy)
    target = data_copy / "documents" / "950.ttl"
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from kg.files import write_atomic\n"
        "from kg.store import index\n"
        "index._write_state = lambda *a, **k: os.kill(os.getpid(), 9)\n"
        "target, data = Path(sys.argv[1]), Path(sys.argv[2])\n"
        "write_atomic(target, Path(sys.argv[3]).read_bytes())\n"
        + ("os.kill(os.getpid(), 9)\n" if where == "before" else "")
        + "index.update([target], data_dir=data)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(target), str(data_copy), str(EXAMPLE)],
                            capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    assert target.is_file(), "the file was written"
    assert index.status(data_dir=data_copy) == "stale"
    assert _documents(data_copy) == before + 1
    assert index.status(data_dir=data_copy) == "current"


# Cold start ----------------------------------------------------------------------------

HEAVY = ("kg.validation", "kg.checks", "kg.reasoner", "kg.curation", "kg.docs", "pyshacl", "owlready2", "pylode", "owlrl")


@pytest.mark.parametrize("argv", [
    ["query", "removals-by-platform"],
    ["sparql", "ASK { ?s ?p ?o }", "--store", "oxigraph"],
    ["export", "--format", "nquads", "--store", "oxigraph", "-o", os.devnull],
])
def test_reading_commands_import_no_validator_or_reasoner(argv):
    script = (
        "import io, sys, contextlib\n"
        "import kg.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = kg.cli.main({argv!r})\n"
        "print(code, ' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    code, modules = result.stdout.split(" ", 1)
    assert code == "0", result.stderr
    loaded = set(modules.split())
    assert not {m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY or m.startswith(HEAVY)}
    if argv[0] != "export":
        assert not any(m.startswith("kg.exports") for m in loaded)


def test_import_kg_is_lazy():
    result = subprocess.run([sys.executable, "-c", "import sys, kg; print(sorted(m for m in sys.modules if m.startswith('kg')))"],
                            capture_output=True, text=True)
    assert result.stdout.strip() == "['kg']"
    import kg

    assert callable(kg.query) and callable(kg.open_store) and "validate" in dir(kg)

"""Remote stores: ``iokg push`` to a real ``oxigraph serve`` on loopback (PyPI ``oxigraph``),
twice, in its plain and its union-default-graph modes; every named query run on the remote
store gives the embedded store's rows; ``iokg query`` and ``iokg sparql`` with
``--endpoint``; a store that refuses one graph gets the others, and the push names it."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kg.dataset import union
from kg.queries import Engine, bindings, named_queries, run, to_store
from kg.server.named import example_values
from kg.store import open_store
from kg.terms import to_oxigraph
from support import free_port, iokg, wait_for

pytestmark = pytest.mark.skipif(shutil.which("oxigraph") is None,
                                reason="the oxigraph server (PyPI package oxigraph, in the test extra) is not installed")
QUERIES = named_queries()
ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module", params=["plain", "union-default-graph"])
def oxigraph(request, tmp_path_factory):
    """``oxigraph serve`` on a free loopback port with a temporary location."""
    port = free_port()
    command = ["oxigraph", "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")), "--bind", f"127.0.0.1:{port}"]
    if request.param == "union-default-graph":
        command.append("--union-default-graph")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_for(url + "?query=ASK%7B%7D", process=None, seconds=60)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def state(url: str) -> set:
    """Every quad of the remote store and every triple its default graph shows, by SPARQL,
    blank nodes relabelled canonically (RDFC-1.0: each push writes fresh blank nodes)."""
    import pyoxigraph as ox

    remote = open_store(url)
    dataset = ox.Dataset()
    for s, p, o, g in remote.query(ALL_QUADS).rows:
        dataset.add(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), to_oxigraph(g)))
    for s, p, o in remote.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows:
        dataset.add(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.NamedNode("urn:x-test:default-view")))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def cells(rows) -> list[tuple]:
    """Rows with each list cell ("a | b") in sorted order: whether a named query sorts its
    list cells is tests/test_queries.py's business; this test compares rows."""
    return [tuple(" | ".join(sorted(str(t).split(" | "))) if t is not None and " | " in str(t) else t for t in row)
            for row in rows]


def test_push_twice_and_query(oxigraph, loaded):
    first = iokg("push", "--endpoint", oxigraph)
    assert first.returncode == 0, first.stderr
    assert "pushed" in first.stdout
    after_first = state(oxigraph)
    second = iokg("push", "--endpoint", oxigraph)
    assert second.returncode == 0, second.stderr
    assert state(oxigraph) == after_first, "a second push leaves the same state"
    local = open_store("oxigraph")
    remote = open_store(oxigraph)
    assert set(remote.graphs()) == set(local.graphs())
    assert len(remote.query(ALL_QUADS).rows) == len(local.query(ALL_QUADS).rows)
    embedded = to_store(loaded)
    graph = union(loaded)
    for name, named in QUERIES.items():
        bound = bindings(named, example_values(named, graph))
        expected = run(named.text, store=embedded, engine=Engine.OXIGRAPH, bindings=bound)
        got = remote.query(named.text, bindings=bound)
        assert (got.variables, cells(got.rows)) == (expected.variables, cells(expected.rows)), name


def test_cli_with_endpoint(oxigraph):
    assert iokg("push", "--endpoint", oxigraph).returncode == 0
    name = next(n for n, q in QUERIES.items() if not any(p.required for p in q.parameters))
    remote = iokg("query", name, "--endpoint", oxigraph, "--format", "json")
    local = iokg("query", name, "--store", "oxigraph", "--format", "json")
    assert remote.returncode == 0 and json.loads(remote.stdout) == json.loads(local.stdout)
    text = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    remote = iokg("sparql", text, "--endpoint", oxigraph, "--format", "csv")
    local = iokg("sparql", text, "--store", "oxigraph", "--format", "csv")
    assert remote.returncode == 0 and remote.stdout == local.stdout


class _Refusing(BaseHTTPRequestHandler):
    """A Graph Store in front of the Oxigraph server that refuses PUTs of one graph."""

    refused: str = ""
    target: str = ""

    def do_PUT(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        graph = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("graph", [""])[0]
        if graph == self.refused:
            self.send_response(507)
            self.end_headers()
            self.wfile.write(b"insufficient storage for this graph\n")
            return
        request = urllib.request.Request(self.target + "?" + urllib.parse.urlsplit(self.path).query, data=body,
                                         method="PUT", headers={"Content-Type": self.headers["Content-Type"]})
        with urllib.request.urlopen(request, timeout=60) as response:
            self.send_response(response.status)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_failed_graph_is_named_and_the_others_written(oxigraph, loaded):
    store_url = oxigraph.rsplit("/", 1)[0] + "/store"
    graphs = sorted(str(g) for g in open_store("oxigraph").graphs())
    refused = graphs[len(graphs) // 2]
    _Refusing.refused, _Refusing.target = refused, store_url
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        for graph in graphs:  # start from an empty store
            urllib.request.urlopen(urllib.request.Request(f"{store_url}?graph={urllib.parse.quote(graph)}",
                                                          method="DELETE"), timeout=60).close()
        result = iokg("push", "--endpoint", oxigraph, "--graph-store", f"http://127.0.0.1:{proxy.server_address[1]}/store")
    finally:
        proxy.shutdown()
    assert result.returncode == 2
    assert f"1 of {len(graphs)} graph(s) not written" in result.stderr and f"<{refused}>" in result.stderr
    assert "507" in result.stderr and "Traceback" not in result.stderr
    written = {str(g) for g in open_store(oxigraph).graphs()}
    assert written == set(graphs) - {refused}

"""The network and file policy: nothing is fetched that the user did not name.

A loopback HTTP server (127.0.0.1, an ephemeral port) records every request and answers
each well (a JSON-LD context, Turtle, an empty SPARQL result), so that a request, if made,
would succeed: only the policy stands between iokg and the server. JSON-LD contexts at any
depth, RDF/XML external entities, owl:imports, and SPARQL SERVICE, FROM, FROM NAMED and LOAD
point at it; the server receives nothing and iokg refuses with a clear message. With
``allow_remote`` a SERVICE request reaches the server, which proves the test can fail.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef

from kg.errors import PolicyError
from kg.parsing import read_input
from kg.policy import guard_query
from kg.queries import Engine, run

CONTEXT = {"@context": {"io": "https://w3id.org/iokg/ontology#"}}
TURTLE = "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
EMPTY_RESULT = {"head": {"vars": ["s", "p", "o"]}, "results": {"bindings": []}}


class Recorder(BaseHTTPRequestHandler):
    """Answers every request well and records it."""

    def _answer(self) -> None:
        self.server.requests.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if "sparql" in self.path:
            body, kind = json.dumps(EMPTY_RESULT).encode(), "application/sparql-results+json"
        elif self.path.endswith(".ttl"):
            body, kind = TURTLE.encode(), "text/turtle"
        else:
            body, kind = json.dumps(CONTEXT).encode(), "application/ld+json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def base(server) -> str:
    server.requests.clear()
    return f"http://127.0.0.1:{server.server_address[1]}"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


JSONLD_CASES = {
    "top-level": lambda b: {"@context": f"{b}/context.jsonld", "@id": "http://example.org/a", "io:v": 1},
    "in-a-list": lambda b: {"@context": [{"io": "https://w3id.org/iokg/ontology#"}, f"{b}/context.jsonld"],
                            "@id": "http://example.org/a"},
    "import": lambda b: {"@context": {"@import": f"{b}/imported.jsonld"}, "@id": "http://example.org/a"},
    "property-scoped": lambda b: {
        "@context": {"knows": {"@id": "http://example.org/knows", "@context": f"{b}/scoped.jsonld"}},
        "@id": "http://example.org/a", "knows": {"@id": "http://example.org/b"}},
    "type-scoped": lambda b: {
        "@context": {"T": {"@id": "http://example.org/T", "@context": [f"{b}/typed.jsonld"]}},
        "@id": "http://example.org/a", "@type": "T"},
    "nested-node": lambda b: {
        "@id": "http://example.org/a",
        "http://example.org/knows": {"@context": f"{b}/nested.jsonld", "@id": "http://example.org/b"}},
    "scoped-import": lambda b: {
        "@context": {"knows": {"@id": "http://example.org/knows", "@context": {"@import": f"{b}/deep.jsonld"}}},
        "@id": "http://example.org/a", "knows": {"@id": "http://example.org/b"}},
}


@pytest.mark.parametrize("case", sorted(JSONLD_CASES))
def test_jsonld_contexts_at_any_depth_are_not_fetched(case, base, server, tmp_path):
    path = _write(tmp_path, "input.jsonld", json.dumps(JSONLD_CASES[case](base), indent=2))
    refused = r"remote JSON-LD @context 'http://127\.0\.0\.1:\d+/\w+\.jsonld' is not fetched"
    with pytest.raises(PolicyError, match=refused):
        read_input(path)
    assert server.requests == []


def test_a_named_local_copy_serves_a_remote_context(base, server, tmp_path):
    from kg.policy import allowing

    copy = _write(tmp_path, "copy.jsonld", json.dumps(CONTEXT))
    path = _write(tmp_path, "input.jsonld", json.dumps(
        {"@context": f"{base}/context.jsonld", "@id": "http://example.org/a", "io:value": 3}))
    with allowing([f"{base}/context.jsonld={copy}"]):
        dataset, _ = read_input(path)
    assert (URIRef("http://example.org/a"), URIRef("https://w3id.org/iokg/ontology#value"), Literal(3)) in dataset
    assert server.requests == []


def test_rdfxml_external_entities_and_owl_imports_are_not_fetched(base, server, tmp_path):
    entity = _write(tmp_path, "entity.rdf", f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
                    f'  <!ENTITY e SYSTEM "{base}/entity.xml">\n]>\n'
                    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n')
    with pytest.raises(PolicyError, match="external entities are not resolved"):
        read_input(entity)
    imports = _write(tmp_path, "imports.ttl", f"<http://example.org/o> a <http://www.w3.org/2002/07/owl#Ontology> ;\n"
                     f"  <http://www.w3.org/2002/07/owl#imports> <{base}/ontology.ttl> .\n")
    dataset, _ = read_input(imports)
    assert len(dataset) == 2
    assert server.requests == []


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    data = Dataset()
    graph = data.graph(URIRef("https://w3id.org/iokg/document/900"))
    graph.add((URIRef("http://example.org/a"), URIRef("http://example.org/b"), Literal(1)))
    return data


QUERIES = {
    "service": "SELECT * WHERE {{ SERVICE <{b}/sparql> {{ ?s ?p ?o }} }}",
    "service-silent": "SELECT * WHERE {{ ?s ?p ?x . SERVICE SILENT <{b}/sparql> {{ ?s ?p ?o }} }}",
    "service-variable": "SELECT * WHERE {{ VALUES ?e {{ <{b}/sparql> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "from": "SELECT * FROM <{b}/data.ttl> WHERE {{ ?s ?p ?o }}",
    "from-named": "SELECT * FROM NAMED <{b}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "from-prefixed": "PREFIX r: <{b}/> SELECT * FROM r:data.ttl WHERE {{ ?s ?p ?o }}",
    "from-file": "SELECT * FROM <file:///etc/passwd> WHERE {{ ?s ?p ?o }}",
    # disguises a quick scan must not miss (guard_query skips the parse when no keyword is seen)
    "from-glued": "PREFIX : <{b}/> select * from:data.ttl where {{ ?s ?p ?o }}",
    "service-lowercase": "select * where {{ service<{b}/sparql>{{ ?s ?p ?o }} }}",
    "service-escaped": "SELECT * WHERE {{ \\u0053ERVICE <{b}/sparql> {{ ?s ?p ?o }} }}",
    "load": "LOAD <{b}/data.ttl>",
    "load-into": "LOAD SILENT <{b}/data.ttl> INTO GRAPH <http://example.org/g>",
    "using": "DELETE {{ ?s ?p ?o }} USING <{b}/data.ttl> WHERE {{ ?s ?p ?o }}",
    "service-in-update": "DELETE {{ ?s ?p ?o }} WHERE {{ SERVICE <{b}/sparql> {{ ?s ?p ?o }} }}",
}


@pytest.mark.parametrize("engine", list(Engine))
@pytest.mark.parametrize("case", sorted(QUERIES))
def test_sparql_reaching_outside_is_refused(case, engine, base, server, dataset):
    with pytest.raises(PolicyError, match=r"^refused by the network policy: (SERVICE|FROM|FROM NAMED|LOAD) .*"
                                          r"--allow-remote permits it$"):
        run(QUERIES[case].format(b=base), dataset=dataset, engine=engine)
    assert server.requests == []


def test_keywords_in_strings_comments_and_iris_are_not_requests(base):
    guard_query(f'# SERVICE <{base}/sparql>\nSELECT * WHERE {{ ?s ?p "FROM <{base}/x> LOAD SERVICE" . '
                f'?s <{base}/SERVICE> ?o }}')


def test_a_graph_of_the_dataset_may_be_named_in_from(base, server, dataset):
    rows = run("SELECT ?o FROM <https://w3id.org/iokg/document/900> WHERE { ?s ?p ?o }", dataset=dataset)
    assert rows.rows == [(Literal(1),)]
    assert server.requests == []


@pytest.mark.parametrize("engine", list(Engine))
def test_allow_remote_lets_service_through(engine, base, server, dataset):
    """The control: with allow_remote the request is made, so the server sees what is sent."""
    run(f"SELECT * WHERE {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }}", dataset=dataset, engine=engine,
        allow_remote=True)
    assert server.requests, "with allow_remote the SERVICE request should reach the loopback server"
    assert all("/sparql" in request for request in server.requests), server.requests

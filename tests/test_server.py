"""``iokg serve`` over real HTTP on loopback, with SPARQLWrapper as the client: every result
format, every named query (as .rq text and through /queries/NAME) giving the rows
``iokg sparql`` and ``iokg query`` give, the SPARQL Protocol's dataset parameters, the
service description, and each refusal (malformed query, update, SERVICE, FROM outside the
dataset, oversized body and query, unacceptable format, the row cap). The timeout test
lives in tests/test_server_bounds.py."""

from __future__ import annotations

import csv
import io
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.dataset import union
from kg.paths import QUERIES_DIR
from kg.namespaces import SD
from kg.queries import Engine, bindings, named_queries, run, to_store
from kg.results import ResultFormat, format_results
from kg.server.named import example_values

QUERIES = named_queries()
JSON_RESULTS = "application/sparql-results+json"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def get(url: str, *, accept: str | None = None, data: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of a request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers={**({"Accept": accept} if accept else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def client(served, text: str, format: str = JSON) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(served.url + "sparql")
    wrapper.setQuery(text)
    wrapper.setReturnFormat(format)
    return wrapper


@pytest.fixture(scope="module")
def engine(loaded):
    """The server's default engine (embedded Oxigraph) over the graph loaded here: what
    ``iokg sparql`` and ``iokg query`` answer with on their default store."""
    store = to_store(loaded)
    return lambda text, **bound: run(text, store=store, engine=Engine.OXIGRAPH, bindings=bound or None)


def expected_json(rows) -> dict:
    return json.loads(format_results(rows, ResultFormat.JSON))


def parameter_cases(name: str, loaded) -> list[dict]:
    """The query ``name`` unbound (when it can be) and with every parameter bound to a value
    from the graph."""
    named = QUERIES[name]
    values = example_values(named, union(loaded))
    assert set(values) == {p.name for p in named.parameters}, f"{name}: no example value for a parameter"
    return ([{}] if not any(p.required for p in named.parameters) else []) + ([values] if values else [])


def test_queries_are_collected():
    assert len(QUERIES) > 0 and len(list(QUERIES_DIR.rglob("*.rq"))) >= len(QUERIES)


# Result formats --------------------------------------------------------------------------


def test_select_in_every_result_format(served, loaded):
    text = "PREFIX io: <https://w3id.org/iokg/ontology#> SELECT ?o ?label WHERE { ?o a io:InfluenceOperation ; " \
           "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?o ?label"
    rows = run(text, dataset=loaded)
    assert rows.rows, "the graph has operations"
    assert client(served, text, JSON).query().convert() == expected_json(rows)
    document = client(served, text, XML).query().convert()
    results = document.getElementsByTagName("result")
    assert [r.getElementsByTagName("uri")[0].firstChild.data for r in results] == [str(r[0]) for r in rows.rows]
    table = list(csv.reader(io.StringIO(client(served, text, CSV).query().convert().decode("utf-8"))))
    assert table == [["o", "label"]] + [[str(a), str(b)] for a, b in rows.rows]
    tsv = client(served, text, TSV).query().convert().decode("utf-8")
    assert tsv == format_results(rows, ResultFormat.TSV)


def test_ask_in_json_and_xml(served):
    assert client(served, "ASK { ?s ?p ?o }", JSON).query().convert() == {"head": {}, "boolean": True}
    document = client(served, "ASK { <urn:x:nothing> ?p ?o }", XML).query().convert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "false"


@pytest.mark.parametrize("format", [TURTLE, N3, RDFXML, JSONLD])
def test_construct_in_rdf_formats(served, loaded, format):
    text = ("PREFIX io: <https://w3id.org/iokg/ontology#> CONSTRUCT { ?o a io:InfluenceOperation ; io:sponsoredBy ?s } "
            "WHERE { ?o a io:InfluenceOperation OPTIONAL { ?o io:sponsoredBy ?s } }")
    expected = run(text, dataset=loaded).graph
    converted = client(served, text, format).query().convert()
    graph = converted if isinstance(converted, Graph) else Graph().parse(data=converted, format="turtle")
    assert len(graph) == len(expected) > 0
    assert set(graph) == set(expected)


@pytest.mark.parametrize("accept,parser", [("application/n-triples", "nt"), ("application/n-quads", "nquads"),
                                           ("application/trig", "trig")])
def test_construct_by_accept(served, loaded, accept, parser):
    text = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c FILTER(isIRI(?s)) }"
    status, headers, body = get(served.url + "sparql?" + urllib.parse.urlencode({"query": text}), accept=accept)
    assert status == 200 and headers["Content-Type"].startswith(accept)
    from rdflib import Dataset

    parsed = Dataset().parse(data=body.decode("utf-8"), format=parser)
    assert {(s, p, o) for s, p, o, _ in parsed.quads()} == set(run(text, dataset=loaded).graph)


def test_format_parameter_for_browsers(served):
    status, headers, body = get(served.url + "sparql?" + urllib.parse.urlencode({"query": COUNT_ALL, "format": "csv"}),
                                accept="text/html")
    assert status == 200 and headers["Content-Type"].startswith("text/csv") and body.startswith(b"n\r\n")


def test_unacceptable_format_is_406(served):
    status, _, body = get(served.url + "sparql?" + urllib.parse.urlencode({"query": COUNT_ALL}), accept="image/png")
    assert status == 406 and b"application/sparql-results+json" in body


# Named queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(QUERIES_DIR.rglob("*.rq")),
                         ids=lambda p: p.relative_to(QUERIES_DIR).as_posix())
def test_every_rq_file_is_a_query_for_sparqlwrapper(path):
    # SPARQLWrapper 2.0 removes only every other line of a block of comments and then takes
    # the first query or update keyword it finds anywhere, even inside a word ("removed"
    # reads as MOVE): a header must not let it read an update.
    wrapper = SPARQLWrapper("http://127.0.0.1:9/sparql")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # "not detected query type"
        wrapper.setQuery(path.read_text(encoding="utf-8"))
    assert wrapper.queryType in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") and not wrapper.isSparqlUpdateRequest(), \
        f"SPARQLWrapper reads {path.name} as {wrapper.queryType}"


def same_rows(document: dict) -> dict:
    """A SPARQL JSON document with each list cell ("a | b") in sorted order: whether a named
    query sorts its list cells is tests/test_queries.py's business; this test compares rows."""
    for binding in document.get("results", {}).get("bindings", []):
        for cell in binding.values():
            if cell["type"] == "literal" and " | " in cell["value"]:
                cell["value"] = " | ".join(sorted(cell["value"].split(" | ")))
    return document


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_rq_text_gives_the_cli_rows(served, engine, name):
    # POSTed as application/sparql-query (SPARQLWrapper's own reading of each file is the test above)
    status, _, body = get(served.url + "sparql", data=QUERIES[name].text.encode("utf-8"), accept=JSON_RESULTS,
                          headers={"Content-Type": "application/sparql-query"})
    assert status == 200, body
    assert same_rows(json.loads(body)) == same_rows(expected_json(engine(QUERIES[name].text)))


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_named_query_over_http_gives_the_cli_rows(served, loaded, engine, name):
    cases = parameter_cases(name, loaded)
    assert cases
    for params in cases:
        url = f"{served.url}queries/{name}?{urllib.parse.urlencode(params)}"
        status, headers, body = get(url, accept="application/sparql-results+json")
        assert status == 200, (name, params, body)
        assert "X-IOKG-Truncated" not in headers, f"{name}: over the test server's row cap"
        expected = engine(QUERIES[name].text, **bindings(QUERIES[name], params))
        assert same_rows(json.loads(body)) == same_rows(expected_json(expected)), (name, params)


def test_named_query_parameter_errors(served):
    required = next(q for q in QUERIES.values() if any(p.required for p in q.parameters))
    status, _, body = get(f"{served.url}queries/{required.name}")
    assert status == 400 and b"needs parameter" in body
    status, _, body = get(f"{served.url}queries/{required.name}?nonsense=1")
    assert status == 400 and b"has no parameter nonsense" in body
    status, _, body = get(f"{served.url}queries/no-such-query")
    assert status == 400 and b"unknown query" in body


def test_listing_and_openapi_cover_every_query(served):
    status, _, body = get(served.url + "queries", accept="application/json")
    listing = {item["name"]: item for item in json.loads(body)}
    assert status == 200 and set(listing) == set(QUERIES)
    for name, named in QUERIES.items():
        item = listing[name]
        assert (item["summary"], item["description"], item["tags"]) == (named.summary, named.description, list(named.tags))
        assert [p["name"] for p in item["parameters"]] == [p.name for p in named.parameters]
    status, _, body = get(served.url + "openapi.json")
    spec = json.loads(body)
    assert status == 200 and spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {f"/queries/{name}" for name in QUERIES}
    for name, named in QUERIES.items():
        operation = spec["paths"][f"/queries/{name}"]["get"]
        assert operation["summary"] == named.summary
        declared = {p["name"]: p["required"] for p in operation["parameters"] if p["name"] != "format"}
        assert declared == {p.name: p.required for p in named.parameters}


# The RDF dataset of a query ----------------------------------------------------------------


def count(served, text: str, **params) -> int:
    pairs = [("query", text)] + [(k, v) for k, values in params.items() for v in values]
    status, _, body = get(served.url + "sparql?" + urllib.parse.urlencode(pairs), accept="application/sparql-results+json")
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_default_graph_is_the_set_union(served, loaded):
    assert count(served, COUNT_ALL) == len(union(loaded))


def test_every_named_graph_is_addressable(served, loaded):
    for graph in loaded.graphs():
        if isinstance(graph.identifier, URIRef) and len(graph):
            text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.identifier}> {{ ?s ?p ?o }} }}"
            assert count(served, text) == len(graph), graph.identifier


def test_protocol_dataset_parameters(served, loaded):
    name = next(g.identifier for g in sorted(loaded.graphs(), key=lambda g: str(g.identifier))
                if str(g.identifier).startswith("https://w3id.org/iokg/document/"))
    size = len(loaded.graph(name))
    assert count(served, COUNT_ALL, **{"default-graph-uri": [str(name)]}) == size
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(served, named, **{"named-graph-uri": [str(name)]}) == size
    status, _, body = get(served.url + "sparql?" + urllib.parse.urlencode(
        {"query": COUNT_ALL, "default-graph-uri": "http://example.org/elsewhere"}))
    assert status == 400 and b"no graph <http://example.org/elsewhere>" in body


def test_from_a_graph_of_the_dataset(served, loaded):
    name = next(g.identifier for g in sorted(loaded.graphs(), key=lambda g: str(g.identifier))
                if str(g.identifier).startswith("https://w3id.org/iokg/document/"))
    assert count(served, f"SELECT (COUNT(*) AS ?n) FROM <{name}> WHERE {{ ?s ?p ?o }}") == len(loaded.graph(name))


def test_service_description_lists_every_graph(served, loaded):
    status, headers, body = get(served.url + "sparql", accept="text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=body.decode("utf-8"), format="turtle")
    service = next(graph.subjects(RDF.type, SD.Service))
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    names = set(graph.objects(None, SD.name))
    assert names == {g.identifier for g in loaded.graphs() if isinstance(g.identifier, URIRef) and len(g)}


def test_void(served):
    status, _, body = get(served.url + ".well-known/void", accept="text/turtle")
    graph = Graph().parse(data=body.decode("utf-8"), format="turtle")
    assert status == 200 and (None, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")) in graph


def test_cors(served):
    status, headers, _ = get(served.url + "sparql?" + urllib.parse.urlencode({"query": "ASK {}"}),
                             headers={"Origin": "http://example.org"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    request = urllib.request.Request(served.url + "sparql", method="OPTIONS", headers={
        "Origin": "http://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200 and "POST" in response.headers["Access-Control-Allow-Methods"]


# Refusals ---------------------------------------------------------------------------------


def test_malformed_query_is_400_with_position(served):
    with pytest.raises(QueryBadFormed) as caught:
        client(served, "SELECT ?s WHERE { ?s ?p }").query()
    assert "line 1, column" in str(caught.value)


def test_update_is_refused(served, loaded):
    wrapper = SPARQLWrapper(served.url + "sparql")
    wrapper.setMethod(POST)
    wrapper.setQuery("INSERT DATA { GRAPH <https://w3id.org/iokg/document/x> { <urn:a> <urn:b> <urn:c> } }")
    assert wrapper.isSparqlUpdateRequest()
    with pytest.raises(urllib.error.HTTPError) as caught:  # SPARQLWrapper passes a 403 on as urllib's error
        wrapper.query()
    assert caught.value.code == 403 and b"read-only" in caught.value.read()
    assert count(served, COUNT_ALL) == len(union(loaded))


class _Recorder(BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


def test_service_never_reaches_out(served):
    recorder = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=recorder.serve_forever, daemon=True)
    thread.start()
    try:
        target = f"http://127.0.0.1:{recorder.server_address[1]}/sparql"
        for text in (f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
                     f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
                     f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}",
                     f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"):
            status, _, body = get(served.url + "sparql?" + urllib.parse.urlencode({"query": text}))
            assert status == 400 and b"refused" in body, (text, body)
        status, _, _ = get(served.url + "sparql", data=urllib.parse.urlencode({"update": f"LOAD <{target}>"}).encode())
        assert status == 403
    finally:
        recorder.shutdown()
    assert _Recorder.hits == []


def test_oversized_body_and_query_are_413(served):
    # The body is announced, not sent: the server answers 413 from Content-Length alone, and a
    # client still sending 1.1 MB when the server closes would see a broken pipe (a race).
    import http.client

    parts = urllib.parse.urlsplit(served.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        connection.putrequest("POST", parts.path.rstrip("/") + "/sparql")
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Length", str(1_100_000))
        connection.endheaders()
        response = connection.getresponse()
        status, text = response.status, response.read()
    finally:
        connection.close()
    assert status == 413 and b"--max-body" in text
    long = "ASK {} #" + "x" * 100_000
    status, _, text = get(served.url + "sparql", data=urllib.parse.urlencode({"query": long}).encode())
    assert status == 413 and b"--max-query" in text


def test_rows_are_capped_and_say_so(served, loaded):
    assert len(union(loaded)) > 2000, "the graph holds more triples than the test server's cap"
    status, headers, body = get(served.url + "sparql?" + urllib.parse.urlencode(
        {"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"}), accept="application/sparql-results+json")
    assert status == 200
    assert headers["X-IOKG-Truncated"] == "true" and headers["X-IOKG-Max-Rows"] == "2000"
    assert len(json.loads(body)["results"]["bindings"]) == 2000

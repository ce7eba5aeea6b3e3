"""A remote SPARQL 1.1 store: queries through the SPARQL 1.1 Protocol (POST), named graphs
read and written through the SPARQL 1.1 Graph Store HTTP Protocol.

The store is named by its query endpoint (``http://host:7878/query`` for an Oxigraph server,
``http://host:3030/ds/sparql`` for Fuseki); the update and graph store endpoints are derived
from it (``…/update`` and ``…/store`` or ``…/data``) or given by ``IOKG_ENDPOINT_UPDATE_URL``
and ``IOKG_ENDPOINT_STORE_URL``. Credentials come from the environment only
(``IOKG_ENDPOINT_TOKEN`` as a bearer token, or ``IOKG_ENDPOINT_USER`` with
``IOKG_ENDPOINT_PASSWORD``) and are never printed: messages name the endpoint, not the
request headers.

The default graph of queries is the set union of the named graphs: ``load`` writes that
merge into the server's default graph, unless the server already serves the union of its
graphs as its default graph (Oxigraph's ``--union-default-graph``), in which case a triple
stated in two graphs is seen once per graph there (iokg's named queries do not depend on it).
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator

from rdflib import BNode, Literal, URIRef

from kg.errors import IokgError, UsageError
from kg.store.base import Changes, Quad, Rows, Store
from kg.store.sparql import precise_error, syntax_error, with_values
from kg.terms import to_oxigraph

#: Seconds to wait for the endpoint when the caller gives no timeout.
DEFAULT_TIMEOUT = 60.0
_RESULTS = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"


class EndpointError(IokgError):
    """The remote endpoint refused a request or could not be reached."""


def _endpoints(url: str) -> tuple[str, str, str]:
    """The query, update and graph store URLs of the endpoint named by ``url``."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"not an http(s) SPARQL endpoint: {url!r}")
    path = parts.path.rstrip("/")
    base, _, last = path.rpartition("/")
    if last == "query":
        update, store = f"{base}/update", f"{base}/store"
    elif last == "sparql":
        update, store = f"{base}/update", f"{base}/data"
    elif not path:
        path, update, store = "/query", "/update", "/store"
    else:
        update, store = f"{path}/update", f"{path}/data"

    def at(p: str) -> str:
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, p, "", ""))

    return (
        at(path) + (f"?{parts.query}" if parts.query else ""),
        os.environ.get("IOKG_ENDPOINT_UPDATE_URL") or at(update),
        os.environ.get("IOKG_ENDPOINT_STORE_URL") or at(store),
    )


def _authorization() -> str | None:
    token = os.environ.get("IOKG_ENDPOINT_TOKEN")
    if token:
        return f"Bearer {token}"
    user = os.environ.get("IOKG_ENDPOINT_USER")
    if user:
        secret = f"{user}:{os.environ.get('IOKG_ENDPOINT_PASSWORD', '')}".encode()
        return "Basic " + base64.b64encode(secret).decode("ascii")
    return None


def _term(binding: dict):
    """An rdflib term from a SPARQL 1.1 JSON results binding."""
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    if datatype in (None, "http://www.w3.org/2001/XMLSchema#string"):
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype))


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint with the Graph Store Protocol (Oxigraph server, Fuseki, …)."""

    kind = "remote"
    engine = "the endpoint"

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = url
        self.query_url, self.update_url, self.store_url = _endpoints(url)
        self.timeout = timeout
        self._union: bool | None = None

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    # HTTP -------------------------------------------------------------------------------

    def _request(self, method: str, url: str, *, data: bytes | None = None, content_type: str | None = None,
                 accept: str | None = None, timeout: float | None = None, missing_ok: bool = False) -> tuple[str, bytes]:
        request = urllib.request.Request(url, data=data, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        if accept:
            request.add_header("Accept", accept)
        authorization = _authorization()
        if authorization:
            request.add_header("Authorization", authorization)
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as error:
            if missing_ok and error.code == 404:
                return "", b""
            body = error.read().decode("utf-8", "replace").strip().splitlines()
            raise _HTTPFailure(error.code, body[0][:300] if body else error.reason) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise EndpointError(f"{self.url}: cannot reach the endpoint: {reason}") from None

    def _post_query(self, text: str, *, timeout: float | None = None) -> tuple[str, bytes]:
        try:
            return self._request("POST", self.query_url, data=text.encode("utf-8"),
                                 content_type="application/sparql-query; charset=utf-8",
                                 accept=f"{_RESULTS}, {_NTRIPLES};q=0.9", timeout=timeout)
        except _HTTPFailure as failure:
            if failure.code == 400:
                local = precise_error(text)
                if local is not None:
                    raise syntax_error(local, text) from None
            raise EndpointError(f"{self.url}: query refused (HTTP {failure.code}): {failure.message}") from None

    def _post_update(self, text: str) -> None:
        try:
            self._request("POST", self.update_url, data=text.encode("utf-8"),
                          content_type="application/sparql-update; charset=utf-8")
        except _HTTPFailure as failure:
            raise EndpointError(f"{self.update_url}: update refused (HTTP {failure.code}): {failure.message}") from None

    def _graph_url(self, graph: URIRef | None) -> str:
        query = "default" if graph is None else "graph=" + urllib.parse.quote(str(graph), safe="")
        return f"{self.store_url}?{query}"

    def put_graph(self, graph: URIRef | None, data: bytes, *, content_type: str = _NTRIPLES) -> None:
        """Replace the named graph ``graph`` (``None``: the default graph) with ``data``."""
        try:
            self._request("PUT", self._graph_url(graph), data=data, content_type=content_type)
        except _HTTPFailure as failure:
            raise EndpointError(f"{self.store_url}: PUT of {graph or 'the default graph'} refused "
                                f"(HTTP {failure.code}): {failure.message}") from None

    def get_graph(self, graph: URIRef | None) -> bytes:
        """The named graph ``graph`` (``None``: the default graph) as N-Triples (empty if absent)."""
        try:
            return self._request("GET", self._graph_url(graph), accept=_NTRIPLES, missing_ok=True)[1]
        except _HTTPFailure as failure:
            raise EndpointError(f"{self.store_url}: GET of {graph or 'the default graph'} refused "
                                f"(HTTP {failure.code}): {failure.message}") from None

    def delete_graph(self, graph: URIRef | None) -> None:
        """Delete the named graph ``graph`` (``None``: empty the default graph); absent is fine."""
        try:
            self._request("DELETE", self._graph_url(graph), missing_ok=True)
        except _HTTPFailure as failure:
            raise EndpointError(f"{self.store_url}: DELETE of {graph or 'the default graph'} refused "
                                f"(HTTP {failure.code}): {failure.message}") from None

    # Store ------------------------------------------------------------------------------

    def load(self, sources) -> None:
        """Parse the files locally with Oxigraph and PUT each named graph (and, unless the
        server serves the union itself, their merge as the default graph)."""
        from kg.store.oxigraph import OxigraphStore

        local = OxigraphStore()
        local.load(sources)
        self.push(local)

    def push(self, local: Store) -> None:
        """Replace the endpoint's copy of each named graph of ``local`` (and the merged default
        graph) with ``local``'s."""
        for graph in local.graphs():
            self.put_graph(graph, local.dump("nt", graphs=[graph]))
        self.delete_graph(None)
        self._union = self._query("ASK { ?s ?p ?o }", {}).boolean and not self.get_graph(None).strip()
        if not self._union:
            self.merge_default()

    def derive(self) -> None:
        """Add the derived graphs (PROV-O provenance) that ``kg.load`` adds."""
        from kg.dataset import PROVENANCE_UPDATE

        self._post_update(PROVENANCE_UPDATE)
        if not self._union_default():
            self.merge_default()

    def merge_default(self) -> None:
        """Make the server's default graph the merge of its named graphs."""
        from kg.store.oxigraph import MERGE_DEFAULT

        self._post_update(f"DROP SILENT DEFAULT ; {MERGE_DEFAULT}")

    def _union_default(self) -> bool:
        if self._union is None:
            self._union = bool(self._query("ASK { ?s ?p ?o }", {}).boolean) and not self.get_graph(None).strip()
        return self._union

    def graphs(self) -> list[URIRef]:
        rows = self._query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", {})
        return sorted(row[0] for row in rows.rows if isinstance(row[0], URIRef))

    def quads(self, s=None, p=None, o=None, g=None) -> Iterator[Quad]:
        from rdflib import Variable

        text = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        bound = {Variable(n): t for n, t in zip("spog", (s, p, o, g)) if t is not None}
        for row in self._query(text, bound).rows:
            yield tuple(bound.get(Variable(n), term) for n, term in zip("spog", row))

    def labels(self, iris: Iterable[URIRef], *, language: str = "en") -> dict[URIRef, str]:
        iris = sorted({URIRef(i) for i in iris})
        if not iris:
            return {}
        values = " ".join(f"<{i}>" for i in iris)
        text = f"""SELECT ?iri ?rank ?label WHERE {{
          VALUES ?iri {{ {values} }}
          VALUES (?property ?rank) {{ (<http://www.w3.org/2000/01/rdf-schema#label> 0)
                                      (<http://www.w3.org/2004/02/skos/core#prefLabel> 1) }}
          ?iri ?property ?label FILTER(LANG(?label) = "{language}")
        }}"""
        best: dict[URIRef, tuple] = {}
        for iri, rank, label in self._query(text, {}).rows:
            key = (int(rank), str(label))
            if iri not in best or key < best[iri]:
                best[iri] = key
        return {iri: key[1] for iri, key in best.items()}

    def _query(self, text: str, bindings: dict, *, allow_remote: bool = False) -> Rows:
        text = with_values(text, {str(k): to_oxigraph(v) for k, v in bindings.items()})
        content_type, body = self._post_query(text)
        if content_type.startswith(_RESULTS) or content_type.startswith("application/json"):
            document = json.loads(body)
            if "boolean" in document:
                return Rows([], [], boolean=bool(document["boolean"]))
            variables = list(document["head"].get("vars", []))
            rows = [
                tuple(_term(binding[v]) if v in binding else None for v in variables)
                for binding in document["results"]["bindings"]
            ]
            return Rows(variables, rows)
        from rdflib import Graph

        graph = Graph()
        graph.parse(data=body.decode("utf-8"), format="nt")
        return Rows([], [], graph=graph)

    def _apply(self, changes: Changes) -> None:
        for graph, triples in changes.replaced.items():
            self.put_graph(graph, "".join(" ".join(to_oxigraph(t).__str__() for t in triple) + " .\n"
                                          for triple in triples).encode("utf-8"))
        operations = []
        if changes.removed:
            operations.append("DELETE DATA { " + " ".join(
                f"GRAPH {to_oxigraph(g)} {{ {to_oxigraph(s)} {to_oxigraph(p)} {to_oxigraph(o)} }}" for s, p, o, g in changes.removed) + " }")
        if changes.added:
            operations.append("INSERT DATA { " + " ".join(
                f"GRAPH {to_oxigraph(g)} {{ {to_oxigraph(s)} {to_oxigraph(p)} {to_oxigraph(o)} }}" for s, p, o, g in changes.added) + " }")
        if operations:
            self._post_update(" ;\n".join(operations))
        if (operations or changes.replaced) and not self._union_default():
            self.merge_default()

    def dump(self, format, *, graphs: Iterable[URIRef] | None = None) -> bytes:
        return self._local(graphs).dump(format)

    def dataset(self):
        return self._local(None).dataset()

    def _local(self, graphs: Iterable[URIRef] | None):
        """A local Oxigraph copy of the named graphs (all, or ``graphs``), read by GSP GET."""
        import pyoxigraph

        from kg.store.oxigraph import OxigraphStore

        local = pyoxigraph.Store()
        for graph in (graphs if graphs is not None else self.graphs()):
            local.load(self.get_graph(URIRef(graph)), format=pyoxigraph.RdfFormat.N_TRIPLES,
                       to_graph=pyoxigraph.NamedNode(str(graph)))
        store = OxigraphStore(store=local)
        store.changed()
        return store


class _HTTPFailure(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"HTTP {code}: {message}")
        self.code = code
        self.message = message

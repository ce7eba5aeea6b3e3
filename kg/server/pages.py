"""The pages and documents of the server besides the SPARQL answers: the query page, Linked
Data descriptions, the ontology, the shapes, VoID, the service description, labels for the
page's result table, the static assets and the pictures."""

from __future__ import annotations

import json
from urllib.parse import unquote

from rdflib import Graph, URIRef
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kg import paths
from kg.errors import UsageError
from kg.exports import ExportFormat
from kg.namespaces import ONTOLOGY, PREFIXES, SHAPE
from kg.server.engine import Answer, Backend, write_graphs
from kg.server.formats import GRAPH_FORMATS, HTML, negotiate
from kg.server.html import escape, label, page
from kg.server.linked_data import resource as resource_answer
from kg.server.responses import respond

STATIC = paths.PACKAGE / "server" / "static"
_STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml"}
#: Media types of the documentation's downloads, by file extension.
_DOWNLOAD_TYPES = {f".{f.extension}": f.media_type for f in ExportFormat} | {".json": "application/json"}
#: IRIs a page may ask labels for at once.
MAX_LABELS = 5000
#: The offers of a Linked Data page: HTML for browsers first, then the RDF formats.
PAGE_FORMATS = (HTML,) + GRAPH_FORMATS


def _choice(request: Request, offered=PAGE_FORMATS):
    return negotiate(offered, accept=request.headers.get("accept"), format=request.query_params.get("format"))


async def index(request: Request) -> Response:
    """The query page: editor, named queries, results, pictures."""
    server = request.app.state.server
    text = (STATIC / "index.html").read_text(encoding="utf-8")
    prefixes = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
    settings = {"base": server.settings.own_base, "publicBase": server.settings.public_base,
                "prefixes": {k: str(v) for k, v in PREFIXES.items()}, "maxRows": server.settings.max_rows}
    text = text.replace("{{PREFIXES}}", escape(prefixes)).replace(
        "{{SETTINGS}}", escape(json.dumps(settings, ensure_ascii=False))).replace("{{BASE}}", server.settings.own_base)
    return Response(text, media_type="text/html; charset=utf-8")


async def static(request: Request) -> Response:
    """A file of ``kg/server/static`` (by name only: no path leaves the folder)."""
    name = request.path_params["file"]
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file() or path.suffix not in _STATIC_TYPES:
        return Response("not found\n", status_code=404, media_type="text/plain")
    return Response(path.read_bytes(), media_type=_STATIC_TYPES[path.suffix],
                    headers={"Cache-Control": "max-age=300"})


def _render(backend: Backend, graphs: dict, format: ExportFormat) -> Answer:
    return Answer(write_graphs(graphs, format), format.media_type, count=sum(len(g) for g in graphs.values()))


def _service_answer(backend: Backend, *, endpoint: str, update: bool, format: ExportFormat | None,
                    own_base: str) -> Answer:
    from kg.server.description import service_description
    from kg.description import DATASET

    graph = service_description(endpoint=endpoint, graphs=backend.graph_names, dataset=DATASET, update=update)
    if format is None:
        turtle = write_graphs({URIRef(endpoint): graph}, ExportFormat.TURTLE).decode("utf-8")
        body = (f"<h1>SPARQL 1.1 endpoint</h1><p>Send queries to <code>{escape(endpoint)}</code> "
                f"(GET <code>?query=</code> or POST), or use the <a href=\"./\">query page</a>.</p>"
                f"<h2>Service description</h2><pre>{escape(turtle)}</pre>")
        return Answer(page("SPARQL endpoint", body, own_base=own_base).encode("utf-8"), "text/html; charset=utf-8",
                      count=len(graph))
    return _render(backend, {URIRef(endpoint): graph}, format)


async def service(request: Request, server, operation) -> Response:
    """GET /sparql without a query: the SPARQL 1.1 Service Description."""
    choice = negotiate(GRAPH_FORMATS + (HTML,), accept=request.headers.get("accept"), format=operation.format)
    endpoint = server.settings.own_base + "sparql"
    answer = await server.cached(("sd", choice.name), _service_answer, endpoint=endpoint,
                                 update=server.settings.allow_update, format=choice.rdf,
                                 own_base=server.settings.own_base)
    return respond(answer, server.settings)


def _void_answer(backend: Backend, *, format: ExportFormat | None, own_base: str) -> Answer:
    from kg.description import describe
    from kg.exports import VOID_GRAPH

    graphs = {VOID_GRAPH: describe(backend.dataset)}
    if format is None:
        turtle = write_graphs(graphs, ExportFormat.TURTLE).decode("utf-8")
        html = page("Dataset description (VoID)", f"<h1>Dataset description (VoID, DCAT)</h1><pre>{escape(turtle)}</pre>",
                    own_base=own_base)
        return Answer(html.encode("utf-8"), "text/html; charset=utf-8", count=1)
    return _render(backend, graphs, format)


async def void(request: Request) -> Response:
    """The VoID/DCAT description of the dataset (Turtle unless asked otherwise)."""
    server = request.app.state.server
    choice = _choice(request, GRAPH_FORMATS + (HTML,))
    answer = await server.cached(("void", choice.name), _void_answer, format=choice.rdf,
                                 own_base=server.settings.own_base)
    return respond(answer, server.settings)


def _rdf_answer(backend: Backend, *, format: ExportFormat, shapes: bool) -> Answer:
    from kg.docs import load_ontology, load_shapes

    if shapes:
        return _render(backend, {URIRef(str(SHAPE).rstrip("#")): load_shapes()}, format)
    return _render(backend, {URIRef(ONTOLOGY): load_ontology()}, format)


def _build_docs(backend: Backend, *, folder: str) -> Answer:
    from kg.docs import build

    written = build(folder, dataset=backend.dataset)
    return Answer(b"", "text/plain", count=len(written))


async def _documented(request: Request, *, shapes: bool) -> Response:
    """The ontology or the shapes: in an RDF format, or (for browsers) 303 See Other to its
    page in the documentation (the IRIs of the terms are hash IRIs under it)."""
    from starlette.responses import RedirectResponse

    server = request.app.state.server
    choice = _choice(request)
    if choice.rdf is None:
        return RedirectResponse(f"{server.settings.own_base}docs/{'shapes' if shapes else 'ontology'}.html",
                                status_code=303)
    answer = await server.cached(("shapes" if shapes else "ontology", choice.name), _rdf_answer, format=choice.rdf,
                                 shapes=shapes)
    return respond(answer, server.settings)


async def ontology(request: Request) -> Response:
    """The ontology: in an RDF format, or its page (pyLODE's) for browsers."""
    return await _documented(request, shapes=False)


async def shapes(request: Request) -> Response:
    """The SHACL shapes: in an RDF format, or their page for browsers."""
    return await _documented(request, shapes=True)


async def docs(request: Request) -> Response:
    """The documentation site of ``iokg docs`` (ontology, shapes, class diagram, downloads),
    made once, on first request, in a bounded child."""
    server = request.app.state.server
    folder = await server.docs_folder(_build_docs)
    path = (folder / (request.path_params["path"] or "index.html")).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        return Response("not found\n", status_code=404, media_type="text/plain")
    media = _STATIC_TYPES.get(path.suffix) or _DOWNLOAD_TYPES.get(path.suffix, "application/octet-stream")
    return Response(path.read_bytes(), media_type=media)


async def labels(request: Request) -> Response:
    """POST a JSON list of IRIs; the English label of each the graph labels."""
    from kg.server.protocol import read_body

    server = request.app.state.server
    body = await read_body(request, limit=server.settings.max_body)
    try:
        iris = json.loads(body or b"[]")
    except ValueError as error:
        raise UsageError(f"labels: the body is not JSON: {error}") from None
    if not isinstance(iris, list) or len(iris) > MAX_LABELS or not all(isinstance(i, str) for i in iris):
        raise UsageError(f"labels: the body must be a JSON list of at most {MAX_LABELS} IRIs")
    union = server.backend.union
    found = {}
    for iri in iris:
        text = label(union, URIRef(iri))
        if not text.startswith("<"):
            found[iri] = text
    return JSONResponse(found)


def _picture(backend: Backend, *, name: str) -> Answer:
    from kg import pictures

    svg = pictures.timeline_svg(backend.dataset) if name == "timeline" else pictures.network_svg(backend.dataset)
    return Answer(svg.encode("utf-8"), "image/svg+xml", count=1)


async def picture(request: Request) -> Response:
    """The timeline or network picture (SVG, made from the graph by :mod:`kg.pictures`)."""
    server = request.app.state.server
    name = request.path_params["name"].removesuffix(".svg")
    if name not in ("timeline", "network"):
        return Response("no such picture; there are timeline.svg and network.svg\n", status_code=404,
                        media_type="text/plain")
    try:
        import kg.pictures  # noqa: F401
    except ImportError:
        return Response("pictures are not part of this build (kg.pictures is missing)\n", status_code=404,
                        media_type="text/plain")
    return respond(await server.cached(("picture", name), _picture, name=name), server.settings)


async def resource(request: Request) -> Response:
    """Linked Data: the IRI under the public base that the path names, with content negotiation."""
    server = request.app.state.server
    path = unquote(request.path_params["path"])
    iri = URIRef(server.settings.public_base + path)
    choice = _choice(request)
    answer = await server.run(resource_answer, iri, format=choice.rdf, local=server.settings.local,
                              own_base=server.settings.own_base)
    if answer is None:
        return Response(f"nothing is known about <{iri}>\n", status_code=404, media_type="text/plain")
    return respond(answer, server.settings)


def queries_page(items: list[dict], settings) -> str:
    """The HTML list of the named queries."""
    rows = []
    for item in items:
        params = ", ".join(f"{p['name']} ({p['type']}{'' if p['required'] else ', optional'})" for p in item["parameters"])
        rows.append(f"<tr><td><a href=\"{escape(settings.own_base)}#query={escape(item['name'])}\">{escape(item['name'])}</a>"
                    f"</td><td>{escape(item['summary'])}</td><td>{escape(params) or '–'}</td>"
                    f"<td>{escape(', '.join(item['tags']))}</td></tr>")
    body = ("<h1>Named queries</h1><p>Run one at <code>/queries/NAME?param=value</code>; "
            f"<a href=\"{escape(settings.own_base)}openapi.json\">OpenAPI 3 description</a>.</p>"
            "<table><thead><tr><th>name</th><th>summary</th><th>parameters</th><th>tags</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
    return page("Named queries", body, own_base=settings.own_base)

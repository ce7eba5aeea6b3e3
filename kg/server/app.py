"""The web application of ``iokg serve`` (Starlette): routes, status codes and headers.
Each route is a thin layer over a library verb; all work on the graph runs in a bounded
child process (see :mod:`kg.server.engine`)."""

from __future__ import annotations

import asyncio
import hmac
import tempfile
from functools import partial
from pathlib import Path

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from kg.errors import IokgError, LimitError, PolicyError, UsageError
from kg.queries import bindings, get_query
from kg.server import pages
from kg.server.engine import Answer, Backend, execute
from kg.server.formats import GRAPH_FORMATS, HTML, RESULT_FORMATS, Kind, NotAcceptable, negotiate
from kg.server.named import NAMED_FORMATS, listing, openapi
from kg.server.protocol import Busy, Gate, TooLarge, read_operation
from kg.server.responses import problem, respond
from kg.server.settings import Settings
from kg.server.sparql import Form, form_of

#: Seconds the server may spend making one of its own documents (pyLODE's ontology page).
DOCUMENT_TIMEOUT = 300.0
#: Query texts remembered as passing the network policy.
MAX_SAFE = 4096
#: Headers a browser script may read from a cross-origin answer.
EXPOSED = ["X-IOKG-Truncated", "X-IOKG-Max-Rows", "X-IOKG-Rows", "Retry-After"]


class Server:
    """The state of one running server: settings, the loaded graph, the query gate."""

    def __init__(self, settings: Settings, backend: Backend) -> None:
        self.settings = settings
        self.backend = backend
        self.gate = Gate(running=settings.max_concurrent, waiting=settings.max_queued, patience=settings.timeout)
        self.cache: dict[tuple, Answer] = {}
        #: query texts that passed the network policy on this graph (cleared by updates)
        self.safe: set[str] = set()
        self._docs: tempfile.TemporaryDirectory | None = None
        self._docs_lock = asyncio.Lock()

    async def docs_folder(self, build) -> Path:
        """The folder of the documentation site, built by ``build(backend, folder=…)`` once."""
        async with self._docs_lock:
            if self._docs is None:
                folder = tempfile.TemporaryDirectory(prefix="iokg-docs-")
                async with self.gate:
                    call = partial(self.backend.bounded, build, folder=folder.name, timeout=DOCUMENT_TIMEOUT)
                    await anyio.to_thread.run_sync(call)
                self._docs = folder
        return Path(self._docs.name).resolve()

    async def query(self, text: str, **kwargs) -> Answer:
        """Run query ``text`` with :func:`execute`, checking the network policy once per text."""
        answer = await self.run(execute, text, guarded=text in self.safe, **kwargs)
        if len(self.safe) >= MAX_SAFE:
            self.safe.clear()
        self.safe.add(text)
        return answer

    async def run(self, function, *args, **kwargs) -> Answer:
        """``function(backend, *args, **kwargs)`` in a bounded child, through the gate."""
        async with self.gate:
            call = partial(self.backend.bounded, function, *args, timeout=self.settings.timeout,
                           memory=self.settings.max_memory, **kwargs)
            return await anyio.to_thread.run_sync(call)

    async def cached(self, key: tuple, function, *args, **kwargs) -> Answer:
        """A response that depends on the graph only (ontology page, VoID), made once, in a
        child bounded by :data:`DOCUMENT_TIMEOUT` (iokg's own work, not a client's query)."""
        if key not in self.cache:
            async with self.gate:
                call = partial(self.backend.bounded, function, *args, timeout=DOCUMENT_TIMEOUT, **kwargs)
                self.cache[key] = await anyio.to_thread.run_sync(call)
        return self.cache[key]


async def sparql(request: Request) -> Response:
    """SPARQL 1.1 Protocol: query (and, when allowed, update) operations; the service
    description when there is neither."""
    server: Server = request.app.state.server
    operation = await read_operation(request, max_body=server.settings.max_body, max_query=server.settings.max_query)
    if operation.update is not None:
        return await update(request, server, operation.update)
    if operation.query is None:
        return await pages.service(request, server, operation)
    form = form_of(operation.query)
    if form is Form.UPDATE:
        return await update(request, server, operation.query)
    offered = GRAPH_FORMATS if form.graph else RESULT_FORMATS
    choice = negotiate(offered, accept=request.headers.get("accept"), format=operation.format)
    answer = await server.query(operation.query, choice=choice, max_rows=server.settings.max_rows,
                              default_graphs=operation.default_graphs, named_graphs=operation.named_graphs)
    return respond(answer, server.settings)


async def update(request: Request, server: Server, text: str) -> Response:
    """SPARQL Update: refused unless the server runs with ``--allow-update`` and the request
    carries the bearer token of the environment; then validated like ``iokg add``."""
    from kg.server.updates import apply_update

    settings = server.settings
    token = settings.update_token()
    if not settings.allow_update or token is None:
        return problem(403, "SPARQL Update is not accepted: this server is read-only "
                            "(start it with --allow-update and the token in IOKG_UPDATE_TOKEN)")
    given = request.headers.get("authorization", "")
    if not (given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip().encode(), token.encode())):
        return problem(401, "SPARQL Update needs the bearer token (Authorization: Bearer …)",
                       **{"WWW-Authenticate": 'Bearer realm="iokg"'})
    result = await anyio.to_thread.run_sync(partial(apply_update, server.backend, text, timeout=settings.timeout))
    server.cache.clear()
    server.safe.clear()
    return PlainTextResponse(result.message + "\n", status_code=result.status)


async def named_list(request: Request) -> Response:
    """The named queries (JSON; an HTML page for browsers)."""
    server: Server = request.app.state.server
    choice = negotiate((HTML, RESULT_FORMATS[0]), accept=request.headers.get("accept"),
                       format=request.query_params.get("format"))
    items = listing(own_base=server.settings.own_base)
    if choice is HTML:
        return Response(pages.queries_page(items, server.settings), media_type="text/html; charset=utf-8")
    return JSONResponse(items)


async def named_run(request: Request) -> Response:
    """One named query, its parameters from the URL, bound as RDF terms as ``iokg query`` does."""
    server: Server = request.app.state.server
    name = request.path_params["name"]
    if name.endswith(".rq"):
        return PlainTextResponse(get_query(name[:-3]).text, media_type="application/sparql-query")
    query = get_query(name)
    params = {k: v for k, v in request.query_params.items() if k != "format"}
    bound = bindings(query, params)
    form = form_of(query.text)
    offered = tuple(c for c in NAMED_FORMATS if (c.kind is Kind.GRAPH) == form.graph)
    choice = negotiate(offered, accept=request.headers.get("accept"), format=request.query_params.get("format"))
    answer = await server.query(query.text, choice=choice, max_rows=server.settings.max_rows, bindings=bound)
    return respond(answer, server.settings)


async def openapi_json(request: Request) -> Response:
    """OpenAPI 3 of the named queries, from their headers."""
    from kg import __version__

    server: Server = request.app.state.server
    return JSONResponse(openapi(own_base=server.settings.own_base, version=__version__, graph=server.backend.union))


async def context_jsonld(request: Request) -> Response:
    """The JSON-LD context the package ships."""
    from kg.exports import context

    return JSONResponse(context(), media_type="application/ld+json")


def _errors() -> dict:
    async def usage(request: Request, error: Exception) -> Response:
        return problem(400, str(error))

    async def too_large(request: Request, error: Exception) -> Response:
        return problem(413, str(error))

    async def busy(request: Request, error: Exception) -> Response:
        return problem(503, str(error), **{"Retry-After": "5"})

    async def limit(request: Request, error: Exception) -> Response:
        # The bounds are the server's options, not the command line's --limit.
        message = str(error).replace("--limit memory=N", "the server's --max-memory BYTES")
        return problem(503, f"query stopped: {message}", **{"Retry-After": "5"})

    async def not_acceptable(request: Request, error: Exception) -> Response:
        return problem(406, str(error))

    async def other(request: Request, error: Exception) -> Response:
        if isinstance(error, IokgError):
            return problem(400, str(error))
        return problem(500, f"internal error: {type(error).__name__}: {error}")

    return {UsageError: usage, PolicyError: usage, TooLarge: too_large, Busy: busy, LimitError: limit,
            NotAcceptable: not_acceptable, IokgError: other, Exception: other}


def create_app(settings: Settings, *, backend: Backend | None = None) -> Starlette:
    """The ASGI application for ``settings`` (loading the graph unless ``backend`` is given)."""
    backend = backend or Backend(data_dir=settings.data_dir, store=settings.store)
    routes = [
        Route("/", pages.index),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/queries", named_list),
        Route("/queries/{name}", named_run),
        Route("/openapi.json", openapi_json),
        Route("/context.jsonld", context_jsonld),
        Route("/.well-known/void", pages.void),
        Route("/ontology", pages.ontology),
        Route("/shapes", pages.shapes),
        Route("/docs/{path:path}", pages.docs),
        Route("/labels", pages.labels, methods=["POST"]),
        Route("/static/{file}", pages.static),
        Route("/pictures/{name}", pages.picture),
        Route("/{path:path}", pages.resource),
    ]
    middleware = [Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                             allow_headers=["Accept", "Content-Type", "Authorization"], expose_headers=EXPOSED,
                             max_age=600)]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=_errors())
    app.state.server = Server(settings, backend)
    return app


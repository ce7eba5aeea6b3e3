"""The SPARQL 1.1 Protocol (W3C Recommendation, 21 March 2013) over Starlette requests:
reading a query or update from GET, form POST or direct POST (section 2.1), the RDF dataset
parameters (``default-graph-uri``, ``named-graph-uri``), bounds on body and query size,
and the gate that bounds how many queries run and wait at once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from starlette.requests import Request

from kg.errors import UsageError


class TooLarge(Exception):
    """A request body or query text over its bound (HTTP 413)."""


class Busy(Exception):
    """Too many queries running and waiting (HTTP 503)."""


@dataclass
class Operation:
    """What a request asks: a query or an update, with its RDF dataset."""

    query: str | None = None
    update: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    #: the ``format`` parameter (a browser's fallback for ``Accept``)
    format: str | None = None
    params: dict[str, str] = field(default_factory=dict)


async def read_body(request: Request, *, limit: int) -> bytes:
    """The request body, refused with :class:`TooLarge` past ``limit`` bytes (before reading
    it when ``Content-Length`` says so)."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise TooLarge(f"request body of {length} bytes is over the bound of {limit} bytes (--max-body)")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"request body is over the bound of {limit} bytes (--max-body)")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"the request body is not UTF-8 (byte {error.start})") from None


async def read_operation(request: Request, *, max_body: int, max_query: int) -> Operation:
    """The query or update of ``request`` (SPARQL 1.1 Protocol sections 2.1 and 2.2)."""
    pairs = list(parse_qsl(request.url.query, keep_blank_values=True))
    if request.method == "POST":
        body = await read_body(request, limit=max_body)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/x-www-form-urlencoded":
            pairs += parse_qsl(_decode(body), keep_blank_values=True)
        elif media == "application/sparql-query":
            pairs.append(("query", _decode(body)))
        elif media == "application/sparql-update":
            pairs.append(("update", _decode(body)))
        else:
            raise UsageError(f"unsupported Content-Type {media or 'none'!r}: POST application/sparql-query, "
                             "application/sparql-update or application/x-www-form-urlencoded")
    operation = Operation()
    for key, value in pairs:
        if key in ("query", "update"):
            if getattr(operation, key) is not None:
                raise UsageError(f"more than one '{key}' parameter")
            if len(value) > max_query:
                raise TooLarge(f"{key} of {len(value)} characters is over the bound of {max_query} (--max-query)")
            setattr(operation, key, value)
        elif key in ("default-graph-uri", "using-graph-uri"):
            operation.default_graphs += (value,)
        elif key in ("named-graph-uri", "using-named-graph-uri"):
            operation.named_graphs += (value,)
        elif key == "format":
            operation.format = value
        else:
            operation.params[key] = value
    if operation.query is not None and operation.update is not None:
        raise UsageError("a request carries either 'query' or 'update', not both")
    return operation


class Gate:
    """At most ``running`` queries at once, at most ``waiting`` more in line; the rest, and
    any that wait longer than ``patience`` seconds, get :class:`Busy`."""

    def __init__(self, *, running: int, waiting: int, patience: float) -> None:
        self._slots = asyncio.Semaphore(running)
        self._waiting = 0
        self._limit = waiting
        self._patience = patience

    async def __aenter__(self) -> "Gate":
        if self._slots.locked() and self._waiting >= self._limit:
            raise Busy(f"too many queries: {self._limit} are already waiting; try again later")
        self._waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout=self._patience)
        except asyncio.TimeoutError:
            raise Busy(f"waited {self._patience:g} s for a free query slot; try again later") from None
        finally:
            self._waiting -= 1
        return self

    async def __aexit__(self, *exc) -> None:
        self._slots.release()

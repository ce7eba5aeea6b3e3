"""``iokg serve``: the graph on the web, over the W3C standards.

- a SPARQL 1.1 Protocol endpoint at ``/sparql`` (with its Service Description), whose
  default graph is the set union of the named graphs;
- Linked Data: every IRI under ``https://w3id.org/iokg/`` dereferences on this server with
  content negotiation (HTML pages, Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML);
- the named queries over HTTP as grlc serves them (``/queries``, ``/queries/NAME``,
  ``/openapi.json``);
- a query page at ``/`` that needs no internet.

Safe by default: read-only, bound to 127.0.0.1, every query bounded in time (killed past
``--timeout``), rows, size and concurrency; no file or URL is opened on a client's behalf.

Install with the ``[server]`` extra (Starlette and uvicorn); :mod:`kg.cli` imports this
package only for ``iokg serve``.
"""

from __future__ import annotations

from kg.server.settings import Settings


def serve(settings: Settings) -> None:
    """Load the graph and serve it until interrupted."""
    import uvicorn

    from kg.server.app import create_app

    app = create_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=False,
                limit_concurrency=settings.max_concurrent + settings.max_queued + 64, timeout_keep_alive=5)


__all__ = ["Settings", "serve"]

"""Publication of the graph in a remote triple store: ``kg.push(endpoint=URL)``, ``iokg push``.
(The module is a noun, like every module of ``kg``, so that ``kg.push`` stays the function.)

Every named graph of the graph (the ontology, the reference, curation and DISARM graphs,
each document's graph and the derived provenance graph) is written to the store with the
SPARQL 1.1 Graph Store HTTP Protocol (section 5.3, HTTP PUT): each PUT replaces that graph
whole, so a second push leaves the store as the first left it, and graphs the store holds
besides iokg's are not touched. A graph the store refuses is reported by name and the
others are still written. When every graph is written, the store's default graph is made
the merge of the named graphs, unless the store serves that union itself (Oxigraph's
``--union-default-graph``). Credentials come from the environment (see
:mod:`kg.store.remote`) and are never printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from kg.errors import IokgError


@dataclass(frozen=True)
class Pushed:
    """One graph written to the store."""

    graph: URIRef
    triples: int


@dataclass(frozen=True)
class PushResult:
    """What a push wrote, and what the store refused (graph and reason)."""

    endpoint: str
    pushed: list[Pushed] = field(default_factory=list)
    failed: list[tuple[URIRef, str]] = field(default_factory=list)
    #: whether iokg wrote the store's default graph (False when the store serves the union itself)
    merged_default: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed


class PushError(IokgError):
    """Some graphs could not be written; the message names each and why."""

    def __init__(self, result: PushResult) -> None:
        self.result = result
        lines = [f"{len(result.failed)} of {len(result.failed) + len(result.pushed)} graph(s) not written to "
                 f"{result.endpoint} ({len(result.pushed)} written):"]
        lines += [f"  <{graph}>: {reason}" for graph, reason in result.failed]
        super().__init__("\n".join(lines))


def push(
    *,
    endpoint: str,
    graph_store: str | None = None,
    data_dir: Path | None = None,
) -> PushResult:
    """Write every named graph of the graph in ``data_dir`` (default: the packaged data) to
    the SPARQL 1.1 store at ``endpoint`` (its query URL), through its Graph Store Protocol
    URL (``graph_store``, or the one derived from ``endpoint``).

    Raises :class:`PushError` (after writing all the graphs it could) when the store refuses
    graphs; :class:`kg.errors.UsageError` for a URL that is not http(s);
    :class:`kg.store.remote.EndpointError` when the store cannot be reached at all.
    """
    from kg.store import open_store
    from kg.store.remote import EndpointError, RemoteStore

    remote = RemoteStore(endpoint)
    if graph_store:
        remote.store_url = graph_store
    local = open_store("oxigraph", data_dir=data_dir)
    pushed, failed = [], []
    for graph in local.graphs():
        data = local.dump("nt", graphs=[graph])
        try:
            remote.put_graph(graph, data)
        except EndpointError as error:
            if "cannot reach" in str(error) and not pushed and not failed:
                raise
            failed.append((graph, str(error)))
            continue
        pushed.append(Pushed(graph, data.count(b"\n")))
    result = PushResult(endpoint=endpoint, pushed=pushed, failed=failed)
    if failed:
        raise PushError(result)
    # The default graph: emptied, then the merge of the named graphs unless the store already
    # shows them through an empty default graph (it serves their union).
    remote.delete_graph(None)
    merged = not (remote.query("ASK { ?s ?p ?o }").boolean and not remote.get_graph(None).strip())
    if merged:
        remote.merge_default()
    return PushResult(endpoint=endpoint, pushed=pushed, merged_default=merged)

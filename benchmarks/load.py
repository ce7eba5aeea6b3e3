"""Load test: N concurrent clients run the named queries against ``iokg serve`` and against
``oxigraph serve`` holding the same quads, over loopback, a fixed number of requests each.
Prints throughput, p50/p99 latency and errors for both, and their ratio.

    python benchmarks/load.py                          # 4 clients, 200 requests per server
    python benchmarks/load.py --clients 8 --requests 400 --store memory

Not a test: it measures, and stops by itself. Both servers listen on 127.0.0.1 only. The
requests cycle through every named query, with its parameters bound to values from the
graph (``kg.server.named.example_values``): through ``/queries/NAME?…`` on iokg, and as the
query text with a ``VALUES`` block on Oxigraph (its ``/query`` endpoint, the default graph
holding the merge of the named graphs, as iokg's is).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from support import Served, free_port, wait_for  # noqa: E402

from kg.dataset import load, union  # noqa: E402
from kg.queries import bindings, named_queries, to_store, with_values  # noqa: E402
from kg.server.named import example_values  # noqa: E402
from kg.terms import to_oxigraph  # noqa: E402

ACCEPT = "application/sparql-results+json"


@dataclass
class Figures:
    """What one run measured."""

    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    def line(self) -> str:
        return (f"{self.name:<16} {self.requests:>5} requests  {self.throughput:7.1f} req/s  "
                f"p50 {self.percentile(50) * 1000:7.1f} ms  p99 {self.percentile(99) * 1000:7.1f} ms  "
                f"errors {self.errors}")


def hammer(name: str, requests: list[urllib.request.Request], clients: int) -> Figures:
    """Send ``requests`` from ``clients`` threads; time each."""
    def one(request: urllib.request.Request) -> tuple[float, bool]:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                json.loads(response.read())
                ok = response.status == 200
        except (urllib.error.URLError, OSError, ValueError):
            ok = False
        return time.perf_counter() - started, ok

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(one, requests))
    seconds = time.perf_counter() - started
    return Figures(name, len(requests), sum(not ok for _, ok in results), seconds, [t for t, _ in results])


def cases(dataset) -> list[tuple[str, dict]]:
    graph = union(dataset)
    return [(name, example_values(q, graph)) for name, q in named_queries().items()]


def iokg_requests(url: str, plan: list[tuple[str, dict]], count: int) -> list[urllib.request.Request]:
    return [urllib.request.Request(f"{url}queries/{name}?{urllib.parse.urlencode(params)}", headers={"Accept": ACCEPT})
            for name, params in (plan[i % len(plan)] for i in range(count))]


def oxigraph_requests(url: str, plan: list[tuple[str, dict]], count: int) -> list[urllib.request.Request]:
    queries = named_queries()
    texts = []
    for name, params in plan:
        bound = bindings(queries[name], params)
        texts.append(with_values(queries[name].text, {str(k): to_oxigraph(v) for k, v in bound.items()}))
    return [urllib.request.Request(url, data=texts[i % len(texts)].encode(),
                                   headers={"Accept": ACCEPT, "Content-Type": "application/sparql-query"})
            for i in range(count)]


def oxigraph_server(dataset, folder: Path) -> tuple[subprocess.Popen, str]:
    """``oxigraph serve`` on a free loopback port, loaded with the quads (and their merge as
    the default graph)."""
    import pyoxigraph

    data = folder / "iokg.nq"
    store = to_store(dataset)
    data.write_bytes(pyoxigraph.serialize(store, format=pyoxigraph.RdfFormat.N_QUADS))
    location = folder / "store"
    subprocess.run(["oxigraph", "load", "--location", str(location), "--file", str(data)], check=True,
                   capture_output=True)
    port = free_port()
    process = subprocess.Popen(["oxigraph", "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    wait_for(url + "?query=ASK%7B%7D", process=None)
    return process, url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default: 4)")
    parser.add_argument("--requests", type=int, default=200, help="requests per server (default: 200)")
    parser.add_argument("--store", default="oxigraph", help="iokg serve --store (oxigraph or memory; default: oxigraph)")
    args = parser.parse_args(argv)

    dataset = load()
    plan = cases(dataset)
    print(f"{len(plan)} named queries, {args.clients} clients, {args.requests} requests per server, "
          f"iokg serve --store {args.store}")
    with tempfile.TemporaryDirectory(prefix="iokg-load-") as folder:
        process, oxigraph_url = oxigraph_server(dataset, Path(folder))
        try:
            with Served("--store", args.store, "--max-queued", str(args.requests)) as served:
                hammer("warm-up", iokg_requests(served.url, plan, len(plan)), 1)
                ours = hammer("iokg serve", iokg_requests(served.url, plan, args.requests), args.clients)
            hammer("warm-up", oxigraph_requests(oxigraph_url, plan, len(plan)), 1)
            theirs = hammer("oxigraph serve", oxigraph_requests(oxigraph_url, plan, args.requests), args.clients)
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(ours.line())
    print(theirs.line())
    print(f"ratio iokg/oxigraph: throughput {ours.throughput / theirs.throughput:.3f}, "
          f"p50 latency {ours.percentile(50) / theirs.percentile(50):.1f}x, "
          f"p99 latency {ours.percentile(99) / theirs.percentile(99):.1f}x")
    print(f"mean latency: iokg {statistics.mean(ours.latencies) * 1000:.1f} ms, "
          f"oxigraph {statistics.mean(theirs.latencies) * 1000:.1f} ms")
    return 0 if ours.errors == 0 and theirs.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

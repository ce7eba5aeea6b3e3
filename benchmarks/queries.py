"""How each named query, and each graph check, grows with the data on Oxigraph: time per
query at each size on iokg's Oxigraph store and on bare pyoxigraph running the same text, the
ratio of the two, and the growth exponent between the smallest and the largest size.

The graph at each size is the synthetic generator's (``benchmarks/synthetic.py``, same seed)
as a data folder (iokg's reference, curation and DISARM graphs, one file per synthetic
document, and a made-up archive of accounts and posts imported with ``kg.archives``, about
half as many triples again, unless ``--no-archive``), opened the way every command opens it: ``kg.store.open_store("oxigraph",
data_dir=...)`` (Oxigraph's bulk load of the files, then the derived provenance and
per-source statement graphs). Each query runs ``--repeat`` times:

- **iokg**: a named query through ``kg.queries.query`` (parameters bound, rows converted to
  rdflib terms, lists sorted); a check of ``queries/checks/*-violation.rq`` through the
  store's ``query`` (what ``iokg check`` and validation run);
- **pyoxigraph**: the same text (parameters as the same ``VALUES`` block) on the same
  ``pyoxigraph.Store`` underneath, with the same default graph, every solution read.

The median CPU time of the process is reported (wall time on a shared machine measures the
neighbours). The exponent ``k`` of ``t ~ n**k`` is ``log(t_large / t_small) / log(n_large /
n_small)``: 1 is linear, 2 quadratic; issue 10 asks for at most 1.15 from 100k to 1M
triples. Times under a few milliseconds are mostly fixed cost (parsing, planning), so their
exponent says little: the table marks them.

    python benchmarks/queries.py --sizes 100000 1000000
    python benchmarks/queries.py --sizes 10000 100000 --query timeline --query techniques
    python benchmarks/queries.py --files /tmp/s100k.nq /tmp/s1m.nq   # pre-generated N-Quads
    python benchmarks/queries.py --sizes 100000 1000000 --markdown    # the README's table

Importable: ``measure(sizes=..., names=...)`` returns the figures as ``QueryTiming`` rows.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: Parameter values for the queries that need one (all exist in the synthetic graph).
PARAMETERS = {
    "figures": {"operation": "op:synthetic-0000000"},
    "operations-by-narrative": {"narrative": "narr:covid-19"},
    "operations-targeting": {"target": "target:chinese-diaspora"},
    "source-statements": {"subject": "op:synthetic-0000000"},
}

#: Below this many seconds at the largest size a time is mostly fixed cost.
FIXED_COST = 0.01


@dataclass
class QueryTiming:
    """One query's median CPU seconds per size (triples) on iokg's store and on bare
    pyoxigraph, its row counts, and its growth exponents."""

    name: str
    seconds: dict[int, float] = field(default_factory=dict)
    bare: dict[int, float] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)
    stopped: set[int] = field(default_factory=set)  # sizes at which a run was stopped (--limit)

    @property
    def exponent(self) -> float | None:
        """``k`` in ``t ~ n**k`` on iokg's store between the smallest and the largest size."""
        return growth(self.seconds)

    @property
    def bare_exponent(self) -> float | None:
        """The same for bare pyoxigraph."""
        return growth(self.bare)

    def ratio(self, size: int) -> float | None:
        """iokg's time over pyoxigraph's at ``size``."""
        iokg, bare = self.seconds.get(size), self.bare.get(size)
        return iokg / bare if iokg and bare else None


def growth(seconds: dict[int, float]) -> float | None:
    """The exponent ``k`` of ``t ~ n**k`` between the smallest and the largest size."""
    if len(seconds) < 2:
        return None
    (small, t_small), (large, t_large) = min(seconds.items()), max(seconds.items())
    if t_small <= 0 or t_large <= 0:
        return None
    return math.log(t_large / t_small) / math.log(large / small)


def _synthetic():
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_data_folder(nquads: bytes | Path, directory: Path) -> int:
    """A data folder for ``iokg --data``: iokg's reference, curation and DISARM graphs and
    one ``documents/NAME.ttl`` per synthetic graph of ``nquads`` (written as N-Triples, which
    is Turtle). Returns the number of synthetic triples."""
    import pyoxigraph

    from kg.namespaces import DOCUMENT

    (directory / "documents").mkdir(parents=True, exist_ok=True)
    for name in ("reference.ttl", "curation.ttl", "disarm.ttl"):
        shutil.copyfile(ROOT / "kg" / "data" / name, directory / name)
    data = nquads.read_bytes() if isinstance(nquads, Path) else nquads
    by_graph: dict[str, list] = {}
    for quad in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_QUADS):
        by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
    for graph, triples in by_graph.items():
        name = graph[len(str(DOCUMENT)):]
        (directory / "documents" / f"{name}.ttl").write_bytes(
            pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES))
    return sum(len(t) for t in by_graph.values())


def add_archive(directory: Path, *, triples: int, seed: int = 1) -> None:
    """Import a made-up archive into the data folder (``kg.archives``, as ``iokg import``
    does): a users file of ``triples / 24`` accounts of the first synthetic operation and a
    tweets file of as many posts, so that the account-level queries have data to scale
    with (about half as many triples again as ``triples``)."""
    from kg.archives import import_accounts, import_tweets

    synthetic = _synthetic()
    accounts = max(1, triples // 24)
    with tempfile.TemporaryDirectory(prefix="iokg-archive-") as folder:
        users, tweets = Path(folder) / "users.csv.gz", Path(folder) / "tweets.csv.gz"
        synthetic.write_users(users, rows=accounts, seed=seed)
        synthetic.write_tweets(tweets, rows=accounts, accounts=accounts, seed=seed)
        import_accounts(users, operation="op:synthetic-0000000", data_dir=directory, progress=False)
        import_tweets(tweets, data_dir=directory, progress=False)


def build_store(data_dir: Path):
    """iokg's Oxigraph store of ``data_dir`` (as ``--store oxigraph`` opens it)."""
    from kg.store import open_store

    return open_store("oxigraph", data_dir=data_dir)


def workload(name: str, store) -> tuple:
    """The two calls to time for query ``name`` (a named query, or ``check:NAME``): iokg's
    and bare pyoxigraph's on the store underneath, running the same text."""
    from kg.namespaces import PREFIXES
    from kg.queries import bindings, checks, get_query, query
    from kg.store.sparql import with_values
    from kg.terms import to_oxigraph

    if name.startswith("check:"):
        text = checks()[name[len("check:"):]].text

        def iokg():
            return len(store.query(text).rows)
    else:
        named = get_query(name)
        params = PARAMETERS.get(name, {})
        values = {str(k): to_oxigraph(v) for k, v in bindings(named, params).items()}
        text = with_values(named.text, values)

        def iokg():
            return len(query(name, store=store, **params).rows)

    store.settle()
    native, union = store.native, not store._merged()
    prefixes = {k: str(v) for k, v in PREFIXES.items()}

    def bare():
        solutions = native.query(text, prefixes=prefixes, use_default_graph_as_union=union)
        return sum(1 for solution in solutions for _ in solution)  # every value read

    return iokg, bare


def _cpu(function) -> tuple[float, object]:
    start = time.process_time()
    result = function()
    return time.process_time() - start, result


def median_cpu(function, *, repeat: int, budget: float, limit: float | None = None) -> tuple[float | None, object]:
    """The median CPU seconds of ``repeat`` calls of ``function`` (one when the first takes
    longer than ``budget``) and its last result. With ``limit``, each call runs in a forked
    child (``kg.bounds.run_bounded``) that is killed after ``limit`` seconds (wall): then
    the time is None (stopped)."""
    from kg.bounds import run_bounded
    from kg.errors import LimitError

    times, result = [], None
    for _ in range(repeat):
        try:
            seconds, result = run_bounded(_cpu, function, timeout=limit) if limit else _cpu(function)
        except LimitError:
            return None, None
        times.append(seconds)
        if times[0] > budget:
            break
    return statistics.median(times), result


def all_names() -> list[str]:
    """Every named query, then every check as ``check:NAME``."""
    from kg.queries import checks, named_queries

    return sorted(named_queries()) + [f"check:{name}" for name in sorted(checks())]


def measure(*, sizes=(100_000, 1_000_000), files=None, names=None, seed: int = 1, repeat: int = 3,
            budget: float = 60.0, limit: float | None = None, archive: bool = True,
            progress: bool = False) -> list[QueryTiming]:
    """Time every named query and check (or ``names``) at each size on iokg's store and on
    bare pyoxigraph (each run stopped after ``limit`` seconds when given); return one
    ``QueryTiming`` each (a stopped run's time is missing). With ``archive`` the data
    folder also holds an imported archive (:func:`add_archive`); sizes are the triples of
    the whole store."""
    names = list(names or all_names())
    timings = {name: QueryTiming(name) for name in names}
    for source in (list(files) if files else list(sizes)):
        with tempfile.TemporaryDirectory(prefix="iokg-queries-") as folder:
            if isinstance(source, Path):
                data = source
            else:
                data = _synthetic().generate(triples=source, seed=seed).serialize(format="nquads", encoding="utf-8")
            synthetic = write_data_folder(data, Path(folder))
            del data
            if archive:
                add_archive(Path(folder), triples=synthetic, seed=seed)
            start = time.process_time()
            store = build_store(Path(folder))
            opened = time.process_time() - start
            triples = len(store)
            if progress:
                print(f"{triples:,} triples ({synthetic:,} synthetic); store opened in {opened:.1f} s CPU",
                      file=sys.stderr, flush=True)
            for name in names:
                iokg, bare = workload(name, store)
                seconds, rows = median_cpu(iokg, repeat=repeat, budget=budget, limit=limit)
                bare_seconds, _ = median_cpu(bare, repeat=repeat, budget=budget, limit=limit)
                timing = timings[name]
                for found, value in ((timing.seconds, seconds), (timing.bare, bare_seconds), (timing.rows, rows)):
                    if value is not None:
                        found[triples] = value
                    else:
                        timing.stopped.add(triples)
                if progress:
                    print(f"  {name}: iokg {_figure(seconds, '.4f')} s, pyoxigraph {_figure(bare_seconds, '.4f')} s, "
                          f"{'?' if rows is None else rows} rows", file=sys.stderr, flush=True)
            store.close()
    return list(timings.values())


def _figure(value: float | None, digits: str = ".2f", missing: str = "stopped") -> str:
    return missing if value is None else format(value, digits)


def table(timings: list[QueryTiming], *, markdown: bool = False) -> str:
    """The timings as a table: per size iokg's and pyoxigraph's seconds, the ratio at the
    largest size, rows, and both growth exponents (``*``: under FIXED_COST seconds at the
    largest size, so mostly fixed cost)."""
    sizes = sorted({n for t in timings for n in (*t.seconds, *t.stopped)})
    large = sizes[-1] if sizes else 0
    header = (["query"] + [f"iokg {n:,} (s)" for n in sizes] + [f"pyoxigraph {n:,} (s)" for n in sizes]
              + [f"iokg / pyoxigraph at {large:,}", "rows", "exponent iokg", "exponent pyoxigraph"])
    lines = [header]
    for t in timings:
        mark = "*" if large in t.seconds and t.seconds[large] < FIXED_COST else ""
        gone = "stopped" if t.stopped else "–"
        lines.append([t.name] + [_figure(t.seconds.get(n), ".4f") for n in sizes]
                     + [_figure(t.bare.get(n), ".4f") for n in sizes]
                     + [_figure(t.ratio(large), missing=gone) + ("×" if t.ratio(large) else ""),
                        " / ".join(str(t.rows.get(n, "–")) for n in sizes),
                        _figure(t.exponent, missing=gone) + mark, _figure(t.bare_exponent, missing=gone) + mark])
    if markdown:
        rows = ["| " + " | ".join(row) + " |" for row in lines]
        rows.insert(1, "|" + "|".join("---" for _ in header) + "|")
        return "\n".join(rows)
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in lines)


def machine() -> str:
    """One line on where the figures were measured."""
    import pyoxigraph

    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{platform.platform()}, {os.cpu_count()} CPUs (nproc), Python {platform.python_version()}, "
            f"pyoxigraph {pyoxigraph.__version__}; load average at the end {load}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="triples of synthetic data")
    parser.add_argument("--files", type=Path, nargs="+", help="pre-generated synthetic N-Quads files instead of --sizes")
    parser.add_argument("--query", action="append", dest="names", metavar="NAME",
                        help="only this query, or check:NAME for a check (repeatable)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per query and size; the median is shown")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="CPU seconds after which a query's first run is not repeated")
    parser.add_argument("--limit", type=float, metavar="SECONDS",
                        help="stop a run after SECONDS (wall; the query runs in a forked child)")
    parser.add_argument("--no-archive", dest="archive", action="store_false",
                        help="no imported archive (accounts and posts) in the data")
    parser.add_argument("--markdown", action="store_true", help="print the table in Markdown")
    args = parser.parse_args(argv)
    timings = measure(sizes=args.sizes, files=args.files, names=args.names, seed=args.seed, repeat=args.repeat,
                      budget=args.budget, limit=args.limit, archive=args.archive, progress=True)
    print(table(timings, markdown=args.markdown))
    exponents = [(t.exponent, t.name) for t in timings if t.exponent is not None]
    if exponents:
        worst, name = max(exponents)
        print(f"\nlargest growth exponent: {worst:.2f} ({name}; target <= 1.15)")
        over = [f"{n} ({k:.2f})" for k, n in sorted(exponents, reverse=True) if k > 1.15]
        print("over 1.15: " + (", ".join(over) if over else "none"))
    print(f"measured on {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""iokg against the bare engines at 10k, 100k and 1M triples: one command, one table.

    python benchmarks/run.py                                   # 10k and 100k, 3 runs each
    python benchmarks/run.py --sizes 10000 100000 1000000 --repeat 3 --write benchmarks/README.md

For each size the synthetic generator (``benchmarks/synthetic.py --seed 1``) writes a data
folder in the layout ``iokg --data DIR`` reads and a users file of an archive with about
as many triples (one account row gives 12). Every task (``benchmarks/tasks.py``) runs in
a fresh process: load, every named query, full and batch validation, export to Turtle,
N-Triples and N-Quads, and the archive import, each by iokg (rdflib, and the Oxigraph store
where main has ``kg.store``) and by the bare baseline in the same run (pyoxigraph
directly, pySHACL directly, the csv module). Figures are medians of ``--repeat`` runs, in
CPU seconds of the process (wall time on a shared machine measures the neighbours), with
the peak memory of the process. A task that runs past ``--timeout`` is stopped and shown
as such. Not a test: it measures.

``--write FILE`` replaces the part of FILE between ``<!-- benchmark:start -->`` and
``<!-- benchmark:end -->`` with the table and the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import write_data_folder, write_users  # noqa: E402

START, END = "<!-- benchmark:start -->", "<!-- benchmark:end -->"
#: Account rows per triple of the graph (an account row gives 12 triples).
TRIPLES_PER_ACCOUNT = 12


@dataclass(frozen=True)
class Row:
    """One line of the table: what is measured, iokg's task(s) and the baseline's."""

    label: str
    iokg: str
    baseline: str | None
    store: str | None = None  # the same measure through kg.store, where main has it


ROWS = [
    Row("load", "load-iokg", "load-pyoxigraph", "load-store"),
    Row("named queries (all, sum of medians)", "queries-iokg-rdflib", "queries-pyoxigraph", "queries-iokg-oxigraph"),
    Row("full validation", "validate-full-iokg", "validate-full-pyshacl"),
    Row("batch validation (~100 nodes)", "validate-batch-iokg", None),
    Row("export Turtle", "export-iokg-turtle", "export-pyoxigraph-turtle"),
    Row("export N-Triples", "export-iokg-ntriples", "export-pyoxigraph-ntriples"),
    Row("export N-Quads", "export-iokg-nquads", "export-pyoxigraph-nquads"),
    Row("archive import (users file)", "import-iokg", "import-csv"),
]


def has_store() -> bool:
    try:
        from kg.store import open_store  # noqa: F401
    except ImportError:
        return False
    return True


def run_task(name: str, data: Path, archive: Path, *, repeat: int, timeout: float, cpu: float) -> dict:
    """Run one task in a fresh process, stopped past ``cpu`` CPU seconds (RLIMIT_CPU) or
    ``timeout`` wall seconds."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu), int(cpu) + 5))

    command = [sys.executable, str(ROOT / "benchmarks" / "tasks.py"), name, "--data", str(data),
               "--archive", str(archive), "--repeat", str(repeat)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False,
                              preexec_fn=limit)
    except subprocess.TimeoutExpired:
        return {"task": name, "error": f"stopped after {timeout:.0f} s wall"}
    if done.returncode in (-9, -24):  # SIGKILL, SIGXCPU: the CPU limit
        return {"task": name, "error": f"stopped after {cpu:.0f} s CPU"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        return {"task": name, "error": last[:200]}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["elapsed"] = time.perf_counter() - started
    return result


def measure(size: int, *, repeat: int, timeout: float, cpu: float, skip: set[str], work: Path,
            log) -> dict[str, dict]:
    data, archive = work / f"data-{size}", work / f"users-{size}.csv.gz"
    if not data.exists():
        write_data_folder(data, triples=size, seed=1)
    if not archive.exists():
        write_users(archive, rows=max(1, size // TRIPLES_PER_ACCOUNT), seed=1)
    results = {}
    store = has_store()
    for row in ROWS:
        for name in (row.iokg, row.baseline, row.store if store else None):
            if name is None or name in skip:
                continue
            result = run_task(name, data, archive, repeat=repeat, timeout=timeout, cpu=cpu * repeat)
            results[name] = result
            figure = result.get("error") or f"{result['seconds']:.3f} s CPU, {result['peak_mb']:.0f} MB"
            print(f"  {size:>9} {name:<28} {figure}", file=log, flush=True)
    return results


def cell(result: dict | None) -> str:
    if result is None:
        return "–"
    if "error" in result:
        return result["error"]
    return f"{result['seconds']:.3g} s / {result['peak_mb']:.0f} MB"


def ratio(a: dict | None, b: dict | None) -> str:
    if not a or not b or "error" in a or "error" in b or not b["seconds"]:
        return "–"
    return f"{a['seconds'] / b['seconds']:.1f}×"


def table(sizes: list[int], results: dict[int, dict[str, dict]]) -> str:
    """The markdown table: per size, iokg, the store, the baseline and the ratios."""
    lines = ["| work | size | iokg (rdflib) | iokg store (Oxigraph) | baseline | iokg / baseline | store / baseline |",
             "|---|---|---|---|---|---|---|"]
    for row in ROWS:
        for size in sizes:
            got = results.get(size, {})
            iokg, base = got.get(row.iokg), got.get(row.baseline) if row.baseline else None
            store = got.get(row.store) if row.store else None
            lines.append(f"| {row.label} | {size:,} | {cell(iokg)} | {cell(store) if row.store else '–'} | "
                         f"{cell(base) if row.baseline else '–'} | {ratio(iokg, base)} | {ratio(store, base)} |")
    return "\n".join(lines)


def import_rates(sizes: list[int], results: dict[int, dict[str, dict]]) -> str:
    lines = ["| users file rows | triples written | iokg rows/s (CPU) | csv module rows/s | iokg peak memory |",
             "|---|---|---|---|---|"]
    for size in sizes:
        got = results.get(size, {})
        iokg, base = got.get("import-iokg"), got.get("import-csv")
        if not iokg or "error" in iokg:
            continue
        rows = iokg["parts"]["rows"]
        floor = f"{rows / base['seconds']:,.0f}" if base and "error" not in base and base["seconds"] else "–"
        lines.append(f"| {rows:,} | {iokg['parts']['triples']:,} | {rows / iokg['seconds']:,.0f} | {floor} | "
                     f"{iokg['peak_mb']:.0f} MB |")
    return "\n".join(lines)


def query_table(sizes: list[int], results: dict[int, dict[str, dict]]) -> str:
    """Per named query: iokg on Oxigraph against pyoxigraph at the largest size, and the
    growth exponent of iokg's time between the two largest sizes."""
    import math

    largest = max(sizes)
    got = results.get(largest, {})
    iokg = (got.get("queries-iokg-oxigraph") or {}).get("parts") or {}
    rdflib = (got.get("queries-iokg-rdflib") or {}).get("parts") or {}
    base = (got.get("queries-pyoxigraph") or {}).get("parts") or {}
    previous = sorted(sizes)[-2] if len(sizes) > 1 else None
    before = ((results.get(previous, {}) if previous else {}).get("queries-iokg-oxigraph") or {}).get("parts") or {}
    lines = [f"| query ({largest:,} triples) | iokg rdflib s | iokg Oxigraph s | pyoxigraph s | Oxigraph / pyoxigraph | "
             f"growth exponent {previous or '–':,} → {largest:,} (iokg Oxigraph) |" if previous else
             f"| query ({largest:,} triples) | iokg rdflib s | iokg Oxigraph s | pyoxigraph s | Oxigraph / pyoxigraph | – |",
             "|---|---|---|---|---|---|"]
    for name in sorted(set(iokg) | set(base) | set(rdflib)):
        a, b, r = iokg.get(name), base.get(name), rdflib.get(name)
        exponent = "–"
        if previous and before.get(name) and a and before[name] > 0 and a > 0:
            exponent = f"{math.log(a / before[name]) / math.log(largest / previous):.2f}"
        def seconds(value) -> str:
            return "–" if value is None else f"{value:.4f}"

        share = f"{a / b:.1f}×" if a is not None and b else "–"
        lines.append(f"| {name} | {seconds(r)} | {seconds(a)} | {seconds(b)} | {share} | {exponent} |")
    return "\n".join(lines)


def machine() -> str:
    load = os.getloadavg()
    cpus = os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import pyoxigraph
    import pyshacl
    import rdflib

    return (f"{platform.platform()}, {cpus} CPUs ({platform.processor() or platform.machine()}), {memory:.0f} GiB, "
            f"Python {platform.python_version()}, rdflib {rdflib.__version__}, pySHACL {pyshacl.__version__}, "
            f"pyoxigraph {pyoxigraph.__version__}; load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
            "(the machine is shared)")


def write(path: Path, text: str) -> None:
    content = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in content or END not in content:
        content += f"\n{START}\n{END}\n"
    head, rest = content.split(START, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def report(args, argv, sizes: list[int], results: dict[int, dict[str, dict]], work: Path) -> None:
    """Print the tables (and write them into ``args.write``)."""
    (work / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    text = "\n\n".join([
        f"Measured with `python benchmarks/run.py {' '.join(sys.argv[1:] if argv is None else argv)}` on {machine()}. "
        f"Runs per task: {args.repeat} (sizes from {args.large:,}: {args.repeat_large}). Each cell: median CPU "
        "seconds of the process / its peak memory; a task past its CPU limit is shown as stopped. Ratios are "
        "iokg's time over the baseline's in the same run.",
        table(sizes, results),
        "Archive import (the users file of each size; rows per CPU second and peak memory):",
        import_rates(sizes, results),
        "Named queries one by one:",
        query_table(sizes, results),
    ])
    print(text, flush=True)
    if args.write:
        write(args.write, text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per task; the median is reported (default 3)")
    parser.add_argument("--repeat-large", type=int, default=1, help="runs per task at large sizes (default 1)")
    parser.add_argument("--timeout", type=float, default=3600, help="wall seconds a task may take (default 3600)")
    parser.add_argument("--cpu", type=float, default=600, help="CPU seconds one run of a task may take (default 600)")
    parser.add_argument("--large", type=int, default=1_000_000, help="sizes from here on are large (default 1000000)")
    parser.add_argument("--skip", action="append", default=[], metavar="TASK", help="a task not to run (repeatable)")
    parser.add_argument("--skip-large", action="append", default=["validate-full-pyshacl"], metavar="TASK",
                        help="a task not to run at large sizes (default: validate-full-pyshacl, hours at 1M)")
    parser.add_argument("--work", type=Path, help="folder for the generated data (default: a temporary folder)")
    parser.add_argument("--write", type=Path, metavar="FILE", help="write the tables into FILE between the markers")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="iokg-benchmarks-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, dict]] = {}
    for size in args.sizes:
        large = size >= args.large
        skip = set(args.skip) | (set(args.skip_large) if large else set())
        results[size] = measure(size, repeat=args.repeat_large if large else args.repeat, timeout=args.timeout,
                                cpu=args.cpu, skip=skip, work=work, log=sys.stderr)
        # The tables so far, after every size: a long run that is stopped keeps what it measured.
        report(args, argv, [s for s in args.sizes if s in results], results, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())

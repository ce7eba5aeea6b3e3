"""Load and dump on iokg's stores against bare pyoxigraph, on the same files in the same run
(issue 10 targets at 1M triples: load ≤ 1.5× pyoxigraph's bulk load cold, ≤ 0.2× with the
index warm, peak memory ≤ 1.5×; N-Triples / N-Quads dump ≤ 2×, Turtle ≤ 3×).

    python benchmarks/synthetic.py --triples 1000000 --seed 1 -o /tmp/1m.nq
    python benchmarks/store.py /tmp/1m.nq [--runs 3]

The N-Quads file is first written as a data folder in the layout ``--data`` reads (one
Turtle file per graph: ``documents/NNN.ttl`` for document graphs, ``NAME.ttl`` for the
others). Every figure is the median CPU time (user + system) and the peak resident memory
of a fresh process.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PRELUDE = f"""
import json, resource, sys, time
sys.path.insert(0, {str(ROOT)!r})
import pyoxigraph
data = sys.argv[1]
def done(**extra):
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # VmHWM: this process's peak resident memory (ru_maxrss would carry the parent's over exec)
    peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    print(json.dumps({{"cpu": usage.ru_utime + usage.ru_stime - START, "rss": peak * 1024, **extra}}))
_u = resource.getrusage(resource.RUSAGE_SELF)
START = _u.ru_utime + _u.ru_stime
"""

CASES = {
    "pyoxigraph bulk load": """
from pathlib import Path
store = pyoxigraph.Store()
files = sorted(Path(data).glob("*.ttl")) + sorted((Path(data) / "documents").glob("*.ttl"))
from kg.dataset import sources
for source in sources(data_dir=Path(data)):
    store.bulk_load(path=str(source.path), format=pyoxigraph.RdfFormat.TURTLE, to_graph=pyoxigraph.NamedNode(str(source.graph)))
done(quads=len(store))
""",
    "iokg load (oxigraph)": """
from pathlib import Path
from kg.store import open_store
store = open_store("oxigraph", data_dir=Path(data))
done(quads=len(store.native))
""",
    "iokg index, cold (build)": """
from pathlib import Path
from kg.store import index
store = index.rebuild(data_dir=Path(data), path=Path(sys.argv[2]))
done()
""",
    "iokg index, warm (open)": """
from pathlib import Path
from kg.store import open_store
store = open_store("oxigraph:" + sys.argv[2], data_dir=Path(data))
done(quads=len(store.native))
""",
}

DUMPS = {
    "N-Triples": "N_TRIPLES",
    "N-Quads": "N_QUADS",
    "Turtle": "TURTLE",
}

DUMP_BARE = """
from pathlib import Path
from kg.dataset import sources
store = pyoxigraph.Store()
for source in sources(data_dir=Path(data)):
    store.bulk_load(path=str(source.path), format=pyoxigraph.RdfFormat.TURTLE, to_graph=pyoxigraph.NamedNode(str(source.graph)))
_u = resource.getrusage(resource.RUSAGE_SELF); START = _u.ru_utime + _u.ru_stime
fmt = getattr(pyoxigraph.RdfFormat, sys.argv[3])
if fmt in (pyoxigraph.RdfFormat.N_QUADS,):
    out = store.dump(format=fmt)
else:
    # the union of the graphs, as iokg writes for formats without named graphs
    union = pyoxigraph.Store()
    union.bulk_extend(pyoxigraph.Quad(q.subject, q.predicate, q.object) for q in store)
    _u = resource.getrusage(resource.RUSAGE_SELF); START = _u.ru_utime + _u.ru_stime
    out = union.dump(format=fmt, from_graph=pyoxigraph.DefaultGraph())
done(bytes=len(out))
"""

DUMP_IOKG = """
from pathlib import Path
from kg.store import open_store
store = open_store("oxigraph:" + sys.argv[2], data_dir=Path(data))
_u = resource.getrusage(resource.RUSAGE_SELF); START = _u.ru_utime + _u.ru_stime
fmt = {"N_TRIPLES": "nt", "N_QUADS": "nq", "TURTLE": "ttl"}[sys.argv[3]]
out = store.dump(fmt)
done(bytes=len(out))
"""


def run(code: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", PRELUDE + code, *args], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def layout(nquads: Path, folder: Path) -> Path:
    """Write the quads of ``nquads`` as a ``--data`` folder (one Turtle file per graph)."""
    import pyoxigraph

    sys.path.insert(0, str(ROOT))
    from kg.namespaces import DOCUMENT, GRAPH, PREFIXES

    store = pyoxigraph.Store()
    store.bulk_load(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
    (folder / "documents").mkdir(parents=True, exist_ok=True)
    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    for graph in store.named_graphs():
        name = graph.value
        if name.startswith(str(DOCUMENT)):
            path = folder / "documents" / f"{name[len(str(DOCUMENT)):]}.ttl"
        elif name.startswith(str(GRAPH)):
            path = folder / f"{name[len(str(GRAPH)):]}.ttl"
        else:
            continue  # the ontology comes from ontology/
        store.dump(str(path), format=pyoxigraph.RdfFormat.TURTLE, from_graph=graph, prefixes=prefixes)
    return folder


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("nquads", type=Path, help="a graph from benchmarks/synthetic.py")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-dumps", action="store_true")
    parser.add_argument("--skip-loads", action="store_true", help="only the dumps (builds the index once)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="iokg-store-bench-"))
    data = layout(args.nquads, work / "data")
    index = str(work / "index")
    figures = {}
    if args.skip_loads:
        run(CASES["iokg index, cold (build)"], str(data), index)
    for name, code in ({} if args.skip_loads else CASES).items():
        runs = [run(code, str(data), index) for _ in range(args.runs)]
        figures[name] = {"cpu": statistics.median(r["cpu"] for r in runs), "rss": max(r["rss"] for r in runs)}
        print(f"{name:28} {figures[name]['cpu']:7.2f} s CPU  {figures[name]['rss'] / 2**20:7.0f} MiB peak", flush=True)
    base = figures.get("pyoxigraph bulk load")
    if base:
        print(f"load ratio (cold, in memory): {figures['iokg load (oxigraph)']['cpu'] / base['cpu']:.2f}x  (target <= 1.5x)")
        print(f"load ratio (index cold build): {figures['iokg index, cold (build)']['cpu'] / base['cpu']:.2f}x")
        print(f"load ratio (index warm):       {figures['iokg index, warm (open)']['cpu'] / base['cpu']:.2f}x  (target <= 0.2x)")
        print(f"peak memory ratio (cold load): {figures['iokg load (oxigraph)']['rss'] / base['rss']:.2f}x  (target <= 1.5x)")
    if not args.skip_dumps:
        for label, fmt in DUMPS.items():
            bare = statistics.median(run(DUMP_BARE, str(data), index, fmt)["cpu"] for _ in range(args.runs))
            ours = statistics.median(run(DUMP_IOKG, str(data), index, fmt)["cpu"] for _ in range(args.runs))
            print(f"dump {label:10} iokg {ours:6.2f} s  pyoxigraph {bare:6.2f} s  ratio {ours / bare:.2f}x", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Cold start: CPU seconds of a fresh ``iokg query NAME`` process against a fresh Python
process that loads the same files into pyoxigraph and runs the same query text (issue 10,
item 6: target ≤ 3×). Medians of several runs, both measured in the same run.

    python benchmarks/coldstart.py [--query removals-by-platform] [--runs 5] [--store …]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = """
import sys, pyoxigraph
store = pyoxigraph.Store()
for line in open(sys.argv[1], encoding="utf-8"):
    path, graph = line.rstrip("\\n").split("\\t")
    store.bulk_load(path=path, format=pyoxigraph.RdfFormat.TURTLE, to_graph=pyoxigraph.NamedNode(graph))
text = open(sys.argv[2], encoding="utf-8").read()
for row in store.query(text, use_default_graph_as_union=True):
    print(row)
"""


def cpu(argv: list[str], env: dict) -> float:
    """CPU seconds (user + system) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--query", default="removals-by-platform")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--store", default=None, help="iokg --store value (default: the on-disk index)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from kg.dataset import sources
    from kg.queries import get_query

    env = dict(os.environ)
    work = Path(tempfile.mkdtemp(prefix="iokg-coldstart-"))
    env.setdefault("XDG_CACHE_HOME", str(work / "cache"))
    listing = work / "sources.tsv"
    listing.write_text("".join(f"{s.path}\t{s.graph}\n" for s in sources()), encoding="utf-8")
    query_file = work / "query.rq"
    query_file.write_text(get_query(args.query).text, encoding="utf-8")
    iokg = [sys.executable, "-m", "kg", "query", args.query] + (["--store", args.store] if args.store else [])
    bare = [sys.executable, "-c", BARE, str(listing), str(query_file)]
    cpu(iokg, env)  # builds the index once, as the first command after a change does
    ours = [cpu(iokg, env) for _ in range(args.runs)]
    theirs = [cpu(bare, env) for _ in range(args.runs)]
    ratio = statistics.median(ours) / statistics.median(theirs)
    print(f"iokg query {args.query} ({args.store or 'default store'}): {statistics.median(ours):.3f} s CPU (median of {args.runs})")
    print(f"pyoxigraph, same files and query:   {statistics.median(theirs):.3f} s CPU")
    print(f"ratio: {ratio:.2f}x (target <= 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

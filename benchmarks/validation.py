"""Benchmark: full validation of a synthetic graph and incremental validation of a
~100-node batch, at about 10k, 100k and 1M triples, against stock pySHACL. Prints figures
and ratios (CPU seconds of this process).

    python benchmarks/validation.py                          # 10k and 100k
    python benchmarks/validation.py --sizes 10000 100000 1000000 --pyshacl-up-to 10000

Columns: ``store`` builds the Oxigraph store from the rdflib graph (what ``validate_graph``
does when it is not handed a store); ``full`` runs the compiled shapes on that store (the
work ``iokg check`` does on an Oxigraph store); ``full+store`` both; ``pyshacl`` is stock
pySHACL (``pyshacl.validate`` with iokg's options, no parse cache) on the same graph, run
only up to ``--pyshacl-up-to`` triples (it takes minutes above); ``batch`` is
``kg.validate`` of the batch against the graph (incremental).

Not a test: it measures. The graph is ``benchmarks/synthetic.py``'s (deterministic from
its seed) plus iokg's ontology, reference and DISARM graphs; the batch is 12 new operations
in a new document (about 100 new nodes: operations, claims, responses, figures).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

from rdflib import Dataset, Graph

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import Generator  # noqa: E402

from kg.dataset import load, union  # noqa: E402
from kg.namespaces import ONTOLOGY  # noqa: E402
from kg.validation import load_shapes, validate, validate_graph  # noqa: E402
from kg.validation.compiler import compile_shapes, run  # noqa: E402
from kg.validation.engine import to_store  # noqa: E402


def base_dataset() -> Dataset:
    """The ontology, reference, curation and DISARM graphs of iokg (no documents)."""
    full = load()
    dataset = Dataset()
    for graph in full.graphs():
        name = graph.identifier
        if str(name) == ONTOLOGY or "/graph/" in str(name):
            target = dataset.graph(name)
            target += graph
    return dataset


def batch(seed: int, index: int) -> Graph:
    """A batch of about 100 new nodes in a new document."""
    generator = Generator(seed=seed, operations_per_document=12)
    scratch = Dataset()
    doc, graph, language = generator.document(scratch, 900_000 + index)
    nodes = 1
    for k in range(12):
        nodes += len(generator.operation(graph, doc, language, 9_000_000 + index * 100 + k, 2016 + (900_000 + index) % 8)) + 2
    out = Graph()
    for triple in graph:
        out.add(triple)
    return out


def _cpu(function, *args, **kwargs):
    start = time.process_time()
    value = function(*args, **kwargs)
    return time.process_time() - start, value


def measure(size: int, *, seed: int = 1, full: bool = True, pyshacl_up_to: int = 10_000, repeat: int = 3) -> dict:
    """Figures for one size (medians of ``repeat`` runs where cheap)."""
    from statistics import median

    gc.collect()
    dataset = base_dataset()
    generated = Generator(seed=seed).generate(triples=size)
    for graph in generated.graphs():
        target = dataset.graph(graph.identifier)
        target += graph
    shapes = load_shapes()
    compile_shapes(shapes)
    new = batch(seed + 1, 0)
    data = union(dataset) + new
    result = {"size": size, "triples": len(data), "batch": len(new)}

    validate(new, against=dataset, shapes=shapes)  # warm the caches once
    times = [_cpu(validate, new, against=dataset, shapes=shapes) for _ in range(repeat)]
    result["batch_s"] = median(t for t, _ in times)
    result["batch_conforms"] = times[0][1].conforms
    if full:
        result["store_s"], store = _cpu(to_store, data)
        runs = [_cpu(run, compile_shapes(shapes), store, data, shapes) for _ in range(max(1, repeat - 1))]
        result["full_s"] = median(t for t, _ in runs)
        result["full_results"] = len(runs[0][1])
        if len(data) <= pyshacl_up_to:
            import pyshacl

            elapsed, outcome = _cpu(pyshacl.validate, data, shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=True)
            result["pyshacl_s"] = elapsed
            result["pyshacl_conforms"] = outcome[0]
            result["full_conforms"] = validate_graph(data, shapes=shapes, store=store).conforms
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--no-full", action="store_true", help="skip full validation (for the largest sizes)")
    parser.add_argument("--pyshacl-up-to", type=int, default=20_000, metavar="TRIPLES",
                        help="run stock pySHACL only on graphs up to this size (default 20000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args(argv)
    print(f"{'target':>9} {'triples':>9} {'batch':>6} {'store s':>8} {'full s':>8} {'full+st':>8} "
          f"{'pyshacl s':>9} {'py/full':>8} {'batch s':>8} {'results':>7}")
    for size in args.sizes:
        r = measure(size, full=not args.no_full, pyshacl_up_to=args.pyshacl_up_to, repeat=args.repeat)

        def f(key, width=8):
            return f"{r[key]:{width}.2f}" if key in r else f"{'-':>{width}}"

        both = r["store_s"] + r["full_s"] if "full_s" in r else None
        ratio = f"{r['pyshacl_s'] / both:8.1f}" if both and "pyshacl_s" in r else f"{'-':>8}"
        print(f"{size:>9} {r['triples']:>9} {r['batch']:>6} {f('store_s')} {f('full_s')} "
              f"{both if both is None else format(both, '8.2f') if both else '-':>8} {f('pyshacl_s', 9)} {ratio} "
              f"{f('batch_s')} {r.get('full_results', '-'):>7}", flush=True)
        if "pyshacl_conforms" in r and r["pyshacl_conforms"] != r["full_conforms"]:
            print(f"  verdicts differ: pySHACL {r['pyshacl_conforms']}, iokg {r['full_conforms']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

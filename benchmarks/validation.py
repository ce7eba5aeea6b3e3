"""Benchmark: full validation of a synthetic graph against incremental validation of a
~100-node batch, at about 10k, 100k and 1M triples. Prints figures and ratios.

    python benchmarks/validation.py                 # 10k and 100k
    python benchmarks/validation.py --sizes 10000 100000 1000000

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


def measure(size: int, *, seed: int = 1, full: bool = True) -> dict:
    gc.collect()
    dataset = base_dataset()
    generated = Generator(seed=seed).generate(triples=size)
    for graph in generated.graphs():
        target = dataset.graph(graph.identifier)
        target += graph
    shapes = load_shapes()
    triples = sum(len(g) for g in dataset.graphs())
    new = batch(seed + 1, 0)
    result = {"size": size, "triples": triples, "batch": len(new)}

    start = time.perf_counter()
    report = validate(new, against=dataset, shapes=shapes, incremental=True)
    result["incremental"] = time.perf_counter() - start
    result["incremental_conforms"] = report.conforms
    if full:
        start = time.perf_counter()
        data = union(dataset) + new
        full_report = validate_graph(data, shapes=shapes)
        result["full"] = time.perf_counter() - start
        result["full_conforms"] = full_report.conforms
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--no-full", action="store_true", help="skip full validation (for the largest sizes)")
    args = parser.parse_args(argv)
    print(f"{'target':>9} {'triples':>9} {'batch':>6} {'full s':>9} {'incr. s':>9} {'full/incr':>9}  conforms")
    for size in args.sizes:
        r = measure(size, full=not args.no_full)
        full = r.get("full")
        ratio = f"{full / r['incremental']:9.1f}" if full else f"{'-':>9}"
        full_text = f"{full:9.2f}" if full else f"{'-':>9}"
        print(f"{size:>9} {r['triples']:>9} {r['batch']:>6} {full_text} {r['incremental']:9.2f} {ratio}  "
              f"{r.get('full_conforms', '-')}/{r['incremental_conforms']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: full validation of a generated graph and validation of a ~100-node batch in
its context, at 10k / 100k / 1M triples, against stock pySHACL and pyoxigraph's load.
Prints CPU seconds of this process (medians of ``--repeat`` runs) and ratios.

    python benchmarks/validation.py                                  # 10k and 100k
    python benchmarks/validation.py --sizes 10000 100000 1000000 --pyshacl-up-to 10000

Each size is a data folder in the layout ``iokg --data`` reads, written once by
``benchmarks/synthetic.py`` (``--triples N --seed 1``) under ``--folder`` (default: the
system's temporary folder) and reused. Columns:

``triples``      distinct triples validated (the generated data plus iokg's ontology,
                 reference, curation and DISARM graphs and the derived graphs)
``ox load``      pyoxigraph's ``bulk_load`` of the same files (the bare engine: scale)
``full``         ``kg.validation.validate_dataset`` of the loaded dataset: the project's
                 shapes and the checks of ``queries/checks/`` (what ``iokg check`` runs for
                 SHACL once it has loaded the graph)
``convert``      of ``full``: the dataset copied into one Oxigraph store
``shapes``       of ``full``: the compiled shapes run by Oxigraph on that store
``rules``        of ``full``: the checks of ``queries/checks/`` on that store
``pyshacl``      stock pySHACL (``pyshacl.validate`` with iokg's options, no parse cache)
                 on the union, only up to ``--pyshacl-up-to`` triples (minutes above 10k,
                 hours at 1M)
``batch``        ``kg.validate`` of a new document of about 100 nodes against the dataset
                 (incremental: what ``iokg validate FILE`` and ``iokg add`` do once the
                 graph is loaded)
``pyshacl batch`` the same pySHACL run: pySHACL has no incremental validation, so validating
                 the batch in context is validating the union with the batch (the
                 ``pyshacl`` column is that run too: about 1,000 triples more than ``full``)

Not a test: it measures. Loading the graph with rdflib (``kg.load``) is not counted.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rdflib import Dataset, Graph

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import Generator, write_data_folder  # noqa: E402
from tasks import pyoxigraph_store as bulk_load  # noqa: E402  (the bare baseline: pyoxigraph's bulk load)


def batch(seed: int, index: int) -> Graph:
    """A batch of about 100 new nodes in a new document."""
    generator = Generator(seed=seed, operations_per_document=12)
    scratch = Dataset()
    doc, graph, language = generator.document(scratch, 900_000 + index)
    for k in range(12):
        generator.operation(graph, doc, language, 9_000_000 + index * 100 + k, 2016 + (900_000 + index) % 8)
    out = Graph()
    for triple in graph:
        out.add(triple)
    return out


def folder_for(root: Path, size: int, seed: int = 1) -> Path:
    """The data folder of ``size`` generated triples under ``root``, written if missing."""
    folder = root / f"iokg-validation-{size}-seed{seed}"
    if not (folder / "documents").is_dir():
        write_data_folder(folder, triples=size, seed=seed)
    return folder


def _cpu(function, *args, **kwargs):
    gc.collect()
    start = time.process_time()
    value = function(*args, **kwargs)
    return time.process_time() - start, value


def _median(function, repeat: int):
    runs = [_cpu(function) for _ in range(repeat)]
    return statistics.median(t for t, _ in runs), runs[0][1]


def measure(folder: Path, *, pyshacl_up_to: int, repeat: int) -> dict:
    """Figures for one data folder."""
    from kg.dataset import load, union
    from kg.store.oxigraph import MERGE_DEFAULT
    from kg.validation import load_shapes, validate, validate_dataset, validate_graph
    from kg.validation.compiler import compile_shapes
    from kg.validation.engine import dataset_store
    from kg.validation.incremental import View
    from kg.validation.rules import store_rows

    result: dict = {}
    result["ox_load"], _ = _median(lambda: bulk_load(folder), repeat)
    dataset = load(data_dir=folder)
    shapes = load_shapes(portable=True)
    new = batch(2, 0)
    compile_shapes(shapes)  # once per process
    result["full"], report = _median(lambda: validate_dataset(dataset, shapes=shapes), repeat)
    result["triples"], result["results"] = report.triples, len(report.results)
    graphs = [g for g in dataset.graphs() if len(g)]

    def convert():
        store = dataset_store(graphs)
        store.update(MERGE_DEFAULT)
        return store

    result["convert"], store = _cpu(convert)
    names = View([dataset], namespaces=dataset.namespace_manager)
    result["shapes"], _ = _cpu(validate_graph, names, shapes=shapes, store=store)
    result["rules"], _ = _cpu(store_rows, store)
    del store
    result["batch_triples"] = len(new)
    validate(new, against=dataset, shapes=shapes)  # warm
    result["batch"], outcome = _median(lambda: validate(new, against=dataset, shapes=shapes), repeat)
    result["batch_results"] = len(outcome.results)
    if result["triples"] <= pyshacl_up_to:
        import pyshacl

        data = union(dataset)
        options = {"shacl_graph": load_shapes(), "inference": "none", "advanced": True, "allow_warnings": True}
        # pySHACL validates a batch in context only by validating everything: one run on the
        # union with the batch is the baseline of both columns.
        result["pyshacl"], _ = _cpu(pyshacl.validate, data + new, **options)
        result["pyshacl_batch"] = result["pyshacl"]
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="generated triples")
    parser.add_argument("--pyshacl-up-to", type=int, default=30_000, metavar="TRIPLES",
                        help="run stock pySHACL only on graphs up to this many triples (default 30000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median; default 3)")
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()),
                        help="where the generated data folders are kept (default: the temporary folder)")
    args = parser.parse_args(argv)
    columns = ("size", "triples", "ox load", "full", "convert", "shapes", "rules", "pyshacl", "py/full", "batch",
               "pyshacl batch", "py/batch", "results")
    print(" | ".join(columns))
    print(" | ".join("---" for _ in columns))
    for size in args.sizes:
        r = measure(folder_for(args.folder, size), pyshacl_up_to=args.pyshacl_up_to, repeat=args.repeat)

        def s(key):
            return f"{r[key]:.3g} s" if key in r else "–"

        def ratio(key, of):
            return f"{r[key] / r[of]:.0f}×" if key in r and r[of] else "–"

        print(" | ".join([f"{size:,}", f"{r['triples']:,}", s("ox_load"), s("full"), s("convert"), s("shapes"),
                          s("rules"), s("pyshacl"), ratio("pyshacl", "full"), s("batch"), s("pyshacl_batch"),
                          ratio("pyshacl_batch", "batch"), f"{r['results']} / {r['batch_results']}"]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The measured tasks of ``benchmarks/run.py``, each run in a fresh Python process so that
its peak memory is its own.

    python benchmarks/tasks.py TASK --data DIR [--archive FILE] [--repeat N]

prints one JSON object: ``seconds`` (median CPU seconds of the process over the repeats;
wall time on a shared machine measures the neighbours), ``wall`` (median wall seconds),
``peak_mb`` (peak resident memory of the process), and for tasks with several parts
(``queries-*``) ``parts``: name -> median CPU seconds. Work that is not the task's (loading
the graph before a query, say) is done before the clock starts.

Tasks: ``load-iokg`` (``kg.load``: rdflib), ``load-store`` (``kg.store.open_store('oxigraph')``
when main has it), ``load-pyoxigraph`` (``Store.bulk_load`` of the same files);
``queries-iokg-rdflib``, ``queries-iokg-oxigraph``, ``queries-pyoxigraph`` (every named
query, the same text and parameters); ``validate-full-iokg``, ``validate-full-pyshacl``,
``validate-batch-iokg``; ``export-iokg-FORMAT`` (``kg.export`` of the Oxigraph store;
parts: the first, ``cold`` run, which counts the VoID description, and the ``warm`` ones,
which read it from the cache) and ``export-pyoxigraph-FORMAT`` (``Store.dump`` of the same
store) for turtle, ntriples and nquads; ``import-iokg`` (``kg.archives.import_accounts`` of a users
file) and ``import-csv`` (reading the same file with the csv module only, the floor).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

FORMATS = ("turtle", "ntriples", "nquads")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function, repeat: int) -> tuple[float, float, object]:
    cpu, wall, result = [], [], None
    for _ in range(repeat):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        result = function()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return statistics.median(cpu), statistics.median(wall), result


def has_store() -> bool:
    try:
        from kg.store import open_store  # noqa: F401
    except ImportError:
        return False
    return True


def query_parameters() -> dict[str, dict[str, str]]:
    """Parameter values for the queries that need one: benchmarks/queries.py's when main
    has it (the queries engineer's), else the same values here."""
    try:
        from queries import PARAMETERS  # benchmarks/queries.py

        return dict(PARAMETERS)
    except ImportError:
        return {"figures": {"operation": "op:synthetic-0000000"},
                "operations-by-narrative": {"narrative": "narr:covid-19"},
                "operations-targeting": {"target": "target:chinese-diaspora"}}


def pyoxigraph_store(data: Path):
    """The bare baseline: pyoxigraph's bulk load of the same files into their named graphs."""
    import pyoxigraph as ox

    from kg.dataset import sources

    store = ox.Store()
    for source in sources(data_dir=data):
        fmt = ox.RdfFormat.N_TRIPLES if source.path.suffix == ".nt" else ox.RdfFormat.TURTLE
        store.bulk_load(path=str(source.path), format=fmt, to_graph=ox.NamedNode(str(source.graph)))
    return store


def iokg_store(data: Path):
    from kg.store import open_store

    return open_store("oxigraph", data_dir=data)


def run_queries(run_one, repeat: int) -> dict[str, float]:
    from kg.queries import named_queries

    parts = {}
    params = query_parameters()
    for name in sorted(named_queries()):
        cpu, _, _ = timed(lambda: run_one(name, params.get(name, {})), repeat)
        parts[name] = cpu
    return parts


def task(name: str, data: Path, archive: Path | None, repeat: int) -> dict:
    import kg
    from kg.dataset import load

    parts = None
    if name == "load-iokg":
        cpu, wall, _ = timed(lambda: load(data_dir=data), repeat)
    elif name == "load-store":
        cpu, wall, _ = timed(lambda: iokg_store(data), repeat)
    elif name == "load-pyoxigraph":
        cpu, wall, _ = timed(lambda: pyoxigraph_store(data), repeat)
    elif name.startswith("queries-"):
        if name == "queries-pyoxigraph":
            from kg.queries import bindings, get_query, with_values

            from kg.namespaces import PREFIXES
            from kg.terms import to_oxigraph

            store = pyoxigraph_store(data)
            prefixes = {k: str(v) for k, v in PREFIXES.items()}

            def one(query_name, params):
                # The same text iokg runs: parameters as a VALUES block (pyoxigraph's own
                # substitutions need the variable in the projection).
                named = get_query(query_name)
                values = {str(k): to_oxigraph(v) for k, v in bindings(named, params).items()}
                text = with_values(named.text, values) if values else named.text
                return list(store.query(text, prefixes=prefixes, use_default_graph_as_union=True))
        elif name == "queries-iokg-oxigraph" and has_store():
            store = iokg_store(data)

            def one(query_name, params):
                return kg.query(query_name, store=store, **params)
        else:
            from kg.queries import Engine, query, to_store

            dataset = load(data_dir=data)
            if name == "queries-iokg-oxigraph":
                store = to_store(dataset)

                def one(query_name, params):
                    return query(query_name, store=store, engine=Engine.OXIGRAPH, **params)
            else:
                def one(query_name, params):
                    return query(query_name, dataset=dataset, **params)
        wall_start = time.perf_counter()
        parts = run_queries(one, repeat)
        cpu, wall = sum(parts.values()), (time.perf_counter() - wall_start) / repeat
    elif name == "validate-full-iokg":
        from kg.dataset import union
        from kg.validation import load_shapes, validate_graph

        graph, shapes = union(load(data_dir=data)), load_shapes()
        cpu, wall, _ = timed(lambda: validate_graph(graph, shapes=shapes), repeat)
    elif name == "validate-full-pyshacl":
        import pyshacl

        from kg.dataset import union
        from kg.validation import load_shapes

        graph, shapes = union(load(data_dir=data)), load_shapes()
        cpu, wall, _ = timed(lambda: pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True,
                                                      allow_warnings=True), repeat)
    elif name == "validate-batch-iokg":
        from validation import batch  # benchmarks/validation.py

        from kg.validation import load_shapes, validate

        dataset, shapes, new = load(data_dir=data), load_shapes(), batch(2, 0)
        cpu, wall, _ = timed(lambda: validate(new, against=dataset, shapes=shapes, incremental=True), repeat)
    elif name.startswith("export-iokg-"):
        # kg.export of the Oxigraph store (loaded before the clock). The first run counts the
        # VoID description (in a cache folder of its own, empty at the start); the next runs
        # read it from the cache, as a second export of the same data does: "cold" in parts.
        import os

        from kg.exports import export

        os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="iokg-bench-cache-")
        fmt = name.rsplit("-", 1)[1]
        store = iokg_store(data)
        runs = [timed(lambda: export(store, format=fmt), 1) for _ in range(repeat)]
        cpu, wall = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        parts = {"cold": runs[0][0], "warm": statistics.median(r[0] for r in runs[1:]) if repeat > 1 else None}
        shutil.rmtree(os.environ["XDG_CACHE_HOME"], ignore_errors=True)
    elif name.startswith("export-pyoxigraph-"):
        # The bare baseline: pyoxigraph's dump of the same store (iokg's, with its derived
        # graphs): N-Quads in one dump; N-Triples and Turtle, which have no named graphs,
        # as the dumps of its named graphs one after the other (unsorted, not made unique).
        import io

        import pyoxigraph as ox

        from kg.namespaces import PREFIXES

        fmt = name.rsplit("-", 1)[1]
        native = iokg_store(data).native
        prefixes = {k: str(v) for k, v in PREFIXES.items()}

        def dump():
            if fmt == "nquads":
                return native.dump(format=ox.RdfFormat.N_QUADS)
            rdf_format = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES
            output = io.BytesIO()
            for graph in native.named_graphs():
                native.dump(output, format=rdf_format, from_graph=graph, prefixes=prefixes)
            return output.getvalue()

        cpu, wall, _ = timed(dump, repeat)
    elif name == "import-iokg":
        from kg.archives import import_accounts

        folder = Path(tempfile.mkdtemp(prefix="iokg-bench-"))
        try:
            shutil.copyfile(data / "reference.ttl", folder / "reference.ttl")
            (folder / "documents").mkdir()
            for path in sorted((data / "documents").glob("*.ttl"))[:1]:
                shutil.copyfile(path, folder / "documents" / path.name)
            cpu, wall, result = timed(lambda: import_accounts(archive, operation="op:synthetic-0000000",
                                                              data_dir=folder, replace=True, progress=False), repeat)
            parts = {"rows": result.rows, "triples": result.triples}
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    elif name == "import-csv":
        import csv
        import gzip

        def read():
            with gzip.open(archive, "rt", encoding="utf-8", newline="") as handle:
                return sum(1 for _ in csv.reader(handle))

        cpu, wall, rows = timed(read, repeat)
        parts = {"rows": rows - 1}
    else:
        raise SystemExit(f"unknown task {name}")
    return {"task": name, "seconds": cpu, "wall": wall, "peak_mb": peak_mb(), "parts": parts}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--archive", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(task(args.task, args.data, args.archive, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

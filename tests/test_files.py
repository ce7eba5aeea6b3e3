"""Files: every Turtle file of the repository parses with rdflib and with pyoxigraph, a
second, independent parser; and ``kg.files.write_atomic`` writes into special files
(devices, FIFOs) instead of renaming over them."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("ontology", "shapes", "kg/data", "tests/shapes", "examples")
TURTLE = sorted(
    path
    for folder in FOLDERS
    for path in (ROOT / folder).rglob("*.ttl")
    if "bad-input" not in path.parts
)


def test_found_turtle_files():
    assert len(TURTLE) > 5
    assert any(p.parent.name == "documents" for p in TURTLE)


@pytest.mark.parametrize("path", TURTLE, ids=lambda p: str(p.relative_to(ROOT)))
def test_parses_with_rdflib_and_oxigraph(path):
    graph = Graph().parse(path, format="turtle")
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(graph) > 0
    # Both parsers see the same number of distinct triples.
    assert len({(str(q.subject), str(q.predicate), str(q.object)) for q in quads}) == len(graph)


# Writing: kg.files.write_atomic ------------------------------------------------------


def test_write_atomic_writes_into_a_special_file_without_replacing_it(tmp_path):
    """``iokg export -o /dev/null`` (or a FIFO) writes into the file: a rename over a device
    would leave a plain file in its place (as root, a plain /dev/null)."""
    import os
    import stat
    import threading

    from kg.files import write_atomic

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo, "rb").read()))
    reader.start()
    write_atomic(fifo, b"quads\n")
    reader.join(timeout=10)
    assert received == [b"quads\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]  # no temporary file left


def test_export_to_dev_null_keeps_it_a_device():
    import os
    import stat

    from support import iokg

    result = iokg("export", "--format", "ntriples", "-o", os.devnull)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)

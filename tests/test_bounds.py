"""Bounds on time and memory: ``kg.bounds.run_bounded`` and the query timeout on both engines.

A runaway query (a cartesian product, a catastrophic regex) is stopped by the timeout on
rdflib and on Oxigraph, and its CPU is freed: the child process that ran it is gone (no
``/proc/PID``) when ``LimitError`` is raised. Ctrl-C on ``iokg sparql`` kills the child
too, even on Oxigraph, which ignores Python's signal handlers while it evaluates.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef

from kg.bounds import Limits, run_bounded, using
from kg.errors import InputError, LimitError, UsageError
from kg.queries import Engine, run
from support import ROOT


@pytest.fixture
def children(monkeypatch) -> list[int]:
    """The pids of the processes ``run_bounded`` forks."""
    forked: list[int] = []
    fork = os.fork

    def recording_fork() -> int:
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording_fork)
    return forked


def _gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


def _spin() -> None:
    while True:
        pass


def test_the_result_comes_back(children):
    assert run_bounded(sum, [1, 2, 3], timeout=30) == 6
    assert len(children) == 1 and _gone(children[0])


def test_an_error_comes_back_with_its_location(children):
    def fail():
        raise InputError("bad", path="x.ttl", line=3, column=4)

    with pytest.raises(InputError) as caught:
        run_bounded(fail, timeout=30)
    assert str(caught.value) == "x.ttl:3:4: bad" and caught.value.line == 3


def test_a_timeout_kills_the_child(children):
    started = time.monotonic()
    stopped = r"^stopped after 0\.5 s \(bound: timeout 0\.5 s; --timeout SECONDS raises it\)$"
    with pytest.raises(LimitError, match=stopped):
        run_bounded(_spin, timeout=0.5)
    assert time.monotonic() - started < 5
    assert len(children) == 1 and _gone(children[0]), "the child still runs"


def test_the_memory_bound_stops_the_child(children):
    with pytest.raises(LimitError, match=r"ran out of memory \(bound: memory 256 MiB; --limit memory=N raises it\)"):
        run_bounded(bytearray, 1 << 30, timeout=60, memory=256 << 20)
    assert _gone(children[0])


def test_a_nonpositive_timeout_is_a_usage_error():
    with pytest.raises(UsageError):
        run_bounded(sum, [1], timeout=0)


def test_limits_read_sizes_and_refuse_unknown_names():
    limits = Limits().with_option("literal-size=2M").with_option("memory=1G")
    assert limits.literal_size == 2 << 20 and limits.memory == 1 << 30
    with pytest.raises(UsageError, match="--limit expects NAME=VALUE"):
        Limits().with_option("speed=3")
    with using(limits):
        from kg.bounds import limits as current

        assert current().literal_size == 2 << 20
    assert current().literal_size == Limits().literal_size


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """60 triples with literals: a four-way cartesian product is 13 million rows."""
    data = Dataset()
    graph = data.graph(URIRef("https://w3id.org/iokg/document/900"))
    for index in range(60):
        subject = URIRef(f"http://example.org/s{index}")
        graph.add((subject, URIRef("http://example.org/p"), Literal("a" * 30 + str(index))))
    return data


RUNAWAY = {
    "cartesian": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    # Backtracking is exponential in Python's re (rdflib); Oxigraph's regex engine is linear,
    # so the four patterns keep it busy past the timeout too.
    "catastrophic-regex": 'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?x . ?c ?d ?y . ?e ?f ?z . ?g ?h ?w '
                          'FILTER(REGEX(CONCAT(STR(?x), STR(?y), STR(?z), STR(?w), "!"), "^(a+)+$")) }',
}


@pytest.mark.parametrize("engine", list(Engine))
@pytest.mark.parametrize("case", sorted(RUNAWAY))
def test_a_runaway_query_is_stopped_and_its_cpu_freed(case, engine, dataset, children):
    started = time.monotonic()
    with pytest.raises(LimitError, match=r"^stopped after 1 s"):
        run(RUNAWAY[case], dataset=dataset, engine=engine, timeout=1)
    assert time.monotonic() - started < 10
    assert len(children) == 1 and _gone(children[0]), "the query's process still runs"


def _children_of(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


@pytest.mark.parametrize("engine", list(Engine))
def test_ctrl_c_stops_a_query_on_both_engines(engine, tmp_path):
    query = tmp_path / "cartesian.rq"
    query.write_text(RUNAWAY["cartesian"] + "\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "sparql", "--engine", engine.value, "--timeout", "120", "-f", str(query)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not _children_of(process.pid) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        child = _children_of(process.pid)
        assert child, "the query never started in a child process"
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert stderr == "iokg: interrupted\n"
    assert _gone(child[0]), "the query's process survived Ctrl-C"

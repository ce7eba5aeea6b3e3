"""The catalogue of hostile and unlucky inputs (tests/bad-input/): every case gets its clear
message, its documented exit code, and changes nothing.

``tests/bad-input/expected.tsv`` lists the cases: a fixture (a file or a data folder of
``tests/bad-input/``, a file the test makes such as a FIFO or a 50 MB literal, or ``-`` for
none), the ``iokg`` command line to run on it, the exit code (1 violations, 2 usage, input
or policy error, 3 a bound), the messages the output must contain, the line of the fixture
they point to, and how many results a report has. Cases run in-process through
``kg.cli.main`` (the graph is loaded once per data folder); the ones marked ``process`` run
``python -m kg`` to test the real process (a FIFO, a timeout).

For every case: the exit code, every message, the line (``[FILE:LINE]`` after the focus
node of a report, ``FILE:LINE:`` in an error), never a traceback or "internal error", an
error is one line, and the copy of ``kg/data`` is unchanged. ``add`` of the same input into
a copy of ``kg/data`` exits the same and leaves the copy byte-identical (no file added or
removed), for every ``validate`` fixture that fails before validation and for one per format
of those that fail it (see ``_addable``).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import DATA, ROOT, digest, iokg

CATALOGUE = Path(__file__).resolve().parent / "bad-input"
EXPECTED = CATALOGUE / "expected.tsv"
COLUMNS = ["file", "command", "exit", "message", "line", "results", "run"]
SUMMARY = re.compile(r"(\d+) violation\(s\), (\d+) warning\(s\)/info")
#: Fixtures the test makes (too large, or not storable in git), by the name the catalogue uses.
MADE = {"@fifo", "@literal-50mb.ttl", "@nowhere", "@dev-zero"}


@dataclass(frozen=True)
class Expectation:
    file: str
    command: str
    exit: int
    message: str
    line: int | None
    results: int | None
    run: str


def _read_expected() -> list[Expectation]:
    lines = [line for line in EXPECTED.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    assert reader.fieldnames == COLUMNS, f"expected.tsv columns must be {COLUMNS}, not {reader.fieldnames}"
    return [
        Expectation(
            file=row["file"],
            command=row["command"],
            exit=int(row["exit"]),
            message=row["message"],
            line=int(row["line"]) if row["line"] else None,
            results=int(row["results"]) if row["results"] else None,
            run=row["run"] or "in",
        )
        for row in reader
    ]


ROWS = _read_expected()
CASES: dict[tuple[str, str], list[Expectation]] = defaultdict(list)
for _row in ROWS:
    CASES[(_row.file, _row.command)].append(_row)
FIXTURES = sorted(p.name for p in CATALOGUE.iterdir() if p.name not in (EXPECTED.name, "support"))
IDS = [f"{file}::{command}" for file, command in CASES]


def test_catalogue_is_complete():
    assert len(CASES) >= 120, f"the catalogue has only {len(CASES)} cases"
    used = {file for file, _ in CASES}
    missing = [name for name in FIXTURES if name not in used]
    assert not missing, f"fixtures without a case in expected.tsv: {missing}"
    orphans = sorted(f for f in used - set(FIXTURES) - MADE - {"-"})
    assert not orphans, f"cases of expected.tsv without a fixture: {orphans}"
    commands = {command.split()[0] for _, command in CASES}
    assert {"validate", "add", "query", "sparql", "export", "check", "stats"} <= commands, commands
    for (file, command), rows in CASES.items():
        name = f"{file} {command}"
        assert "{file}" in command or file == "-", f"{name}: the command does not use its fixture"
        assert len({row.exit for row in rows}) == 1, f"{name}: rows disagree on the exit code"
        assert rows[0].exit in (1, 2, 3), f"{name}: a bad input exits 1, 2 or 3"
        assert all(row.message for row in rows), f"{name}: empty message"
        assert {row.run for row in rows} <= {"in", "process"}, f"{name}: run is 'in' or 'process'"
        counts = [row.results for row in rows if row.results is not None]
        if rows[0].exit == 1:
            assert len(counts) == 1, f"{name}: give the number of results on exactly one row"
        else:
            assert not counts, f"{name}: an error has no results"


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def loaded_once():
    """``kg.dataset.load`` remembered per data folder for this module: every case reads the
    same graph, and most cases fail before it matters."""
    import kg.dataset

    original = kg.dataset.load
    cache = {}

    def load(*, data_dir=None, ontology=True):
        key = (str(data_dir), ontology)
        if key not in cache:
            cache[key] = original(data_dir=data_dir, ontology=ontology)
        return cache[key]

    kg.dataset.load = load
    yield
    kg.dataset.load = original


def run_in_process(argv: list[str]) -> Outcome:
    """``iokg ARGV`` through ``kg.cli.main``, its output captured, from the repository root."""
    from kg.cli import main

    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="replace")
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="replace")
    saved = sys.stdout, sys.stderr, os.getcwd()
    sys.stdout, sys.stderr = stdout, stderr
    os.chdir(ROOT)
    try:
        code = main(argv)
    except SystemExit as exit:  # argparse's usage errors
        code = exit.code if isinstance(exit.code, int) else 2
    finally:
        sys.stdout, sys.stderr = saved[0], saved[1]
        os.chdir(saved[2])
    outputs = []
    for stream in (stdout, stderr):
        stream.flush()
        outputs.append(stream.buffer.getvalue().decode("utf-8", errors="replace"))
    return Outcome(int(code), *outputs)


def _make(name: str, folder: Path) -> str:
    """The path of the fixture ``name``: in the catalogue, or made in ``folder``."""
    if name == "@fifo":
        path = folder / "input.ttl"
        os.mkfifo(path)
        return str(path)
    if name == "@literal-50mb.ttl":
        path = folder / "literal-50mb.ttl"
        path.write_text('<https://w3id.org/iokg/figure/000-x> <https://w3id.org/iokg/ontology#note> "'
                        + "a" * 50_000_000 + '"@en .\n', encoding="utf-8")
        return str(path)
    if name == "@nowhere":
        return str(folder / "no" / "such" / "folder")
    if name == "@dev-zero":
        return "/dev/zero"
    return f"tests/bad-input/{name}"


def _argv(command: str, fixture: str, data: Path) -> list[str]:
    return [part.replace("{file}", fixture).replace("{data}", str(data)) for part in command.split(" ")]


def _check(rows: list[Expectation], fixture: str, outcome: Outcome) -> None:
    output = outcome.stdout + outcome.stderr
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert outcome.returncode == rows[0].exit, f"exit {outcome.returncode}, expected {rows[0].exit}:\n{output}"
    for row in rows:
        assert row.message in output, f"missing message {row.message!r} in:\n{output}"
        if row.line is None:
            continue
        if row.exit == 1:
            assert f"[{fixture}:{row.line}]" in outcome.stdout, f"no [{fixture}:{row.line}] in:\n{outcome.stdout}"
        else:
            pattern = re.escape(fixture) + r"(/[^:\s]+)?:" + str(row.line) + r"(:\d+)?: "
            assert re.search(pattern, outcome.stderr), f"no {fixture}:{row.line} in:\n{outcome.stderr}"
    if rows[0].exit != 1:
        assert outcome.stderr.startswith(("iokg: error: ", "usage: ")), outcome.stderr
        if outcome.stderr.startswith("iokg: error: "):
            assert outcome.stderr.count("\n") == 1, f"an error is one line:\n{outcome.stderr}"
    else:
        expected = next(row.results for row in rows if row.results is not None)
        summary = SUMMARY.search(outcome.stdout)
        assert summary, outcome.stdout
        violations, others = int(summary.group(1)), int(summary.group(2))
        assert violations >= 1, outcome.stdout
        assert violations + others == expected, f"{violations + others} results, expected {expected}:\n{outcome.stdout}"


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory) -> Path:
    """One copy of ``kg/data`` for the module (loaded once); each case checks it is unchanged."""
    copy = tmp_path_factory.mktemp("bad-input") / "data"
    shutil.copytree(DATA, copy)
    return copy


@pytest.mark.parametrize("case", list(CASES), ids=IDS)
def test_case_says_what_is_wrong(case, tmp_path, loaded_once, data_copy):
    file, command = case
    rows = CASES[case]
    fixture = _make(file, tmp_path)
    before = digest(data_copy)
    argv = _argv(command, fixture, data_copy)
    if rows[0].run == "process":
        result = iokg(*argv)
        outcome = Outcome(result.returncode, result.stdout, result.stderr)
    else:
        outcome = run_in_process(argv)
    _check(rows, fixture, outcome)
    assert digest(data_copy) == before, f"{command} changed the data folder"
    if file == "@nowhere":
        assert not Path(fixture).exists() and not Path(fixture).parent.exists(), "a mistyped --data was created"


def _addable() -> list[str]:
    """The fixtures to ``add``: every one that fails before validation (exit 2 or 3), and one
    per input format of those that fail validation (exit 1): ``add`` refuses them all by the
    same path, and each costs a SHACL validation."""
    cases = {file: rows[0].exit for (file, command), rows in CASES.items()
             if command.startswith("validate {file}") and file in FIXTURES}
    chosen = {file for file, code in cases.items() if code != 1}
    formats = {}
    for file in sorted(f for f, code in cases.items() if code == 1):
        formats.setdefault(Path(file).suffix, file)
    return sorted(chosen | set(formats.values()))


ADDABLE = _addable()


@pytest.mark.parametrize("name", ADDABLE)
def test_add_changes_nothing(name, loaded_once, data_copy):
    command = next(c for f, c in CASES if f == name and c.startswith("validate {file}"))
    argv = ["add", *_argv(command, f"tests/bad-input/{name}", data_copy)[1:], "--data", str(data_copy)]
    before = digest(data_copy)
    outcome = run_in_process(argv)
    output = outcome.stdout + outcome.stderr
    assert "Traceback" not in output and "internal error" not in output, output
    assert outcome.returncode == CASES[(name, command)][0].exit, output
    if outcome.returncode == 1:
        assert "nothing added" in outcome.stderr, output
    after = digest(data_copy)
    assert sorted(after) == sorted(before), f"files added or removed: {set(after) ^ set(before)}"
    changed = [path for path in before if before[path] != after[path]]
    assert not changed, f"add changed {changed}"

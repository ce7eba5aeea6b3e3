"""The catalogue of bad inputs (tests/bad-input/): every file gets its clear message.

Each file of ``tests/bad-input/`` is a small, realistic batch of new assertions with exactly
one problem (a syntax error in one of the six formats, a file iokg cannot read, a shape
violation, an unknown term, a conflicting duplicate, an oversized literal, a change to the
ontology). ``tests/bad-input/expected.tsv`` says, per file, the exit code of
``iokg validate FILE``, the messages the output must contain, the line of the file they point
to, and how many results the report has (so that one problem gives no unrelated noise).

For every file, found by glob:

- ``python -m kg validate FILE`` (from the repository root) exits with the expected code,
  prints each expected message, points to the expected line (``[FILE:LINE]`` after the focus
  node in the report, ``FILE:LINE:`` in an input error) and never a traceback;
- ``python -m kg add FILE --data COPY`` exits with the same code and leaves the copy of
  ``kg/data`` byte-identical (every file hashed, and no file added or removed).
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import DATA, digest, iokg

CATALOGUE = Path(__file__).resolve().parent / "bad-input"
EXPECTED = CATALOGUE / "expected.tsv"
COLUMNS = ["file", "command", "exit", "message", "line", "results"]
SUMMARY = re.compile(r"(\d+) violation\(s\), (\d+) warning\(s\)/info")


@dataclass(frozen=True)
class Expectation:
    file: str
    command: str
    exit: int
    message: str
    line: int | None
    results: int | None


def _read_expected() -> list[Expectation]:
    lines = [line for line in EXPECTED.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    assert reader.fieldnames == COLUMNS, f"expected.tsv columns must be {COLUMNS}, not {reader.fieldnames}"
    rows = []
    for row in reader:
        rows.append(Expectation(
            file=row["file"],
            command=row["command"],
            exit=int(row["exit"]),
            message=row["message"],
            line=int(row["line"]) if row["line"] else None,
            results=int(row["results"]) if row["results"] else None,
        ))
    return rows


ROWS = _read_expected()
BY_FILE: dict[str, list[Expectation]] = defaultdict(list)
for _row in ROWS:
    BY_FILE[_row.file].append(_row)
FILES = sorted(p.name for p in CATALOGUE.glob("*") if p.is_file() and p.name != EXPECTED.name)


def test_catalogue_is_complete():
    assert len(FILES) >= 25, f"the catalogue has only {len(FILES)} files"
    missing = [name for name in FILES if name not in BY_FILE]
    assert not missing, f"files without a row in expected.tsv: {missing}"
    orphans = sorted({row.file for row in ROWS} - set(FILES))
    assert not orphans, f"rows of expected.tsv without a file: {orphans}"
    for name, rows in BY_FILE.items():
        assert {row.command for row in rows} == {"validate"}, name
        assert len({row.exit for row in rows}) == 1, f"{name}: rows disagree on the exit code"
        assert rows[0].exit in (1, 2), f"{name}: a bad input exits 1 or 2"
        assert all(row.message for row in rows), f"{name}: empty message"
        counts = [row.results for row in rows if row.results is not None]
        if rows[0].exit == 1:
            assert len(counts) == 1, f"{name}: give the number of results on exactly one row"
        else:
            assert not counts, f"{name}: an input error has no results"


def _check_output(name: str, result: subprocess.CompletedProcess) -> None:
    rows = BY_FILE[name]
    output = result.stdout + result.stderr
    relative = f"tests/bad-input/{name}"
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert result.returncode == rows[0].exit, f"exit {result.returncode}, expected {rows[0].exit}:\n{output}"
    for row in rows:
        assert row.message in output, f"missing message {row.message!r} in:\n{output}"
        if row.line is None:
            continue
        if row.exit == 2:
            pattern = re.escape(f"{relative}:{row.line}") + r"(:\d+)?: "
            assert re.search(pattern, result.stderr), f"no {relative}:{row.line} in:\n{result.stderr}"
        else:
            assert f"[{relative}:{row.line}]" in result.stdout, f"no [{relative}:{row.line}] in:\n{result.stdout}"
    if rows[0].exit == 2:
        assert result.stderr.startswith("iokg: error: "), result.stderr
        assert result.stderr.count("\n") == 1, f"an input error is one line:\n{result.stderr}"
    else:
        expected = next(row.results for row in rows if row.results is not None)
        summary = SUMMARY.search(result.stdout)
        assert summary, result.stdout
        violations, others = int(summary.group(1)), int(summary.group(2))
        assert violations >= 1, result.stdout
        assert violations + others == expected, f"{violations + others} results, expected {expected}:\n{result.stdout}"


@pytest.mark.parametrize("name", FILES)
def test_validate_says_what_is_wrong(name):
    assert name in BY_FILE, f"{name} has no row in expected.tsv"
    _check_output(name, iokg("validate", f"tests/bad-input/{name}"))


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    copy = tmp_path_factory.mktemp("bad-input") / "data"
    shutil.copytree(DATA, copy)
    return copy, digest(copy)


@pytest.mark.parametrize("name", FILES)
def test_add_changes_nothing(name, data_copy):
    assert name in BY_FILE, f"{name} has no row in expected.tsv"
    copy, before = data_copy
    result = iokg("add", f"tests/bad-input/{name}", "--data", str(copy))
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == BY_FILE[name][0].exit, output
    if result.returncode == 1:
        assert "nothing added" in result.stderr, output
    after = digest(copy)
    assert sorted(after) == sorted(before), f"files added or removed: {set(after) ^ set(before)}"
    changed = [path for path in before if before[path] != after[path]]
    assert not changed, f"add changed {changed}"

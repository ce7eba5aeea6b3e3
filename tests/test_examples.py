"""Every worked example in examples/ validates against the graph, and can be added to it:
a curator can take it from file to graph with ``iokg validate`` and ``iokg add``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support import ROOT, iokg

EXAMPLES = sorted((ROOT / "examples").glob("*.ttl"))


def test_found_examples():
    assert EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_validates_and_adds(path, tmp_path):
    result = iokg("validate", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 violation(s)" in result.stdout
    infos = [line for line in result.stdout.splitlines() if line.startswith("  ") and line.strip()]
    assert all("introduced by this batch" in line for line in infos), "only new reference entities are told"

    data = tmp_path / "data"
    shutil.copytree(ROOT / "kg" / "data", data)
    added = iokg("add", "--data", str(data), str(path))
    assert added.returncode == 0, added.stdout + added.stderr
    files = added.stdout.strip().splitlines()[-1].split(": ", 1)[1].split(", ")
    documents = [Path(f) for f in files if Path(f).parent == data / "documents"]
    assert len(documents) == 1 and documents[0].is_file(), files

    check = iokg("check", "--no-reasoner", "--data", str(data))
    assert check.returncode == 0, check.stdout
    operations = iokg("query", "operations", "--data", str(data), "--format", "csv")
    assert operations.returncode == 0
    assert "https://w3id.org/iokg/operation/russia-2022-news-spoofing" in operations.stdout

"""The console script ``iokg``: check, stats and overview, with their exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "kg" / "data"
SCRIPT = Path(sys.executable).parent / "iokg"


def iokg(*args: str, script: bool = False) -> subprocess.CompletedProcess:
    command = [str(SCRIPT)] if script else [sys.executable, "-m", "kg"]
    return subprocess.run(command + list(args), cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_console_script_is_installed_and_runs():
    assert SCRIPT.is_file(), f"no console script at {SCRIPT}: install the package first (pip install -e '.[test]')"
    result = iokg("--help", script=True)
    assert result.returncode == 0
    for command in ("check", "stats", "overview", "query", "queries", "sparql"):
        assert command in result.stdout


def test_check_passes_on_the_graph():
    result = iokg("check", script=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SHACL: conforms" in result.stdout
    assert "check: ok" in result.stdout


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


PLANTED = """
@prefix io: <https://w3id.org/iokg/ontology#> .
@prefix fig: <https://w3id.org/iokg/figure/> .
@prefix op: <https://w3id.org/iokg/operation/> .
@prefix doc: <https://w3id.org/iokg/document/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
fig:000-planted a io:ReportedFigure ;
    rdfs:label "planted: a negative count"@en ;
    io:value -5 ;
    io:measures io:accounts ;
    io:role io:total ;
    io:qualifier io:exact ;
    io:aboutOperation op:spamouflage ;
    io:reportedIn doc:000 ;
    io:evidence "7704 accounts"@nl .
"""


def test_check_fails_with_exit_1_on_a_planted_violation(data_copy):
    path = data_copy / "documents" / "000.ttl"
    path.write_text(path.read_text(encoding="utf-8") + PLANTED, encoding="utf-8")
    result = iokg("check", "--no-reasoner", "--data", str(data_copy))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "fig:000-planted" in result.stdout
    assert "check: FAILED" in result.stdout


def test_check_fails_on_an_undeclared_term(data_copy):
    path = data_copy / "documents" / "004.ttl"
    text = path.read_text(encoding="utf-8").replace("io:targets ", "io:targetd ", 1)
    path.write_text(text, encoding="utf-8")
    result = iokg("check", "--no-reasoner", "--data", str(data_copy))
    assert result.returncode == 1
    assert "did you mean <https://w3id.org/iokg/ontology#targets>" in result.stdout


def test_check_reports_a_syntax_error_with_file_and_line(data_copy):
    path = data_copy / "documents" / "001.ttl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[40] = lines[40] + " ;;; ]"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in (data_copy / "documents").iterdir()}
    result = iokg("check", "--no-reasoner", "--data", str(data_copy))
    assert result.returncode == 2
    assert "001.ttl:41" in result.stderr
    assert "Traceback" not in result.stderr
    assert before == {p.name: p.read_bytes() for p in (data_copy / "documents").iterdir()}


def test_missing_data_folder_is_an_input_error(tmp_path):
    result = iokg("stats", "--data", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "no such folder" in result.stderr
    assert not (tmp_path / "nowhere").exists()
    assert "Traceback" not in result.stderr


def test_stats_counts_classes_graphs_and_languages():
    result = iokg("stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    import json

    stats = json.loads(result.stdout)
    assert stats["classes"]["io:InfluenceOperation"] == 7
    assert set(stats["languages"]) == {"en", "fr", "nl", "sv"}
    assert stats["languages"]["nl"]["documents"] == 2
    assert {"doc:000", "doc:004", "graph:reference", "graph:curation", "graph:disarm"} <= set(stats["graphs"])
    text = iokg("stats")
    assert text.returncode == 0 and "per source language" in text.stdout


def test_overview_is_the_main_job():
    result = iokg("overview", script=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SHACL: conforms" in result.stdout
    assert "Spamouflage" in result.stdout


def test_usage_error_exits_2():
    result = iokg("no-such-command")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("argv", [["--debug", "queries"], ["queries", "--debug"]])
def test_debug_is_accepted_anywhere_on_the_line(argv, capsys, monkeypatch):
    """Errors say "run with --debug"; it works before and after the subcommand. With it, an
    internal error raises (a traceback) instead of the one-line message."""
    import kg.cli
    import kg.queries

    assert kg.cli.main(argv) == 0
    assert "figures" in capsys.readouterr().out

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(kg.queries, "named_queries", broken)
    assert kg.cli.main(["queries"]) == 2
    assert "internal error: RuntimeError: boom (run with --debug for details)" in capsys.readouterr().err
    with pytest.raises(RuntimeError, match="boom"):
        kg.cli.main(argv)

"""The query commands of the CLI: ``queries``, ``query NAME`` and ``sparql``, run as a user
runs them (``python -m kg`` in a subprocess from the repository root): output formats that
parse, parameters as full IRIs or prefixed names, errors that exit 2 with a message and no
traceback, and parameter values that stay values."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
DATA = ROOT / "kg" / "data"
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"
INJECTION = "x> } DROP ALL #"


def iokg(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONNOUSERSITE"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "kg", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def data_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(DATA.rglob("*.ttl")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def test_query_files_are_collected():
    assert len(QUERY_FILES) > 0


def test_queries_lists_every_query():
    result = iokg("queries")
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.splitlines() if line and not line[0].isspace()}
    assert listed == {p.stem for p in QUERY_FILES}
    assert "parameters: operation=<iri>" in result.stdout  # figures
    assert "[limit=<integer>]" in result.stdout  # largest-removals, optional


@pytest.fixture(scope="module")
def removals() -> dict[str, subprocess.CompletedProcess]:
    return {fmt: iokg("query", "removals-by-platform", "--format", fmt) for fmt in ("csv", "tsv", "json", "xml", "table")}


def test_formats_exit_0(removals):
    for fmt, result in removals.items():
        assert result.returncode == 0, (fmt, result.stderr)
        assert result.stderr == ""


def test_csv(removals):
    rows = list(csv.DictReader(io.StringIO(removals["csv"].stdout)))
    assert rows
    assert {"platform", "measure", "operation", "minValue", "maxValue"} <= set(rows[0])
    assert ("https://w3id.org/iokg/platform/facebook", "7704") in {(r["platform"], r["maxValue"]) for r in rows}


def test_tsv(removals):
    lines = removals["tsv"].stdout.splitlines()
    header = lines[0].split("\t")
    assert all(h.startswith("?") for h in header)
    assert all(len(line.split("\t")) == len(header) for line in lines[1:])
    assert len(lines) - 1 == len(list(csv.DictReader(io.StringIO(removals["csv"].stdout))))
    assert any(line.startswith("<https://w3id.org/iokg/platform/twitter>") for line in lines[1:])


def test_json(removals):
    doc = json.loads(removals["json"].stdout)
    assert "platform" in doc["head"]["vars"]
    bindings = doc["results"]["bindings"]
    assert bindings and bindings[0]["platform"]["type"] == "uri"
    assert {b["maxValue"]["value"] for b in bindings} >= {"7704", "954", "15", "936", "7340", "1152", "70"}


def test_xml(removals):
    root = ET.fromstring(removals["xml"].stdout)
    assert root.tag == f"{SPARQL_RESULTS}sparql"
    names = [v.get("name") for v in root.iter(f"{SPARQL_RESULTS}variable")]
    assert "platform" in names
    results = list(root.iter(f"{SPARQL_RESULTS}result"))
    assert len(results) == len(json.loads(removals["json"].stdout)["results"]["bindings"])


def test_table(removals):
    out = removals["table"].stdout
    assert "Facebook" in out and "Spamouflage" in out
    assert out.rstrip().endswith("rows)")


def test_parameter_as_full_iri_and_as_prefixed_name():
    full = iokg("query", "figures", "--param", "operation=https://w3id.org/iokg/operation/spamouflage", "--format", "tsv")
    short = iokg("query", "figures", "--param", "operation=op:spamouflage", "--format", "tsv")
    assert full.returncode == short.returncode == 0, full.stderr + short.stderr
    assert full.stdout == short.stdout
    assert len(full.stdout.splitlines()) > 1


def test_optional_parameter_on_oxigraph():
    result = iokg("query", "operations-by-sponsor", "-p", "sponsor=country:china", "--engine", "oxigraph", "--format", "json")
    assert result.returncode == 0, result.stderr
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert [b["sponsor"]["value"] for b in bindings] == ["https://w3id.org/iokg/country/china"]
    # The three China-sponsored operations of the curated documents (more when a curator adds some).
    operations = set(bindings[0]["operations"]["value"].split(" | "))
    assert {"Spamouflage", "China-linked network targeting the Hong Kong protests (2019)",
            "China-linked network removed by Twitter (June 2020)"} <= operations
    assert int(bindings[0]["operationCount"]["value"]) == len(operations)


def test_limit_parameter():
    result = iokg("query", "largest-removals", "-p", "limit=2", "--format", "csv")
    assert result.returncode == 0, result.stderr
    ranks = [int(row["rank"]) for row in csv.DictReader(io.StringIO(result.stdout))]
    assert ranks and all(rank <= 2 for rank in ranks)  # ties share a rank, so a tie may add rows


def test_missing_required_parameter():
    result = iokg("query", "figures")
    assert result.returncode == 2
    assert "operation" in result.stderr
    assert result.stdout == ""


def test_parameter_of_the_wrong_type():
    result = iokg("query", "largest-removals", "-p", "limit=ten")
    assert result.returncode == 2
    assert "limit" in result.stderr


def test_unknown_query_lists_the_known_ones():
    result = iokg("query", "no-such-query")
    assert result.returncode == 2
    assert "no-such-query" in result.stderr
    for path in QUERY_FILES:
        assert path.stem in result.stderr


def test_malformed_sparql_reports_line_and_column():
    result = iokg("sparql", "SELECT ?s WHERE {\n  ?s ?p \n}")
    assert result.returncode == 2
    assert "line" in result.stderr and "column" in result.stderr
    assert "malformed SPARQL" in result.stderr


def test_sparql_runs_ad_hoc_queries_from_a_file():
    result = iokg("sparql", "-f", str(ROOT / "queries" / "operations.rq"), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) >= 6


def test_injection_as_iri_parameter_is_rejected():
    before = data_digest()
    for engine in ("rdflib", "oxigraph"):
        result = iokg("query", "figures", "--param", f"operation={INJECTION}", "--engine", engine)
        assert result.returncode == 2
        assert "not an IRI" in result.stderr
    assert data_digest() == before


def test_injection_as_literal_parameter_is_a_value():
    before = data_digest()
    for engine in ("rdflib", "oxigraph"):
        result = iokg("query", "sources", "--param", f"language={INJECTION}", "--engine", engine, "--format", "json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["results"]["bindings"] == []
        # The graph is unchanged: the same query without the value still finds every source.
        after = iokg("query", "sources", "--engine", engine, "--format", "json")
        assert len(json.loads(after.stdout)["results"]["bindings"]) >= 12
    assert data_digest() == before


def test_update_through_sparql_is_refused():
    before = data_digest()
    result = iokg("sparql", "DROP ALL")
    assert result.returncode == 2
    assert "SPARQL Update (DROP) is not accepted" in result.stderr
    assert data_digest() == before

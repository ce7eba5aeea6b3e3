"""The ontology QC report (``iokg check --report``, kg/quality.py), in the manner of ROBOT's.

Data-driven over ``tests/qc/``: every rule of ``queries/checks/qc/`` has a small ontology
(with data where the rule looks at uses) that fails it, named ``<rule>.ttl``, whose
``# expect: RULE <IRI>`` line names the entity the rule must report. The default profile
lists every rule once; a profile changes levels, leaves rules out and adds queries of one's
own; exit codes follow the levels (``--fail-on``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from rdflib import Dataset, Graph

from kg.cli import main
from kg.errors import UsageError
from kg.parsing import parse_file
from kg.quality import DEFAULT_PROFILE, RULES_DIR, Level, QualityFormat, format_report, read_profile, report
from support import ROOT

FIXTURES = ROOT / "tests" / "qc"
FIXTURE_FILES = sorted(FIXTURES.glob("*.ttl"))
RULE_FILES = sorted(RULES_DIR.glob("*.rq"))
_EXPECT = re.compile(r"^# expect: (\S+) <([^>]+)>$", re.MULTILINE)


def fixture_dataset(path: Path) -> Dataset:
    """The fixture as the whole graph: its triples in one named graph."""
    dataset = Dataset()
    graph = dataset.graph(f"https://example.org/fixture/{path.stem}")
    graph += parse_file(path)
    return dataset


@pytest.fixture(scope="module")
def iokg_report():
    return report()


def test_rules_and_fixtures_are_collected():
    assert len(RULE_FILES) >= 30, f"ROBOT's report has about 30 rules; found {len(RULE_FILES)}"
    assert {p.stem for p in FIXTURE_FILES} == {p.stem for p in RULE_FILES}, "every rule needs a failing fixture"


def test_default_profile_names_every_rule_once():
    rules = read_profile()
    assert sorted(r.name for r in rules) == sorted(p.stem for p in RULE_FILES)
    lines = [line for line in DEFAULT_PROFILE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert len(lines) == len(RULE_FILES)
    assert {r.level for r in rules} == set(Level), "the default profile uses every level"
    assert all(r.summary and r.description for r in rules)


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_rule_selects_robots_columns(path):
    text = path.read_text(encoding="utf-8")
    assert re.search(r"SELECT DISTINCT \?entity \?property \?value\b", text), path.name


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.stem)
def test_rule_finds_its_fixture(path):
    expected = _EXPECT.findall(path.read_text(encoding="utf-8"))
    assert expected, f"{path.name} has no '# expect: RULE <IRI>' line"
    result = report(dataset=fixture_dataset(path), shapes=Graph())
    for rule, entity in expected:
        found = [f for f in result.findings if f.rule == rule]
        assert any(f.entity == entity for f in found), f"{rule} did not report <{entity}>; it found {found}"
        level = next(r.level for r in result.rules if r.name == rule)
        assert all(f.level is level for f in found)


def test_iokg_ontology_has_no_error_findings(iokg_report):
    counts = iokg_report.counts()
    errors = [f for f in iokg_report.findings if f.level is Level.ERROR]
    assert not errors, "\n".join(map(str, errors))
    assert len(iokg_report.rules) == len(RULE_FILES)
    print(f"QC report on iokg: {len(iokg_report.rules)} rules, "
          + ", ".join(f"{level.value} {n}" for level, n in counts.items()))
    for finding in iokg_report.findings:
        print(f"  {finding.level.value}\t{finding.rule}\t{finding.entity}\t{finding.property}\t{finding.value}")


def test_report_formats(iokg_report):
    tsv = format_report(iokg_report, QualityFormat.TSV).splitlines()
    assert tsv[0] == "Level\tRule Name\tSubject\tProperty\tValue"
    assert len(tsv) == len(iokg_report.findings) + 1
    document = json.loads(format_report(iokg_report, "json"))
    assert len(document["rules"]) == len(iokg_report.rules)
    assert len(document["findings"]) == len(iokg_report.findings)
    page = format_report(iokg_report, "html")
    root = ElementTree.fromstring(page.split("\n", 1)[1])  # the page is well-formed XML after its doctype
    assert len(root.findall(".//tbody/tr")) == len(iokg_report.rules) + len(iokg_report.findings)
    with pytest.raises(UsageError, match="tsv, html, json"):
        format_report(iokg_report, "yaml")


def test_html_escapes_values():
    fixture = FIXTURES / "label-formatting.ttl"
    text = fixture.read_text(encoding="utf-8").replace('"Broken\\nlabel"', '"<b>Broken</b>\\nlabel"')
    dataset = Dataset()
    dataset.graph("https://example.org/f").parse(data=text, format="turtle")
    page = format_report(report(dataset=dataset, shapes=Graph()), "html")
    assert "<b>Broken" not in page and "&lt;b&gt;Broken" in page


def test_profile_changes_levels_drops_rules_and_adds_queries(tmp_path):
    own = tmp_path / "queries" / "no-thing.rq"
    own.parent.mkdir()
    own.write_text("#+ summary: Every class named Thing\n#+ description: A query of a curator's own.\n"
                   "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
                   "SELECT DISTINCT ?entity ?property ?value WHERE { ?entity a owl:Class "
                   'FILTER(STRENDS(STR(?entity), "#Thing")) }\n', encoding="utf-8")
    profile = tmp_path / "profile.txt"
    profile.write_text("# mine\nINFO\tproperty-without-domain\nERROR  file:queries/no-thing.rq\n", encoding="utf-8")
    result = report(dataset=fixture_dataset(FIXTURES / "property-without-domain.ttl"), shapes=Graph(), profile=profile)
    assert [r.name for r in result.rules] == ["no-thing", "property-without-domain"]
    assert {(f.rule, f.level) for f in result.findings} == {("no-thing", Level.ERROR), ("property-without-domain", Level.INFO)}
    assert result.failed(Level.ERROR) and result.failed(Level.INFO)


@pytest.mark.parametrize("line, message", [
    ("FATAL\tmissing-label", "unknown level 'FATAL'"),
    ("ERROR\tno-such-rule", "unknown rule 'no-such-rule'"),
    ("ERROR", "expected LEVEL<TAB>RULE"),
])
def test_bad_profile_is_a_usage_error_with_its_line(tmp_path, line, message):
    profile = tmp_path / "profile.txt"
    profile.write_text(f"# comment\n{line}\n", encoding="utf-8")
    with pytest.raises(UsageError) as error:
        read_profile(profile)
    assert f"{profile}:2: {message}" in str(error.value)


def test_cli_exit_codes_follow_the_levels(tmp_path, capsys):
    out = tmp_path / "report.tsv"
    assert main(["check", "--report", "-o", str(out)]) == 0  # no ERROR on iokg
    assert out.read_text(encoding="utf-8").startswith("Level\t")
    assert main(["check", "--report", "--fail-on", "INFO", "-o", str(out)]) == (1 if report().findings else 0)
    assert main(["check", "--report", "--fail-on", "none", "--format", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["rules"]
    profile = tmp_path / "bad.txt"
    profile.write_text("SEVERE\tmissing-label\n", encoding="utf-8")
    assert main(["check", "--report", "--profile", str(profile)]) == 2
    assert "unknown level" in capsys.readouterr().err

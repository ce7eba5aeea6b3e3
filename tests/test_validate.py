"""``iokg validate`` and ``kg.validation.validate``: new assertions checked in the context of the
existing graph, with the same results from the Python API and the command line, a standard
SHACL report in Turtle, ``--strict``, and results only for what the new assertions cause.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from support import DATA, PREFIXES, ROOT, iokg

PREFIX_LINES = PREFIXES.count("\n")

BAD = ROOT / "tests" / "bad-input"


#: A new operation reported in document 000 that no attribution and no response is about:
#: two warnings (sh:Warning), no violation.
WARNINGS_ONLY = PREFIXES + textwrap.dedent("""
    op:spamouflage-youtube a io:InfluenceOperation ;
        rdfs:label "Spamouflage on YouTube"@en ;
        io:sponsoredBy country:china ;
        io:activeOn platform:youtube ;
        io:targets country:taiwan ;
        io:relatedOperation op:spamouflage ;
        io:reportedIn doc:000 ;
        io:evidence "Naast Facebook en Instagram zegt Meta dat het netwerk ook nog actief was op andere sociale media, waaronder X, YouTube, TikTok, Reddit en Pinterest."@nl .
""")


def figure(slug: str, *, document: str = "000", operation: str = "spamouflage", extra: str = "") -> str:
    """A new figure (fig:<slug>) about an operation, reported in a document."""
    return PREFIXES + textwrap.dedent(f"""
        fig:{slug} a io:ReportedFigure ;
            rdfs:label "A new figure"@en ;
            io:value 3 ;
            io:measures io:pages ;
            io:role io:core ;
            io:qualifier io:exact ;
            io:onPlatform platform:facebook ;
            io:aboutOperation op:{operation} ;
            io:reportedIn doc:{document} ;{extra}
            io:evidence "3 pagina's"@nl .
    """)


@pytest.fixture(scope="module")
def existing() -> Dataset:
    from kg.dataset import load

    return load()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _flatten_json(document: dict) -> list[tuple]:
    rows = []
    for group in document["results"]:
        for problem in group["problems"]:
            rows.append((group["focus"], group["label"], problem["severity"], problem["path"], problem["value"],
                         problem["message"], problem["shape"], problem["location"]))
    return sorted(rows)


def _flatten_report(report) -> list[tuple]:
    return sorted((r.focus, r.label, r.severity.value, r.path, r.value, r.message, r.shape, r.location)
                  for r in report.results)


# The Python API and the command line ----------------------------------------------------------

API_CASES = ["unknown-operation.ttl", "date-unparseable.ttl", "two-english-labels.ttl", "unknown-predicate.ttl",
             "jsonld-evidence-without-language.jsonld"]


@pytest.mark.parametrize("name", API_CASES)
def test_api_gives_the_same_results_as_the_cli(name, existing):
    from kg.validation import validate

    path = f"tests/bad-input/{name}"
    cli = iokg("validate", "--format", "json", path)
    assert cli.returncode == 1, cli.stdout + cli.stderr
    document = json.loads(cli.stdout)

    import os

    cwd = os.getcwd()
    os.chdir(ROOT)  # locations name the file as given, so give it the same way
    try:
        report = validate(path, against=existing)
    finally:
        os.chdir(cwd)
    assert report.conforms is document["conforms"] is False
    assert len(report.violations) == document["violations"]
    assert _flatten_report(report) == _flatten_json(document)
    assert all(r.location.startswith(f"{path}:") for r in report.results)


def test_api_accepts_a_graph_and_a_list_of_files(existing, tmp_path):
    from kg.validation import validate

    path = BAD / "negative-count.ttl"
    from_file = validate(path, against=existing)
    from_list = validate([path], against=existing)
    from_graph = validate(Graph().parse(path, format="turtle"), against=existing)
    assert [r.message for r in from_file.results] == [r.message for r in from_list.results]
    assert [(r.focus, r.message, r.value) for r in from_graph.results] == [(r.focus, r.message, r.value) for r in from_file.results]
    assert from_graph.results[0].location == ""  # a graph has no file to point into


def test_cli_warnings_only_batch(tmp_path):
    path = write(tmp_path, "new-operation.ttl", WARNINGS_ONLY)
    result = iokg("validate", "--format", "json", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads(result.stdout)
    assert document["conforms"] is True and document["violations"] == 0
    severities = [p["severity"] for g in document["results"] for p in g["problems"]]
    assert severities == ["Warning", "Warning"]


# The Turtle report is a SHACL validation report -------------------------------------------------


def test_turtle_report_is_a_shacl_validation_report():
    path = "tests/bad-input/unknown-operation.ttl"
    as_json = json.loads(iokg("validate", "--format", "json", path).stdout)
    result = iokg("validate", "--format", "turtle", path)
    assert result.returncode == 1, result.stdout + result.stderr
    graph = Graph().parse(data=result.stdout, format="turtle")
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1
    report = reports[0]
    assert graph.value(report, SH.conforms) == Literal(False)
    results = list(graph.objects(report, SH.result))
    expected = sum(len(g["problems"]) for g in as_json["results"])
    assert len(results) == expected == 3
    for node in results:
        assert (node, RDF.type, SH.ValidationResult) in graph
        assert graph.value(node, SH.resultSeverity) == SH.Violation
        assert graph.value(node, SH.focusNode) == URIRef("https://w3id.org/iokg/figure/000-instagram-pages")
        assert graph.value(node, SH.resultMessage) is not None
        assert graph.value(node, SH.value) == URIRef("https://w3id.org/iokg/operation/spamoflage")
        assert graph.value(node, SH.sourceConstraintComponent) is not None, "SHACL requires one on every result"


def test_turtle_report_of_a_conforming_batch(tmp_path):
    path = write(tmp_path, "figure.ttl", figure("000-facebook-pages-core", extra="\n    io:partOf fig:000-facebook-pages ;"))
    result = iokg("validate", "--format", "turtle", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    graph = Graph().parse(data=result.stdout, format="turtle")
    report = graph.value(predicate=RDF.type, object=SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(True)
    assert not list(graph.objects(report, SH.result))


# --strict ------------------------------------------------------------------------------------


def test_strict_turns_warnings_into_failure(tmp_path):
    path = write(tmp_path, "new-operation.ttl", WARNINGS_ONLY)
    lenient = iokg("validate", str(path))
    assert lenient.returncode == 0, lenient.stdout + lenient.stderr
    assert "Warning: No io:Attribution is about this operation" in lenient.stdout
    assert ("does not conform (sh:conforms false): 0 violation(s), 2 warning(s)/info; "
            "iokg passes (exit 0): warnings and infos fail only with --strict") in lenient.stdout
    strict = iokg("validate", "--strict", str(path))
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert strict.stdout.splitlines()[:-1] == lenient.stdout.splitlines()[:-1]
    assert strict.stdout.splitlines()[-1].endswith("iokg fails (exit 1): warnings and infos fail under --strict")


def test_turtle_report_of_warnings_only_says_sh_conforms_false(tmp_path, existing):
    """SHACL: sh:conforms is false whenever there is a result, whatever its severity; iokg's
    own verdict (warnings pass without --strict) is stated beside it in the text report."""
    from kg.validation import ReportFormat, format_report, validate

    report = validate(write(tmp_path, "new-operation.ttl", WARNINGS_ONLY), against=existing)
    assert report.conforms and report.results and not report.violations
    graph = Graph().parse(data=format_report(report, ReportFormat.TURTLE), format="turtle")
    root = graph.value(predicate=RDF.type, object=SH.ValidationReport)
    assert graph.value(root, SH.conforms) == Literal(False)
    assert len(list(graph.objects(root, SH.result))) == len(report.results)
    as_json = json.loads(format_report(report, ReportFormat.JSON))
    assert as_json["conforms"] is True and as_json["shacl_conforms"] is False
    assert json.loads(format_report(report, ReportFormat.JSON, strict=True))["conforms"] is False


def test_strict_add_refuses_a_warning_batch(tmp_path):
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    path = write(tmp_path, "new-operation.ttl", WARNINGS_ONLY)
    strict = iokg("add", "--strict", str(path), "--as", "000", "--data", str(copy))
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert (copy / "documents" / "000.ttl").read_bytes() == (DATA / "documents" / "000.ttl").read_bytes()


# Only what the new assertions cause -------------------------------------------------------------


@pytest.mark.parametrize("document", ["000", "003"])
def test_repeating_existing_triples_gives_no_results(document, existing):
    """A batch that repeats a whole document graph adds nothing: no results, not even the
    infos and warnings the existing graph has."""
    from kg.validation import validate, validate_graph
    from kg.dataset import union

    assert validate_graph(union(existing)).results, "the graph has infos to leave out"
    report = validate(DATA / "documents" / f"{document}.ttl", against=existing)
    assert report.conforms
    assert report.results == []


def test_repeating_existing_triples_cli():
    result = iokg("validate", "kg/data/documents/000.ttl")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "conforms: 0 violation(s), 0 warning(s)/info\n"


def test_old_problems_of_a_touched_node_are_not_reported(existing, tmp_path):
    """fig:000-facebook-accounts has an existing info (7,704 of a rounded total of 7,700); a
    batch that adds a note to it reports nothing."""
    from kg.validation import validate

    path = write(tmp_path, "note.ttl", PREFIXES + 'fig:000-facebook-accounts io:note "Checked against Meta\'s report."@en .\n')
    report = validate(path, against=existing)
    assert report.conforms and report.results == []


# In the context of the existing graph -----------------------------------------------------------


def test_references_to_existing_nodes_resolve(existing, tmp_path):
    """A new figure that refers to op:spamouflage, doc:000 and platform:facebook conforms
    against the graph, and fails without it (nothing to resolve the references to)."""
    from kg.namespaces import ONTOLOGY
    from kg.validation import validate

    path = write(tmp_path, "figure.ttl", figure("000-facebook-pages-core", extra="\n    io:partOf fig:000-facebook-pages ;"))
    assert validate(path, against=existing).results == []

    ontology_only = Dataset()
    ontology_only.graph(URIRef(ONTOLOGY)).__iadd__(existing.graph(URIRef(ONTOLOGY)))
    alone = validate(path, against=ontology_only)
    assert not alone.conforms
    messages = " ".join(r.message for r in alone.results)
    assert "must point to an io:InfluenceOperation" in messages
    assert "must point to an io:Platform" in messages


def test_part_of_a_total_of_another_document(existing, tmp_path):
    from kg.validation import validate

    path = write(tmp_path, "figure.ttl", figure("000-facebook-pages-core", extra="\n    io:partOf fig:001-facebook-pages-removed ;"))
    report = validate(path, against=existing)
    assert not report.conforms
    assert [r.message for r in report.violations] == [
        "This figure is io:partOf fig:001-facebook-pages-removed, which no document that "
        "reports this figure reports: parts and totals come from the same document."
    ]
    assert report.violations[0].focus == "fig:000-facebook-pages-core"
    assert report.violations[0].location == f"{path}:{PREFIX_LINES + 2}"


def test_part_above_an_existing_total(existing, tmp_path):
    """fig:000-facebook-pages is 954 exactly: a new part of 1,000 exceeds it."""
    from kg.validation import validate

    text = figure("000-facebook-pages-core", extra="\n    io:partOf fig:000-facebook-pages ;").replace("io:value 3 ;", "io:value 1000 ;").replace("3 pagina's", "1000 pagina's")
    report = validate(write(tmp_path, "figure.ttl", text), against=existing)
    assert [r.message for r in report.results] == [
        "This part (1000) exceeds its total fig:000-facebook-pages (954) in the same document."
    ]


def test_figure_about_an_operation_its_document_does_not_report(existing, tmp_path):
    """op:hong-kong-2019 exists, but document 000 does not report it."""
    from kg.validation import validate

    report = validate(write(tmp_path, "figure.ttl", figure("000-facebook-pages-core", operation="hong-kong-2019")),
                      against=existing)
    assert [r.message for r in report.results] == [
        "op:hong-kong-2019 is not reported in doc:000, "
        "which reports this record: give the operation io:reportedIn doc:000 in that "
        "document's graph."
    ]


def test_new_value_conflicts_with_an_existing_one(existing, tmp_path):
    """A second io:value on an existing figure is a violation of the existing node."""
    from kg.validation import validate

    report = validate(write(tmp_path, "value.ttl", PREFIXES + "fig:000-facebook-pages io:value 950 .\n"), against=existing)
    found = [(r.focus, r.path, r.severity.value) for r in report.results if r.path == "io:value"]
    assert found == [("fig:000-facebook-pages", "io:value", "Violation")]
    assert [r.label for r in report.results if r.path == "io:value"] == ["Spamouflage: 954 Facebook pages removed"]
    # The only other result is the evidence rule: 950 is in no evidence quote of the figure.
    assert all("does not appear in any io:evidence" in r.message for r in report.results if r.path != "io:value")


def test_new_date_of_an_existing_response_checked_against_its_documents_and_dates(existing, tmp_path):
    """resp:meta-spamouflage-takedown is reported in document 000 (June 2025) and dated 2023-08
    in the curation graph: a new date of 2025-07 is after the document and disagrees with the
    existing date; 2023-08-29 agrees with both."""
    from kg.validation import validate

    path = write(tmp_path, "date.ttl", PREFIXES + 'resp:meta-spamouflage-takedown io:date "2025-07"^^xsd:gYearMonth .\n')
    report = validate(path, against=existing)
    assert sorted(r.message for r in report.results) == [
        "Dated 2025-07, after the date 2025-06 of doc:000, which reports it.",
        "Dated both 2023-08 and 2025-07, which disagree.",
    ]
    assert {r.focus for r in report.results} == {"resp:meta-spamouflage-takedown"}
    assert {r.location for r in report.results} == {f"{path}:{PREFIX_LINES + 1}"}  # the line after the prefixes
    precise = write(tmp_path, "precise.ttl", PREFIXES + 'resp:meta-spamouflage-takedown io:date "2023-08-29"^^xsd:date .\n')
    assert validate(precise, against=existing).results == []


def test_incremental_and_full_agree_on_a_context_case(existing, tmp_path):
    from kg.validation import validate

    path = write(tmp_path, "figure.ttl", figure("000-facebook-pages-core", extra="\n    io:partOf fig:001-facebook-pages-removed ;"))
    incremental = validate(path, against=existing)
    full = validate(path, against=existing, incremental=False)
    assert _flatten_report(incremental) == _flatten_report(full)


# Input errors ------------------------------------------------------------------------------------


def test_input_format_option_reads_an_unknown_extension(tmp_path):
    path = write(tmp_path, "figure.n3", figure("000-facebook-pages-core", extra="\n    io:partOf fig:000-facebook-pages ;"))
    refused = iokg("validate", str(path))
    assert refused.returncode == 2
    assert "give --input-format" in refused.stderr
    accepted = iokg("validate", "--input-format", "ttl", str(path))
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_missing_file_is_an_input_error(tmp_path):
    result = iokg("validate", str(tmp_path / "nowhere.ttl"))
    assert result.returncode == 2
    assert result.stderr == f"iokg: error: {tmp_path / 'nowhere.ttl'}: no such file\n"


def test_location_skips_comments_that_name_the_node(existing, tmp_path):
    """A curator's comment that names the node is not where the node is."""
    from kg.validation import validate

    text = PREFIXES + "# fig:000-facebook-pages: the corrected value from Meta's report\nfig:000-facebook-pages io:value 950 .\n"
    path = write(tmp_path, "commented.ttl", text)
    report = validate(path, against=existing)
    assert report.results and {r.location for r in report.results} == {f"{path}:{PREFIX_LINES + 2}"}


# One rule set: every check of queries/checks/ is enforced by validate ---------------------

CHECK_FIXTURES = sorted((ROOT / "tests" / "checks").glob("*.t*"))


def _check_batch(path: Path) -> Dataset:
    dataset = Dataset()
    dataset.parse(data=PREFIXES + path.read_text(encoding="utf-8"), format="trig")
    return dataset


def test_every_check_has_a_fixture():
    from kg.queries import checks

    assert CHECK_FIXTURES
    assert {p.stem + "-violation" for p in CHECK_FIXTURES} == set(checks())


@pytest.mark.parametrize("path", CHECK_FIXTURES, ids=lambda p: p.stem)
def test_a_batch_a_check_flags_is_refused(path, existing):
    """The check returns rows on the graph with the batch, and validate refuses the batch:
    with the check's result, or with a shape's violation on the node the check flags."""
    from kg.validation import validate
    from kg.validation.rules import CHECK_SHAPE, check_rows

    batch = _check_batch(path)
    name = path.stem + "-violation"
    graphs = {}
    for dataset in (existing, batch):
        for graph in dataset.graphs():
            graphs.setdefault(graph.identifier, set()).update(graph)
    rows = check_rows(list(graphs.items()))[name]
    mentioned = {t for g in batch.graphs() for triple in g for t in triple}
    assert any(set(row) & mentioned for row in rows), f"{name} does not flag {path.name}"
    report = validate(batch, against=existing)
    assert not report.conforms
    flagged = {t for row in rows for t in row} & mentioned
    # The check's own result, or a shape's violation on the same node (the check then repeats it).
    assert any(r.shape == CHECK_SHAPE + name or r.terms[0] in flagged for r in report.violations), \
        [str(r) for r in report.results]

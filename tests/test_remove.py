"""``iokg remove`` and ``iokg add --replace``: corrections and retractions, validated,
refusing dangling references, written atomically and recorded as provenance.

Every test works on a copy of ``kg/data`` (``--data``). Times come from ``--at`` or
``SOURCE_DATE_EPOCH``, so the change records are reproducible.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from kg.errors import UsageError
from kg.namespaces import CHANGE, DOCUMENT, FIGURE
from support import DATA, digest, iokg
from test_add import figure_of_000

#: 1 January 2026, 00:00 UTC.
EPOCH = "1767225600"


def figure(value: int) -> str:
    """A figure of doc:000 that is not in the graph yet (value ``value``)."""
    return figure_of_000("instagram-pages", value, "pages", "pagina's op Instagram")


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


@pytest.fixture()
def with_figure(tmp_path, data_copy) -> Path:
    """The data copy with fig:000-instagram-pages (value 3) added."""
    import kg.curation

    path = tmp_path / "pages-3.ttl"
    path.write_text(figure(3), encoding="utf-8")
    assert kg.curation.add([path], data_dir=data_copy).applied
    return data_copy


def changes(folder: Path) -> Graph:
    curation = Graph().parse(folder / "curation.ttl", format="turtle")
    found = Graph()
    for activity in curation.subjects(RDF.type, PROV.Activity):
        if str(activity).startswith(str(CHANGE)):
            found += curation.triples((activity, None, None))
    return found


def test_remove_takes_a_record_out_and_records_why_and_when(with_figure, monkeypatch):
    import kg.curation

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    before = digest(with_figure)
    result = kg.curation.remove(["fig:000-instagram-pages"], reason="the article gives no such figure",
                                data_dir=with_figure)
    assert result.applied and result.removed == 11
    after = digest(with_figure)
    assert sorted(name for name in after if after[name] != before.get(name)) == ["curation.ttl", "documents/000.ttl"]
    node = FIGURE["000-instagram-pages"]
    assert (node, None, None) not in Graph().parse(with_figure / "documents" / "000.ttl", format="turtle")
    record = changes(with_figure)
    activity = result.change
    assert str(activity).startswith(str(CHANGE["20260101T000000Z-remove-"]))
    assert (activity, PROV.invalidated, node) in record
    assert (activity, PROV.used, DOCUMENT["000"]) in record
    assert (activity, DCTERMS.description, Literal("the article gives no such figure", lang="en")) in record
    assert str(record.value(activity, PROV.startedAtTime)).startswith("2026-01-01T00:00:00")


def test_a_removal_that_would_leave_dangling_references_is_refused(data_copy):
    import kg.curation

    before = digest(data_copy)
    with pytest.raises(UsageError, match=r"dangling references(.|\n)*fig:000-ad-spend io:aboutOperation "
                                         r"op:spamouflage in doc:000 would point at nothing"):
        kg.curation.remove(["op:spamouflage"], reason="test", data_dir=data_copy)
    assert digest(data_copy) == before


@pytest.mark.parametrize("arguments, message", [
    (["fig:000-no-such-figure", "--reason", "x"], "fig:000-no-such-figure is not described: nothing to remove"),
    (["fig:000-ad-spend", "--graph", "001", "--reason", "x"], "fig:000-ad-spend is not described in doc:001"),
    (["fig:000-ad-spend", "--graph", "disarm", "--reason", "x"], "graph:disarm is generated"),
    (["fig:000-ad-spend", "--reason", " "], "say why with --reason TEXT"),
    (["fig:000-ad-spend"], "the following arguments are required: --reason"),
])
def test_remove_refuses_what_it_cannot_do_with_exit_2(data_copy, arguments, message):
    before = digest(data_copy)
    result = iokg("remove", *arguments, "--data", str(data_copy))
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert digest(data_copy) == before


def test_validate_says_a_record_exists_and_replace_corrects_it(tmp_path, with_figure):
    corrected = tmp_path / "pages-4.ttl"
    corrected.write_text(figure(4), encoding="utf-8")
    checked = iokg("validate", str(corrected), "--data", str(with_figure))
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert ("fig:000-instagram-pages already has io:value 3 in doc:000; use --replace to correct it"
            in checked.stdout)
    refused = iokg("add", str(corrected), "--data", str(with_figure))
    assert refused.returncode == 1 and "nothing added" in refused.stderr

    replaced = iokg("add", str(corrected), "--replace", "--reason", "the report says 4", "--at",
                    "2026-02-03T04:05:06Z", "--data", str(with_figure))
    assert replaced.returncode == 0, replaced.stdout + replaced.stderr
    graph = Graph().parse(with_figure / "documents" / "000.ttl", format="turtle")
    node = FIGURE["000-instagram-pages"]
    from kg.namespaces import IO

    assert sorted(graph.objects(node, IO.value)) == [Literal(4)]
    record = changes(with_figure)
    (activity,) = set(record.subjects(PROV.generated, node))
    assert str(activity).startswith(str(CHANGE["20260203T040506Z-replace-"]))
    assert (activity, PROV.invalidated, node) in record
    assert "fig:000-instagram-pages: io:value 3 → 4" in str(record.value(activity, URIRef(
        "http://www.w3.org/2000/01/rdf-schema#comment")))
    check = iokg("check", "--data", str(with_figure), "--no-reasoner")
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_same_change_at_the_same_time_writes_the_same_bytes(tmp_path, monkeypatch):
    import kg.curation

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    results = []
    for name in ("first", "second"):
        folder = tmp_path / name
        shutil.copytree(DATA, folder)
        kg.curation.remove(["claim:000-meta-low-engagement"], reason="duplicate of another claim", data_dir=folder,
                           graph="doc:000")
        results.append(digest(folder))
    assert results[0] == results[1]
    assert results[0]["curation.ttl"] != digest(DATA)["curation.ttl"], "the change was not recorded"

"""``iokg add``: new assertions reach ``kg/data`` only if they conform, deterministically,
atomically and under a lock.

Every test works on a copy of ``kg/data`` in a temporary folder (``--data``), never on the
packaged data.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kg.errors import IokgError
from support import DATA, PREFIXES, ROOT, digest, iokg

#: A small complete incident, as docs/modelling.md encodes one: a published report (io:url
#: instead of a file and checksum), the operation it reports, the platform's attribution, its
#: takedown and the number of accounts removed. Made up for the tests (example.org).
INCIDENT = PREFIXES + textwrap.dedent("""
    # A new incident from a platform's quarterly threat report (made up for the tests).

    doc:900 a io:SourceDocument ;
        rdfs:label "Document 900: a platform's quarterly threat report (test)"@en ;
        io:url "https://example.org/reports/threat-report-2024-q1"^^xsd:anyURI ;
        io:retrievedOn "2024-05-03"^^xsd:date ;
        io:sha256 "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"^^xsd:hexBinary ;
        io:language "en"^^xsd:language ;
        io:headline "Quarterly adversarial threat report"@en ;
        io:publicationDate "2024-05-02"^^xsd:date .

    op:test-lighthouse a io:InfluenceOperation ;
        rdfs:label "Lighthouse network (test)"@en ;
        io:sponsoredBy country:russia ;
        io:activeOn platform:facebook, platform:instagram ;
        io:targets country:united-states ;
        io:reportedIn doc:900 ;
        io:evidence "a network of fake accounts that targeted audiences in the United States"@en .

    claim:900-meta-attribution a io:Attribution ;
        rdfs:label "Meta links the Lighthouse network to Russia"@en ;
        io:aboutOperation op:test-lighthouse ;
        io:claimant actor:meta ;
        io:attributedTo country:russia ;
        io:wording "originated in Russia"@en ;
        io:strength io:inferred ;
        io:reportedIn doc:900 ;
        io:evidence "We found that this network originated in Russia"@en .

    resp:meta-test-lighthouse-takedown a io:Takedown ;
        rdfs:label "Meta's removal of the Lighthouse network (April 2024)"@en ;
        io:respondent actor:meta ;
        io:onPlatform platform:facebook, platform:instagram ;
        io:respondsTo op:test-lighthouse ;
        io:date "2024-04"^^xsd:gYearMonth ;
        io:status io:carriedOut ;
        io:reportedIn doc:900 ;
        io:evidence "We removed 120 Facebook accounts"@en .

    fig:900-facebook-accounts a io:ReportedFigure ;
        rdfs:label "Lighthouse network: 120 Facebook accounts removed"@en ;
        io:value 120 ;
        io:measures io:accounts ;
        io:role io:total ;
        io:qualifier io:exact ;
        io:onPlatform platform:facebook ;
        io:aboutOperation op:test-lighthouse ;
        io:outcomeOf resp:meta-test-lighthouse-takedown ;
        io:reportedIn doc:900 ;
        io:evidence "We removed 120 Facebook accounts"@en .
""")


def figure_of_000(slug: str, value: int, measure: str, quote: str) -> str:
    """A new figure about op:spamouflage reported in doc:000 (to merge into graph 000)."""
    return PREFIXES + textwrap.dedent(f"""
        fig:000-{slug} a io:ReportedFigure ;
            rdfs:label "Spamouflage: {value} Instagram {measure} removed"@en ;
            io:value {value} ;
            io:measures io:{measure} ;
            io:role io:total ;
            io:qualifier io:exact ;
            io:onPlatform platform:instagram ;
            io:aboutOperation op:spamouflage ;
            io:outcomeOf resp:meta-spamouflage-takedown ;
            io:reportedIn doc:000 ;
            io:evidence "{quote}"@nl .
    """)


def fresh_copy(tmp_path: Path, name: str = "data") -> Path:
    copy = tmp_path / name
    shutil.copytree(DATA, copy)
    return copy


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    return fresh_copy(tmp_path)


@pytest.fixture()
def incident(tmp_path) -> Path:
    path = tmp_path / "incident.ttl"
    path.write_text(INCIDENT, encoding="utf-8")
    return path


def test_incident_validates(incident):
    result = iokg("validate", str(incident))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms: 0 violation(s), 0 warning(s)/info" in result.stdout


def test_add_writes_a_new_document_graph_that_loads(incident, data_copy):
    before = digest(data_copy)
    result = iokg("add", str(incident), "--data", str(data_copy))
    assert result.returncode == 0, result.stdout + result.stderr
    target = data_copy / "documents" / "900.ttl"
    assert f"written to {target}" in result.stdout
    assert target.is_file()
    after = digest(data_copy)
    assert set(after) - set(before) == {"documents/900.ttl"}, "add wrote something else too"
    assert all(after[path] == digest_ for path, digest_ in before.items()), "add changed an existing file"

    from rdflib import Graph

    written = Graph().parse(target, format="turtle")
    assert len(written) == len(Graph().parse(incident, format="turtle"))

    check = iokg("check", "--data", str(data_copy), "--no-reasoner")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "check: ok" in check.stdout


def test_add_is_deterministic(incident, tmp_path):
    first, second = fresh_copy(tmp_path, "first"), fresh_copy(tmp_path, "second")
    for copy in (first, second):
        result = iokg("add", str(incident), "--data", str(copy))
        assert result.returncode == 0, result.stdout + result.stderr
    a = (first / "documents" / "900.ttl").read_bytes()
    b = (second / "documents" / "900.ttl").read_bytes()
    assert a == b


def test_merge_appends_without_changing_existing_lines(tmp_path, data_copy):
    batch = tmp_path / "instagram-pages.ttl"
    batch.write_text(figure_of_000("instagram-pages", 3, "pages", "drie pagina's op Instagram"), encoding="utf-8")
    target = data_copy / "documents" / "000.ttl"
    old = target.read_text(encoding="utf-8")
    result = iokg("add", str(batch), "--as", "000", "--data", str(data_copy))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"merged into {target}" in result.stdout
    new = target.read_text(encoding="utf-8")
    assert new.startswith(old), "merging changed the existing text"
    assert len(new) > len(old)
    assert "000-instagram-pages" in new[len(old):]

    from kg.dataset import load
    from kg.namespaces import DOCUMENT

    dataset = load(data_dir=data_copy)
    graph = dataset.graph(DOCUMENT["000"])
    from rdflib import URIRef

    assert (URIRef("https://w3id.org/iokg/figure/000-instagram-pages"), None, None) in graph
    check = iokg("check", "--data", str(data_copy), "--no-reasoner")
    assert check.returncode == 0, check.stdout + check.stderr


def test_adding_the_same_batch_twice_adds_nothing_the_second_time(incident, data_copy):
    first = iokg("add", str(incident), "--data", str(data_copy))
    assert first.returncode == 0, first.stdout + first.stderr
    once = digest(data_copy)
    second = iokg("add", str(incident), "--data", str(data_copy))
    assert second.returncode == 0, second.stdout + second.stderr
    assert "added 0 triple(s)" in second.stdout
    assert digest(data_copy) == once


def test_merging_the_same_figure_twice_adds_nothing_the_second_time(tmp_path, data_copy):
    batch = tmp_path / "instagram-pages.ttl"
    batch.write_text(figure_of_000("instagram-pages", 3, "pages", "drie pagina's op Instagram"), encoding="utf-8")
    assert iokg("add", str(batch), "--as", "000", "--data", str(data_copy)).returncode == 0
    once = digest(data_copy)
    second = iokg("add", str(batch), "--as", "000", "--data", str(data_copy))
    assert second.returncode == 0, second.stdout + second.stderr
    assert "added 0 triple(s)" in second.stdout
    assert digest(data_copy) == once


def _crash(*args, **kwargs):
    raise OSError("simulated crash between write and rename")


def test_crash_between_write_and_rename_keeps_the_previous_file(tmp_path, data_copy, monkeypatch):
    import kg.curation

    batch = tmp_path / "instagram-pages.ttl"
    batch.write_text(figure_of_000("instagram-pages", 3, "pages", "drie pagina's op Instagram"), encoding="utf-8")
    before = digest(data_copy)
    monkeypatch.setattr(kg.curation.os, "replace", _crash)
    with pytest.raises((OSError, IokgError), match="simulated crash"):
        kg.curation.add([batch], name="000", data_dir=data_copy)
    monkeypatch.undo()
    assert digest(data_copy) == before, "the previous file changed, or a temporary file was left behind"


def test_crash_while_writing_a_new_graph_leaves_nothing(incident, data_copy, monkeypatch):
    import kg.curation

    before = digest(data_copy)
    monkeypatch.setattr(kg.curation.os, "replace", _crash)
    with pytest.raises((OSError, IokgError), match="simulated crash"):
        kg.curation.add([incident], data_dir=data_copy)
    monkeypatch.undo()
    assert digest(data_copy) == before
    assert not (data_copy / "documents" / "900.ttl").exists()


KILLED = """
import os, signal, sys
from pathlib import Path
import kg.curation

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

kg.curation.os.replace = killed
kg.curation.add([Path(sys.argv[1])], name="000", data_dir=Path(sys.argv[2]))
"""


def test_killed_add_leaves_the_graph_loadable(tmp_path, data_copy):
    """A process killed between write and rename (no clean-up runs): the previous file is
    intact and the graph still loads and conforms; at most a hidden temporary file is left,
    which the loader ignores."""
    batch = tmp_path / "instagram-pages.ttl"
    batch.write_text(figure_of_000("instagram-pages", 3, "pages", "drie pagina's op Instagram"), encoding="utf-8")
    target = data_copy / "documents" / "000.ttl"
    old = target.read_bytes()
    result = subprocess.run([sys.executable, "-c", KILLED, str(batch), str(data_copy)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == -9, result.stdout + result.stderr
    assert target.read_bytes() == old
    leftovers = [p.name for p in (data_copy / "documents").iterdir() if not p.name.endswith(".ttl")]
    assert all(name.startswith(".") and name.endswith(".tmp") for name in leftovers), leftovers
    check = iokg("check", "--data", str(data_copy), "--no-reasoner")
    assert check.returncode == 0, check.stdout + check.stderr


def test_invalid_batch_changes_nothing(tmp_path, data_copy):
    batch = tmp_path / "negative.ttl"
    batch.write_text(figure_of_000("instagram-pages", -3, "pages", "drie pagina's op Instagram"), encoding="utf-8")
    before = digest(data_copy)
    for name in ([], ["--as", "000"]):
        result = iokg("add", str(batch), *name, "--data", str(data_copy))
        assert result.returncode == 1, result.stdout + result.stderr
        assert "nothing added" in result.stderr
        assert "non-negative" in result.stdout
        assert digest(data_copy) == before


def test_concurrent_adds_both_land(tmp_path, data_copy):
    """Two processes merge different figures into the same graph at the same time: the lock
    serialises them, so neither append is lost and the result loads and conforms."""
    pages = tmp_path / "pages.ttl"
    pages.write_text(figure_of_000("instagram-pages", 3, "pages", "drie pagina's op Instagram"), encoding="utf-8")
    groups = tmp_path / "groups.ttl"
    groups.write_text(figure_of_000("instagram-groups", 2, "groups", "twee groepen op Instagram"), encoding="utf-8")
    target = data_copy / "documents" / "000.ttl"
    old = target.read_text(encoding="utf-8")
    command = [sys.executable, "-m", "kg", "add"]
    processes = [
        subprocess.Popen(command + [str(batch), "--as", "000", "--data", str(data_copy)], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for batch in (pages, groups)
    ]
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, out + err
    new = target.read_text(encoding="utf-8")
    assert new.startswith(old)
    assert "000-instagram-pages" in new and "000-instagram-groups" in new
    assert sorted(p.name for p in (data_copy / "documents").iterdir()) == sorted(p.name for p in (DATA / "documents").iterdir())

    from kg.dataset import load
    from kg.namespaces import DOCUMENT
    from rdflib import URIRef

    graph = load(data_dir=data_copy).graph(DOCUMENT["000"])
    for slug in ("instagram-pages", "instagram-groups"):
        assert (URIRef(f"https://w3id.org/iokg/figure/000-{slug}"), None, None) in graph
    check = iokg("check", "--data", str(data_copy), "--no-reasoner")
    assert check.returncode == 0, check.stdout + check.stderr


def test_concurrent_adds_of_new_graphs_both_land(tmp_path, data_copy):
    first = tmp_path / "first.ttl"
    first.write_text(INCIDENT, encoding="utf-8")
    second = tmp_path / "second.ttl"
    second.write_text(
        INCIDENT.replace("900", "901").replace("test-lighthouse", "test-harbour").replace("Lighthouse", "Harbour"),
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "kg", "add"]
    processes = [
        subprocess.Popen(command + [str(batch), "--data", str(data_copy)], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for batch in (first, second)
    ]
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, out + err
    assert (data_copy / "documents" / "900.ttl").is_file()
    assert (data_copy / "documents" / "901.ttl").is_file()
    check = iokg("check", "--data", str(data_copy), "--no-reasoner")
    assert check.returncode == 0, check.stdout + check.stderr


def test_add_waits_for_the_lock(tmp_path, data_copy):
    """While another writer holds the lock of the data folder, ``add`` waits; it writes once
    the lock is released."""
    import time

    from kg.curation import locked

    batch = tmp_path / "instagram-pages.ttl"
    batch.write_text(figure_of_000("instagram-pages", 3, "pages", "drie pagina's op Instagram"), encoding="utf-8")
    target = data_copy / "documents" / "000.ttl"
    old = target.read_bytes()
    with locked(data_copy):
        process = subprocess.Popen([sys.executable, "-m", "kg", "add", str(batch), "--as", "000", "--data", str(data_copy)],
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(6)  # long enough for the add to read and parse its batch and reach the lock
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"add did not wait for the lock (exit {process.returncode}):\n{out}{err}")
        assert target.read_bytes() == old
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, out + err
    assert "000-instagram-pages" in target.read_text(encoding="utf-8")

"""``iokg add``: new assertions reach ``kg/data`` only if they conform, deterministically,
atomically and under a lock.

Every test works on a copy of ``kg/data`` in a temporary folder (``--data``), never on the
packaged data.
"""

from __future__ import annotations

import os
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
    """A new figure about op:spamouflage reported in doc:000 (to merge into graph 000); its
    evidence gives the number, as the evidence rules require."""
    if str(abs(value)) not in quote:
        quote = f"{abs(value)} {quote}"
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
    from rdflib import Graph

    assert f"added {len(Graph().parse(incident, format='turtle'))} triple(s): {target}" in result.stdout
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


def test_a_figure_of_000_goes_into_000s_graph_written_deterministically(tmp_path, data_copy):
    """No --as: the figure's io:reportedIn doc:000 places it. The file is rewritten by the
    deterministic writer (prefixed names, sorted) and keeps its header and banners in order."""
    batch = tmp_path / "instagram-pages.ttl"
    batch.write_text(figure_of_000("instagram-pages", 3, "pages", "drie pagina's op Instagram"), encoding="utf-8")
    target = data_copy / "documents" / "000.ttl"
    old = target.read_text(encoding="utf-8")
    before = digest(data_copy)
    result = iokg("add", str(batch), "--data", str(data_copy))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"added 11 triple(s): {target}" in result.stdout
    after = digest(data_copy)
    assert [name for name in after if after[name] != before.get(name)] == ["documents/000.ttl"]
    new = target.read_text(encoding="utf-8")
    comments = [line for line in old.splitlines() if line.startswith("#")]
    assert [line for line in new.splitlines() if line.startswith("#")] == comments, "banners lost or moved"
    assert "<https://w3id.org/iokg/" not in new.split("\n\n", 2)[-1], "full IRIs where prefixed names fit"
    figures = new.index("# Reported figures")
    assert new.index("fig:000-instagram-pages a io:ReportedFigure") > figures, "the new figure is not among the figures"

    from rdflib import Graph, URIRef
    from rdflib.compare import isomorphic

    from kg.curation.writer import render
    from kg.namespaces import DOCUMENT

    graph = Graph().parse(data=new, format="turtle")
    expected = Graph().parse(data=old, format="turtle") + Graph().parse(batch, format="turtle")
    assert isomorphic(graph, expected)
    assert render(graph, name=DOCUMENT["000"], original=new).decode("utf-8") == new, "not a fixed point of the writer"
    assert (URIRef("https://w3id.org/iokg/figure/000-instagram-pages"), None, None) in graph


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
    assert iokg("add", str(batch), "--data", str(data_copy)).returncode == 0
    once = digest(data_copy)
    second = iokg("add", str(batch), "--as", "000", "--data", str(data_copy))
    assert second.returncode == 0, second.stdout + second.stderr
    assert "added 0 triple(s)" in second.stdout
    assert digest(data_copy) == once


def _crash(*args, **kwargs):
    raise OSError("simulated crash between write and rename")


def test_crash_between_write_and_rename_keeps_the_previous_file(tmp_path, data_copy, monkeypatch):
    import kg.curation
    import kg.files

    batch = tmp_path / "instagram-pages.ttl"
    batch.write_text(figure_of_000("instagram-pages", 3, "pages", "drie pagina's op Instagram"), encoding="utf-8")
    before = digest(data_copy)
    monkeypatch.setattr(kg.files.os, "replace", _crash)
    with pytest.raises((OSError, IokgError), match="simulated crash"):
        kg.curation.add([batch], data_dir=data_copy)
    monkeypatch.undo()
    assert digest(data_copy) == before, "the previous file changed, or a temporary file was left behind"


def test_crash_while_writing_a_new_graph_leaves_nothing(incident, data_copy, monkeypatch):
    import kg.curation
    import kg.files

    before = digest(data_copy)
    monkeypatch.setattr(kg.files.os, "replace", _crash)
    with pytest.raises((OSError, IokgError), match="simulated crash"):
        kg.curation.add([incident], data_dir=data_copy)
    monkeypatch.undo()
    assert digest(data_copy) == before
    assert not (data_copy / "documents" / "900.ttl").exists()


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
        process = subprocess.Popen([sys.executable, "-m", "kg", "add", str(batch), "--data", str(data_copy)],
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(6)  # long enough for the add to read and parse its batch and reach the lock
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"add did not wait for the lock (exit {process.returncode}):\n{out}{err}")
        assert target.read_bytes() == old
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, out + err
    assert "000-instagram-pages" in target.read_text(encoding="utf-8")


# Where statements go: decided from the data (kg.placement), checked without validating ---


@pytest.fixture(scope="module")
def graph():
    from kg.dataset import load

    return load()


def placed(text: str, graph, *, format: str = "turtle", name: str | None = None):
    from rdflib import Dataset, URIRef

    from kg.namespaces import ONTOLOGY
    from kg.placement import route

    batch = Dataset()
    batch.parse(data=text, format=format)
    return route(batch, graph, graph.graph(URIRef(ONTOLOGY)), name=name)


def test_a_trig_graph_name_of_a_document_is_honoured(graph):
    from kg.namespaces import DOCUMENT

    trig = PREFIXES + "GRAPH doc:000 {\n" + figure_of_000("x", 3, "pages", "drie").replace(PREFIXES, "") + "}\n"
    placement = placed(trig, graph, format="trig")
    assert list(placement.graphs) == [DOCUMENT["000"]]
    assert len(placement.graphs[DOCUMENT["000"]]) == 11


@pytest.mark.parametrize("name, reason", [
    ("<https://example.org/my-graph>", "neither a document graph"),
    ("graph:disarm", "neither a document graph"),
    ("doc:001", "is reported in doc:000, not in doc:001"),
])
def test_a_trig_graph_name_that_does_not_fit_is_refused_with_a_reason(graph, name, reason):
    from kg.errors import UsageError

    trig = PREFIXES + f"GRAPH {name} {{\n" + figure_of_000("x", 3, "pages", "drie").replace(PREFIXES, "") + "}\n"
    with pytest.raises(UsageError, match=reason):
        placed(trig, graph, format="trig")


def test_a_file_with_two_documents_is_split_by_document(graph):
    from kg.namespaces import DOCUMENT

    second = INCIDENT.replace(PREFIXES, "").replace("900", "901").replace("test-lighthouse", "test-harbour")
    placement = placed(INCIDENT + second, graph)
    assert sorted(placement.graphs) == [DOCUMENT["900"], DOCUMENT["901"]]
    for number, operation in (("900", "test-lighthouse"), ("901", "test-harbour")):
        subjects = {str(s).rsplit("/", 1)[-1] for s in placement.graphs[DOCUMENT[number]].subjects()}
        assert subjects == {number, operation, f"{number}-meta-attribution", f"meta-{operation}-takedown",
                            f"{number}-facebook-accounts"}


def test_a_record_reported_in_two_documents_at_once_is_refused(graph):
    from kg.errors import UsageError

    text = figure_of_000("x", 3, "pages", "drie").replace("io:reportedIn doc:000 ;", "io:reportedIn doc:000, doc:001 ;")
    with pytest.raises(UsageError, match="reported in doc:000 and doc:001"):
        placed(text, graph)


def test_as_names_the_graph_only_where_the_data_does_not(graph):
    from kg.errors import UsageError
    from kg.namespaces import DOCUMENT

    with pytest.raises(UsageError, match="--as 001 names doc:001's graph, but fig:000-x belongs in doc:000's"):
        placed(figure_of_000("x", 3, "pages", "drie"), graph, name="001")
    extra = PREFIXES + 'resp:meta-spamouflage-takedown io:note "A curator\'s note."@en .\n'
    with pytest.raises(UsageError, match="cannot tell which graph resp:meta-spamouflage-takedown belongs in: it is "
                                         "described in doc:000, graph:curation; name the graph with --as NAME"):
        placed(extra, graph)
    assert list(placed(extra, graph, name="000").graphs) == [DOCUMENT["000"]]


def test_new_reference_entities_go_to_reference_and_people_stay_with_their_document(graph):
    from kg.namespaces import ACTOR, COUNTRY, DOCUMENT, GRAPH

    text = INCIDENT + textwrap.dedent("""
        country:atlantis a io:State ; rdfs:label "Atlantis"@en .
        actor:test-agency a io:GovernmentBody ; rdfs:label "Test agency"@en .
        actor:document-900-author a io:Person ; rdfs:label "Author of document 900"@en .
        claim:900-author-view a io:Assessment ;
            rdfs:label "The author's view"@en ;
            io:aboutOperation op:test-lighthouse ;
            io:claimant actor:document-900-author ;
            io:reportedIn doc:900 ;
            io:evidence "a view"@en .
    """)
    placement = placed(text, graph)
    assert (COUNTRY["atlantis"], None, None) in placement.graphs[GRAPH["reference"]]
    assert (ACTOR["test-agency"], None, None) in placement.graphs[GRAPH["reference"]]
    assert (ACTOR["document-900-author"], None, None) in placement.graphs[DOCUMENT["900"]]
    notes = "\n".join(placement.notes())
    assert "new io:State country:atlantis: added to graph:reference" in notes
    assert "new io:GovernmentBody actor:test-agency: added to graph:reference" in notes
    assert "new io:Person actor:document-900-author: kept in doc:900's graph" in notes


def test_check_notices_records_in_the_wrong_graph(data_copy):
    from kg.dataset import load
    from kg.placement import misplaced

    assert misplaced(load(data_dir=data_copy)) == []
    (data_copy / "documents" / "my-figures.ttl").write_text(
        figure_of_000("x", 3, "pages", "drie"), encoding="utf-8")
    problems = misplaced(load(data_dir=data_copy))
    assert problems == [
        "doc:my-figures: the graph does not describe its document doc:my-figures (a graph must be named by the IRI "
        "of the document it holds)",
        "doc:my-figures: fig:000-x is reported in doc:000, so it belongs in that document's graph",
    ]


def test_adding_a_new_narrative_keeps_the_scheme_consistent(tmp_path, data_copy):
    """A new narrative (and a new state) of an incident land in reference.ttl, written by
    the deterministic writer, with the scheme's top-concept links both ways added; validate
    names them at info level first."""
    from rdflib import Graph
    from rdflib.namespace import SKOS

    from kg.namespaces import NARRATIVE, NARRATIVE_SCHEME

    path = tmp_path / "incident.ttl"
    path.write_text(INCIDENT.replace("io:targets country:united-states ;",
                                     "io:targets country:united-states, country:atlantis ;\n"
                                     "    io:pushesNarrative narr:test-atlantis ;") + textwrap.dedent("""
        country:atlantis a io:State ; rdfs:label "Atlantis"@en .
        narr:test-atlantis a io:Narrative ;
            skos:inScheme narr:scheme ;
            skos:prefLabel "Atlantis rising"@en ;
            skos:definition "Content about Atlantis (a test)."@en .
    """), encoding="utf-8")
    checked = iokg("validate", str(path), "--data", str(data_copy))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert ("Info: new io:State country:atlantis introduced by this batch; iokg add puts it into graph:reference"
            in checked.stdout)
    assert "new io:Narrative narr:test-atlantis introduced by this batch" in checked.stdout
    result = iokg("add", str(path), "--data", str(data_copy))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "new io:Narrative narr:test-atlantis: added to graph:reference (reference.ttl)" in result.stderr
    text = (data_copy / "reference.ttl").read_text(encoding="utf-8")
    assert "<https://w3id.org/iokg/" not in text.split("\n\n", 2)[-1]
    reference = Graph().parse(data=text, format="turtle")
    narrative = NARRATIVE["test-atlantis"]
    assert (narrative, SKOS.inScheme, NARRATIVE_SCHEME) in reference
    assert (narrative, SKOS.topConceptOf, NARRATIVE_SCHEME) in reference
    assert (NARRATIVE_SCHEME, SKOS.hasTopConcept, narrative) in reference
    assert "narr:test-atlantis" not in (data_copy / "documents" / "900.ttl").read_text(encoding="utf-8").split(
        "io:pushesNarrative")[0].split("op:test-lighthouse")[0]
    check = iokg("check", "--data", str(data_copy), "--no-reasoner")
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_stale_temporary_file_is_removed_by_the_next_writer(data_copy):
    from kg.files import locked

    dead = os.fork()
    if not dead:
        os._exit(0)
    os.waitpid(dead, 0)  # a pid that no longer runs
    stale = data_copy / "documents" / f".000.ttl.{dead}.0123abcd.tmp"
    stale.write_text("half a file", encoding="utf-8")
    legacy = data_copy / ".reference.ttl.abcd1234.tmp"
    legacy.write_text("half a file", encoding="utf-8")
    with locked(data_copy) as lock:
        assert sorted(lock.removed) == sorted([stale, legacy])
    assert not stale.exists() and not legacy.exists()


def test_a_commit_interrupted_after_its_journal_is_finished_by_the_next_writer(data_copy, monkeypatch):
    import kg.files
    from kg.files import JOURNAL, locked

    target = data_copy / "documents" / "000.ttl"
    calls = []
    original = kg.files._replay

    def stop(folder, journal):  # the writer dies once its journal is written
        calls.append(journal)
        raise SystemExit("killed")

    monkeypatch.setattr(kg.files, "_replay", stop)
    with pytest.raises(SystemExit), locked(data_copy) as lock:
        lock.commit({target: b"# new\n"})
    assert (data_copy / JOURNAL).exists() and target.read_bytes() != b"# new\n"
    monkeypatch.setattr(kg.files, "_replay", original)
    with locked(data_copy) as lock:
        assert lock.recovered == [target]
    assert target.read_bytes() == b"# new\n" and not (data_copy / JOURNAL).exists()


def test_sigterm_while_holding_the_lock_removes_the_temporary_files(data_copy):
    import signal

    from kg.errors import Interrupted
    from kg.files import locked

    temporary = None
    with pytest.raises(Interrupted), locked(data_copy) as lock:
        temporary = data_copy / f".x.ttl.{os.getpid()}.00000000.tmp"
        lock._temporaries.append(temporary)
        temporary.write_bytes(b"part")
        os.kill(os.getpid(), signal.SIGTERM)
    assert temporary is not None and not temporary.exists()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL

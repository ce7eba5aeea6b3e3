"""The document graphs say what the five documents say: each document has its named graph,
language and date; the operations, figures and responses per document are the ones a reader
of the document lists; every evidence quote occurs verbatim in its document."""

from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg.dataset import load
from kg.namespaces import DOCUMENT, IO, OPERATION

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
DOCUMENTS = sorted((ROOT / "kg" / "data" / "documents").glob("*.ttl"))

# What each document states, read from the documents themselves.
EXPECTED = {
    "000": {
        "language": "nl",
        "operations": {"spamouflage"},
        "responses": Counter({"Takedown": 1}),
        # 7,704 Facebook accounts, 954 pages, 15 groups, 15 Instagram accounts, "De 7700
        # accounts", about 560,000 followers, at least 3,500 dollars of ads.
        "figures": Counter([7704, 954, 15, 15, 7700, 560000, 3500]),
    },
    "001": {
        "language": "sv",
        "operations": {"hong-kong-2019"},
        # Twitter's removal of 936 accounts, its suspension of ~200,000 more, Facebook's
        # removal after Twitter's tip, and the ban on ads from state-controlled media.
        "responses": Counter({"Takedown": 2, "Suspension": 1, "AdvertisingBan": 1}),
        "figures": Counter([936, 200000, 7, 3, 5]),
    },
    "002": {
        "language": "en",
        "operations": {"china-2020", "russia-2020", "turkey-2020", "hong-kong-2019"},
        "responses": Counter({"Takedown": 4}),
        # over 170,000; about 23,750 core; almost 150,000 amplifiers; over 1,000 (Russia);
        # over 7,000 (Turkey).
        "figures": Counter([170000, 23750, 150000, 1000, 7000]),
    },
    "003": {
        "language": "fr",
        "operations": {"china-2020", "russia-2020", "turkey-2020", "hong-kong-2019"},
        "responses": Counter({"Takedown": 4, "PublicAccusation": 1}),
        # "des dizaines de milliers", près de 24 000 core, 150 000 amplifiers, 7 340, 1 152.
        "figures": Counter([10000, 24000, 150000, 7340, 1152]),
    },
    "004": {
        "language": "nl",
        "operations": {"bloomberg-2020", "russia-2016"},
        "responses": Counter({"Suspension": 1, "PlatformRule": 1, "OwnershipVerification": 1, "Labelling": 1}),
        # 70 accounts, over 500 people, 2,500 dollars (2,300 euros) a month, 20 to 30 hours
        # (a range: counted by its bounds below), thousands of profiles in 2016.
        "figures": Counter([70, 500, 2500, 2300, 1000]),
    },
}


@pytest.fixture(scope="module")
def dataset():
    return load()


def test_found_the_five_documents():
    """The five curated documents are there; a curator may add others beside them."""
    assert set(EXPECTED) <= {p.stem for p in DOCUMENTS}


def _graph(dataset, key):
    return dataset.graph(DOCUMENT[key])


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_document_node_has_language_date_and_file(dataset, key):
    graph = _graph(dataset, key)
    doc = DOCUMENT[key]
    assert (doc, RDF.type, IO.SourceDocument) in graph
    assert graph.value(doc, IO.language) == Literal(EXPECTED[key]["language"], datatype=XSD.language)
    date = graph.value(doc, IO.publicationDate) or graph.value(doc, IO.inferredDate)
    assert date is not None and date.datatype in (XSD.date, XSD.gYearMonth, XSD.gYear)
    if graph.value(doc, IO.publicationDate) is None:
        assert graph.value(doc, IO.dateBasis) is not None, "an inferred date says why"
    name = str(graph.value(doc, IO.fileName))
    assert name.startswith(key + "_") and name.endswith(".txt")
    assert len(str(graph.value(doc, IO.sha256))) == 64


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_operations_responses_and_figures_per_document(dataset, key):
    graph = _graph(dataset, key)
    doc = DOCUMENT[key]
    ontology = dataset.graph(URIRef("https://w3id.org/iokg/ontology"))
    operations = {
        str(s)[len(str(OPERATION)):]
        for s in graph.subjects(RDF.type, IO.InfluenceOperation)
        if (s, IO.reportedIn, doc) in graph
    }
    assert operations == EXPECTED[key]["operations"]

    response_types = set(ontology.transitive_subjects(RDFS.subClassOf, IO.PolicyResponse)) - {IO.PolicyResponse}
    responses = Counter(
        str(t).rsplit("#", 1)[1]
        for s, t in graph.subject_objects(RDF.type)
        if t in response_types and (s, IO.reportedIn, doc) in graph
    )
    assert responses == EXPECTED[key]["responses"]

    figures = Counter()
    for figure in graph.subjects(RDF.type, IO.ReportedFigure):
        assert (figure, IO.reportedIn, doc) in graph
        value = graph.value(figure, IO.value)
        if value is not None:
            figures[Decimal(str(value.toPython()))] += 1
    assert figures == Counter({Decimal(v): n for v, n in EXPECTED[key]["figures"].items()})


def test_the_2004_range_figure(dataset):
    graph = _graph(dataset, "004")
    ranges = [f for f in graph.subjects(IO.qualifier, IO.range)]
    assert len(ranges) == 1
    assert (graph.value(ranges[0], IO.minValue).toPython(), graph.value(ranges[0], IO.maxValue).toPython()) == (20, 30)


def test_one_operation_told_by_two_documents_is_one_iri_with_figures_kept_apart(dataset):
    china = OPERATION["china-2020"]
    sources = {str(d) for g in dataset.graphs() for d in g.objects(china, IO.reportedIn)}
    assert sources >= {str(DOCUMENT["002"]), str(DOCUMENT["003"])}  # other documents may report it too
    core = {}
    for key in ("002", "003"):
        graph = _graph(dataset, key)
        values = [graph.value(f, IO.value).toPython() for f in graph.subjects(IO.role, IO.core)]
        core[key] = values
    assert core == {"002": [23750], "003": [24000]}


def test_no_beijing_outbreak_facts(dataset):
    graph = _graph(dataset, "002")
    values = {o.toPython() for o in graph.objects(None, IO.value)}
    assert not values & {1200, 200000, 30, 11}, "flights, visitors, compounds and markets are not IO facts"


def _seed(name: str) -> Path:
    return SEEDS / name


needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(), reason="the source documents (../shared/seeds) are not beside this checkout; the repository keeps only quotes and checksums"
)


@needs_seeds
@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_evidence_quotes_are_verbatim_and_checksums_match(dataset, key):
    graph = _graph(dataset, key)
    doc = DOCUMENT[key]
    path = _seed(str(graph.value(doc, IO.fileName)))
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == str(graph.value(doc, IO.sha256))
    text = data.decode("utf-8")
    quotes = list(graph.objects(None, IO.evidence))
    assert quotes
    for quote in quotes:
        assert isinstance(quote, Literal) and quote.language, f"quote without language: {quote!r}"
        assert str(quote) in text, f"not verbatim in {path.name}: {quote!r}"
    # A wording may leave words out with " ... "; its parts occur in order.
    for wording in graph.objects(None, IO.wording):
        assert isinstance(wording, Literal) and wording.language, f"wording without language: {wording!r}"
        position = 0
        for part in str(wording).split(" ... "):
            found = text.find(part, position)
            assert found >= 0, f"wording not in {path.name}: {wording!r} (part {part!r})"
            position = found + len(part)


@needs_seeds
def test_repository_keeps_no_full_text(dataset):
    for key in EXPECTED:
        graph = _graph(dataset, key)
        text = _seed(str(graph.value(DOCUMENT[key], IO.fileName))).read_text(encoding="utf-8")
        for quote in graph.objects(None, IO.evidence):
            assert len(quote) < 0.25 * len(text), f"evidence too long to be a quote: {quote[:60]!r}"

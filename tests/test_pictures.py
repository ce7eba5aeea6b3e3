"""The pictures (kg/pictures/, ``iokg plot``): SVG made from the graph, keyed by IRI.

Each picture parses as XML, holds every policy response or operation of the graph by its
IRI (``data-iri``), shows partial and missing dates for what they are, escapes text, and is
the same bytes on every run and whether the graph is read from rdflib or Oxigraph.
"""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

import kg
from kg.cli import main
from kg.errors import UsageError
from kg.namespaces import IO, ONTOLOGY, OPERATION
from kg.pictures import class_diagram_svg, draw, inline, network_svg, timeline_svg
from kg.pictures.classes import main_classes
from kg.pictures.timeline import date_span
from kg.queries import Engine, run, to_store

SVG = "{http://www.w3.org/2000/svg}"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return kg.load()


class OxigraphStore:
    """A store with ``query(text) -> Rows`` (the kg.store interface) over pyoxigraph."""

    def __init__(self, dataset: Dataset) -> None:
        self.store = to_store(dataset)

    def query(self, text: str):
        return run(text, store=self.store, engine=Engine.OXIGRAPH)


def parse(svg: str) -> ElementTree.Element:
    root = ElementTree.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    return root


def groups(root: ElementTree.Element, css: str) -> dict[str, ElementTree.Element]:
    return {g.get("data-iri"): g for g in root.iter(f"{SVG}g") if g.get("class") == css}


def responses(dataset: Dataset) -> set[str]:
    rows = run("SELECT DISTINCT ?r WHERE { ?r a/rdfs:subClassOf* io:PolicyResponse }", dataset=dataset)
    return {str(r) for (r,) in rows.rows}


def operations(dataset: Dataset) -> set[str]:
    rows = run("SELECT DISTINCT ?o WHERE { ?o a/rdfs:subClassOf* io:InfluenceOperation }", dataset=dataset)
    return {str(o) for (o,) in rows.rows}


def copy(dataset: Dataset) -> Dataset:
    result = Dataset()
    for quad in dataset.quads((None, None, None, None)):
        result.add(quad)
    return result


# Timeline -------------------------------------------------------------------------------------


def test_timeline_holds_every_response_with_its_precision(dataset):
    expected = responses(dataset)
    assert expected, "the graph has no policy responses: the test proves nothing"
    shown = groups(parse(timeline_svg(dataset)), "response")
    assert set(shown) == expected
    for iri, group in shown.items():
        dates = {str(d) for g in dataset.graphs() for d in g.objects(URIRef(iri), IO.date)}
        precision = group.get("data-precision")
        if not dates:
            assert precision == "none", iri
        else:
            best = max(dates)
            assert precision == date_span(best).precision, (iri, best, precision)
            assert best in "".join(group.itertext()), f"{iri}: its date {best} is not written"


def test_partial_dates_are_spans_not_points(dataset):
    root = parse(timeline_svg(dataset))
    precisions = {g.get("data-precision") for g in groups(root, "response").values()}
    assert {"month", "year"} <= precisions, "the curated graph dates responses to the month and the year"
    for group in groups(root, "response").values():
        marks = [e.tag for e in group if e.tag in (f"{SVG}circle", f"{SVG}rect")]
        if group.get("data-precision") == "day":
            assert marks == [f"{SVG}circle"]
        elif group.get("data-precision") in ("month", "year"):
            assert marks == [f"{SVG}rect"], "a month or a year is drawn as a span"
        if group.get("data-precision") == "year":
            assert group.find(f"{SVG}rect").get("stroke-dasharray"), "a year-only date is marked"


def test_undated_responses_get_a_lane_of_their_own(dataset):
    changed = copy(dataset)
    undated = sorted(responses(dataset))[0]
    for graph in list(changed.graphs()):
        graph.remove((URIRef(undated), IO.date, None))
    root = parse(timeline_svg(changed))
    group = groups(root, "response")[undated]
    assert group.get("data-precision") == "none"
    assert "undated" in "".join(group.itertext())
    assert any("Undated: 1 response" in (t.text or "") for t in root.iter(f"{SVG}text"))


@pytest.mark.parametrize("text, precision", [("2019-08-21", "day"), ("2019-08", "month"), ("2019", "year"),
                                             ("2019-13", None), ("August 2019", None)])
def test_date_spans(text, precision):
    span = date_span(text)
    assert (span.precision if span else None) == precision
    if precision == "month":
        assert (span.start.isoformat(), span.end.isoformat()) == ("2019-08-01", "2019-09-01")


# Network --------------------------------------------------------------------------------------


def test_network_holds_every_operation_and_its_links(dataset):
    expected = operations(dataset)
    assert expected
    root = parse(network_svg(dataset))
    nodes = groups(root, "node")
    assert {iri for iri, g in nodes.items() if g.get("data-group") == "operation"} == expected
    links = {(g.get("data-source"), g.get("data-target")) for g in root.iter(f"{SVG}g") if g.get("data-source")}
    spamouflage = str(OPERATION.spamouflage)
    for prop, forward in ((IO.sponsoredBy, False), (IO.activeOn, True), (IO.pushesNarrative, True)):
        for other in {str(o) for g in dataset.graphs() for o in g.objects(URIRef(spamouflage), prop)}:
            assert other in nodes, f"{other} ({prop}) is not drawn"
            assert ((spamouflage, other) if forward else (other, spamouflage)) in links


def test_network_of_one_operation(dataset):
    spamouflage = str(OPERATION.spamouflage)
    nodes = groups(parse(network_svg(dataset, operation=OPERATION.spamouflage)), "node")
    assert [i for i, g in nodes.items() if g.get("data-group") == "operation"] == [spamouflage]
    with pytest.raises(UsageError, match="no influence operation"):
        network_svg(dataset, operation=OPERATION["no-such-operation"])


# Both pictures --------------------------------------------------------------------------------


def test_pictures_are_deterministic_and_the_same_on_rdflib_and_oxigraph(dataset):
    store = OxigraphStore(dataset)
    for picture in ("timeline", "network"):
        first = draw(picture, dataset)
        assert draw(picture, dataset) == first
        assert draw(picture, copy(dataset)) == first, "another insertion order changed the picture"
        assert draw(picture, store) == first, "Oxigraph and rdflib give another picture"


def test_text_is_escaped(dataset):
    changed = copy(dataset)
    nasty = 'Spam <script>alert("x")</script> & co'
    for graph in list(changed.graphs()):
        graph.remove((OPERATION.spamouflage, RDFS.label, None))
    changed.graph(URIRef("https://example.org/g")).add((OPERATION.spamouflage, RDFS.label, Literal(nasty, lang="en")))
    for svg in (network_svg(changed), timeline_svg(changed)):
        assert "<script" not in svg
        assert any(nasty in "".join(e.itertext()) for e in parse(svg).iter(f"{SVG}text"))


def test_no_external_reference(dataset):
    for svg in (timeline_svg(dataset), network_svg(dataset)):
        assert "href" not in svg and "<script" not in svg and "@import" not in svg


def test_class_diagram_shows_the_main_classes(dataset):
    ontology = dataset.graph(URIRef(ONTOLOGY))
    root = parse(class_diagram_svg(ontology))
    nodes = groups(root, "node")
    classes = {str(c) for c in main_classes(ontology)}
    assert str(IO.InfluenceOperation) in classes and str(IO.Takedown) in classes
    assert set(nodes) == classes
    links = {(g.get("data-source"), g.get("data-target")) for g in root.iter(f"{SVG}g") if g.get("data-source")}
    assert (str(IO.Takedown), str(IO.PolicyResponse)) in links, "subclass link"
    assert (str(IO.InfluenceOperation), str(IO.Actor)) in links, "io:sponsoredBy from its domain to its range"


# Command line ---------------------------------------------------------------------------------


def test_cli_plot(tmp_path, capsys, dataset):
    out = tmp_path / "timeline.svg"
    assert main(["plot", "timeline", "-o", str(out)]) == 0
    assert set(groups(parse(out.read_text(encoding="utf-8")), "response")) == responses(dataset)
    assert main(["plot", "network", "--operation", "op:spamouflage"]) == 0
    assert str(OPERATION.spamouflage) in groups(parse(capsys.readouterr().out), "node")
    assert main(["plot", "network", "--operation", "op:nothing", "-o", str(tmp_path / "n.svg")]) == 2
    assert "no influence operation" in capsys.readouterr().err
    assert not (tmp_path / "n.svg").exists(), "a failed plot left a file"
    assert main(["plot", "timeline", "--operation", "op:spamouflage"]) == 2


def test_inline_drops_only_the_xml_declaration(dataset):
    svg = network_svg(dataset)
    fragment = inline(svg)
    assert svg.startswith("<?xml") and fragment.startswith("<svg ")
    assert parse(fragment).tag == parse(svg).tag and svg.endswith(fragment)

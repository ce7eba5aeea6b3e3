"""The documentation (``iokg docs``, kg/docs/): every class, property and shape documented,
no broken internal link in any page, a class diagram drawn by iokg, a worked example per
main class, the namespaces, a download of every serialization, a "cite as" block, pages
that link each other, the title once; every page opens in headless Chromium (Debian's
``chromium``), and a screenshot of each is kept in ``tests/artifacts/docs/`` (git-ignored;
``IOKG_ARTEFACTS`` names another folder).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, RDF, SH

import kg
from kg.docs import build, load_ontology, load_shapes, node_shapes
from kg.exports import ExportFormat
from kg.namespaces import IO, ONTOLOGY, PREFIXES
from kg.pictures.classes import main_classes
from support import ROOT, iokg

PAGES = ("index.html", "ontology.html", "shapes.html")
ARTEFACTS = Path(os.environ.get("IOKG_ARTEFACTS", ROOT / "tests" / "artifacts")) / "docs"
OX_FORMAT = {
    ExportFormat.TURTLE: ox.RdfFormat.TURTLE, ExportFormat.LONGTURTLE: ox.RdfFormat.TURTLE,
    ExportFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES, ExportFormat.NQUADS: ox.RdfFormat.N_QUADS,
    ExportFormat.TRIG: ox.RdfFormat.TRIG, ExportFormat.JSONLD: ox.RdfFormat.JSON_LD,
    ExportFormat.RDFXML: ox.RdfFormat.RDF_XML,
}

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def dataset():
    return kg.load()


@pytest.fixture(scope="module")
def site(tmp_path_factory, dataset) -> Path:
    directory = tmp_path_factory.mktemp("docs")
    written = build(directory, dataset=dataset)
    assert {p.name for p in written} >= set(PAGES)
    return directory


@pytest.fixture(scope="module")
def pages(site) -> dict[str, str]:
    return {name: (site / name).read_text(encoding="utf-8") for name in PAGES}


def ids(text: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', text))


def test_every_internal_link_points_at_an_id_that_exists(pages):
    """Issue 13: links such as shapes.html → ontology.html#AdvertisingBan, where pyLODE's
    id is Advertisingban, were broken. Every href="#…" and every href="PAGE.html#…"."""
    checked = 0
    broken = []
    known = {name: ids(text) for name, text in pages.items()}
    for name, text in pages.items():
        for href in re.findall(r'href="([^"]*)"', text):
            target, hash_, fragment = href.partition("#")
            if not hash_ or (target and target not in pages):
                continue
            checked += 1
            if fragment not in known[target or name]:
                broken.append(f"{name}: {href}")
    assert checked > 100, f"only {checked} internal links found: the test proves little"
    assert not broken, f"{len(broken)} broken link(s): {broken[:10]}"
    print(f"docs: {checked} internal links checked, none broken")


def test_pages_link_each_other_and_say_their_title_once(pages):
    for name, text in pages.items():
        for other in PAGES:
            if other != name:
                assert f'href="{other}' in text, f"{name} does not link to {other}"
        headings = re.findall(r"<h1>(.*?)</h1>", text, flags=re.DOTALL)
        assert len(headings) == 1, f"{name}: {len(headings)} h1"
        title = re.search(r"<title>(.*?)</title>", text).group(1)
        assert title.count("iokg") == 1, f"{name}: the title repeats: {title!r}"
        assert headings[0].count("iokg") == 1, f"{name}: the heading repeats: {headings[0]!r}"


def test_docs_mention_every_class_property_and_shape(pages, dataset):
    ontology = dataset.graph(URIRef(ONTOLOGY))
    text = "\n".join(pages.values())
    terms = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual):
        terms |= {t for t in ontology.subjects(RDF.type, kind) if str(t).startswith(str(IO))}
    assert terms
    missing = [t for t in terms if str(t) not in text and f'id="{str(t)[len(str(IO)):]}"' not in text]
    assert not missing, f"not documented: {sorted(missing)}"
    shapes = load_shapes()
    nodes = node_shapes(shapes)
    assert nodes, "no node shapes found in shapes/"
    assert all(str(n) in pages["shapes.html"] for n in nodes)
    property_shapes = {p for n in nodes for p in shapes.objects(n, SH.property) if isinstance(p, URIRef)}
    assert all(str(p) in pages["shapes.html"] for p in property_shapes)


def test_class_diagram_is_inline_svg_drawn_from_the_ontology(site, pages):
    ontology = load_ontology()
    classes = {str(c) for c in main_classes(ontology)}
    figure = re.search(r'<figure class="diagram">(.*?)</figure>', pages["index.html"], flags=re.DOTALL)
    assert figure, "no diagram on the index page"
    for svg in (figure.group(1), (site / "classes.svg").read_text(encoding="utf-8")):
        root = ElementTree.fromstring(svg.encode("utf-8"))
        drawn = {g.get("data-iri") for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "node"}
        assert drawn == classes
    for text in pages.values():
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', text), "a page loads from the network"


def test_a_worked_example_per_main_class(pages, dataset):
    ontology = load_ontology()
    index = pages["index.html"]
    for cls in main_classes(ontology):
        local = str(cls).rpartition("#")[2]
        section = re.search(rf'<h3 id="example-{re.escape(local)}">(.*?)(?=<h3 |<h2 )', index, flags=re.DOTALL)
        assert section, f"no example section for {cls}"
        body = section.group(1)
        assert "<pre>" in body or "No instance in the data yet" in body
        if "<pre>" in body:
            assert f"io:{local}" in body or "skos:example" in body or "a io:" in body
    assert index.count("<pre>") > len(main_classes(ontology)) // 2, "most main classes have data examples"


def test_namespace_table_and_cite_as(pages):
    index = pages["index.html"]
    table = re.search(r'<h2 id="namespaces">.*?</table>', index, flags=re.DOTALL).group(0)
    for prefix, namespace in PREFIXES.items():
        assert f"<code>{prefix}:</code>" in table and str(namespace) in table, prefix
    cite = re.search(r'<h2 id="cite">.*?</div>', index, flags=re.DOTALL).group(0)
    ontology = load_ontology()
    version = str(ontology.value(URIRef(ONTOLOGY), OWL.versionInfo))
    licence = str(ontology.value(URIRef(ONTOLOGY), URIRef("http://purl.org/dc/terms/license")))
    assert version in cite and licence in cite and "@misc{" in cite


def test_downloads_of_every_serialization(site, pages):
    links = set(re.findall(r'href="(downloads/[^"]+)"', pages["index.html"]))
    assert len(links) == 3 * len(ExportFormat), sorted(links)
    for what in ("ontology", "shapes", "data"):
        for format in ExportFormat:
            suffix = "-long" if format is ExportFormat.LONGTURTLE else ""
            name = f"downloads/iokg-{what}{suffix}.{format.extension}"
            assert name in links
            quads = list(ox.parse((site / name).read_bytes(), format=OX_FORMAT[format]))
            assert quads, f"{name} holds no statements"


def test_docs_command(tmp_path):
    out = tmp_path / "site"
    result = iokg("docs", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert {p.name for p in out.glob("*.html")} == set(PAGES)


# In a real browser ---------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None and not os.environ.get("CI"),
    reason="needs Debian's chromium (apt-get install chromium); .ci/run installs it, so under CI this test fails without it",
)


@needs_chromium
@pytest.mark.parametrize("name", PAGES)
def test_page_opens_in_headless_chromium(site, name):
    """Each page renders in Debian's Chromium, with no network (every request to a host is
    refused); the screenshot is kept as a test artefact."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTEFACTS / f"{Path(name).stem}.png"
    shot.unlink(missing_ok=True)
    result = subprocess.run(
        [shutil.which("chromium") or "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
         "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1280,2000",
         f"--screenshot={shot}", (site / name).as_uri()],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 20_000, f"no screenshot of {name}: {result.stderr[-500:]}"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshot: {shot}")

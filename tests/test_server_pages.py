"""Linked Data over real HTTP: every subject IRI of the graph under iokg's base dereferences
on the server as HTML and as Turtle; the Turtle parses and is a subset of the graph; an
operation's page shows its figures, claims and statements with their documents; the
ontology, shapes, context and the query page are served with no outside asset."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from pyld import jsonld
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from kg.dataset import union
from kg.exports import document_loader
from kg.namespaces import BASE, IO


def fetch(url: str, accept: str):
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def subjects(loaded) -> list[str]:
    return sorted({str(s) for s, _, _, _ in loaded.quads((None, None, None, None))
                   if isinstance(s, URIRef) and str(s).startswith(BASE)})


def path_of(iri: str) -> str:
    return iri[len(BASE):].partition("#")[0]


def test_subjects_are_collected(loaded):
    assert len(subjects(loaded)) > 0


def test_every_subject_dereferences_as_html_and_turtle(served, loaded):
    graph = union(loaded)
    paths = sorted({path_of(iri) for iri in subjects(loaded)})

    def check(path: str) -> list[str]:
        problems = []
        status, media, body = fetch(served.url + path, "text/html,application/xhtml+xml,*/*;q=0.8")
        if status != 200 or not media.startswith("text/html") or b"<h1>" not in body:
            problems.append(f"{path}: HTML {status} {media}")
        status, media, body = fetch(served.url + path, "text/turtle")
        if status != 200 or not media.startswith("text/turtle"):
            return problems + [f"{path}: Turtle {status} {media}"]
        page = Graph().parse(data=body.decode("utf-8"), format="turtle")
        extra = [t for t in page if not any(isinstance(x, type(None)) for x in t) and t not in graph
                 and not _blank(t)]
        if not len(page) or extra:
            problems.append(f"{path}: {len(page)} triples, {len(extra)} not in the graph, e.g. {extra[:1]}")
        return problems

    with ThreadPoolExecutor(max_workers=4) as pool:
        problems = [p for found in pool.map(check, paths) for p in found]
    assert problems == []


def _blank(triple) -> bool:
    from rdflib import BNode

    return any(isinstance(term, BNode) for term in triple)


def test_description_keeps_named_graphs_and_statements_about_it(served, loaded):
    operation = sorted(union(loaded).subjects(RDF.type, IO.InfluenceOperation), key=str)[0]
    status, media, body = fetch(served.url + path_of(str(operation)), "application/n-quads")
    assert status == 200 and media.startswith("application/n-quads")
    page = Dataset().parse(data=body.decode("utf-8"), format="nquads")
    expected = {(s, p, o, g) for s, p, o, g in loaded.quads((operation, None, None, None))}
    expected |= {(s, p, o, g) for s, p, o, g in loaded.quads((None, None, operation, None))}
    got = {(s, p, o, g) for s, p, o, g in page.quads((None, None, None, None))}
    assert {(s, p, o, getattr(g, "identifier", g)) for s, p, o, g in expected} <= got
    status, media, body = fetch(served.url + path_of(str(operation)), "application/ld+json")
    assert status == 200 and media.startswith("application/ld+json")
    quads = jsonld.to_rdf(json.loads(body), {"documentLoader": document_loader, "format": "application/n-quads"})
    assert Dataset().parse(data=quads, format="nquads") is not None and f"<{operation}>" in quads


def test_operation_page_shows_figures_claims_and_sources(served, loaded):
    graph = union(loaded)
    operation = next(o for o in sorted(graph.subjects(RDF.type, IO.InfluenceOperation), key=str)
                     if any(graph.subjects(IO.aboutOperation, o)))
    status, _, body = fetch(served.url + path_of(str(operation)), "text/html")
    html = body.decode("utf-8")
    assert status == 200
    label = str(next(graph.objects(operation, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))))
    assert f"<h1>{label}</h1>" in html
    figures = set(graph.subjects(IO.aboutOperation, operation)) & set(graph.subjects(RDF.type, IO.ReportedFigure))
    section = html.partition('id="figures"')[2].partition("</section>")[0]
    assert figures and all(f'title="{figure}"' in section for figure in figures)
    for figure in figures:
        for quote in graph.objects(figure, IO.evidence):
            assert f'lang="{quote.language}"' in section
    for document in set(graph.objects(operation, IO.reportedIn)):
        assert f'href="{served.url}{path_of(str(document))}"' in html, "links go to this server"
    assert 'id="statements"' in html and 'id="mentions"' in html
    network = html.partition('<section id="network">')[2].partition("</section>")[0]
    assert "<svg" in network and label in network, "the operation's network picture"


def test_unknown_iri_is_404(served):
    status, _, body = fetch(served.url + "operation/no-such-operation-here", "text/turtle")
    assert status == 404 and b"nothing is known" in body


def test_ontology_shapes_and_context(served, loaded):
    status, media, body = fetch(served.url + "ontology", "text/turtle")
    ontology = Graph().parse(data=body.decode("utf-8"), format="turtle")
    assert status == 200 and (URIRef(BASE + "ontology"), None, None) in ontology
    assert set(ontology) - set(loaded.graph(URIRef(BASE + "ontology"))) == set() or all(
        _blank(t) for t in set(ontology) - set(loaded.graph(URIRef(BASE + "ontology"))))
    status, media, body = fetch(served.url + "ontology", "text/html")  # 303 to the documentation's page
    assert status == 200 and media.startswith("text/html") and b"InfluenceOperation" in body
    status, media, body = fetch(served.url + "docs/index.html", "text/html")
    links = {link.partition("#")[0] for link in re.findall(r'href="([^"]+)"', body.decode("utf-8"))
             if not link.startswith(("http:", "https:", "#", "mailto:"))}
    assert status == 200 and links
    for link in sorted(links):
        assert fetch(served.url + "docs/" + link, "*/*")[0] == 200, link
    assert fetch(served.url + "docs/../../etc/passwd", "*/*")[0] == 404
    status, media, body = fetch(served.url + "shapes", "text/turtle")
    assert status == 200 and len(Graph().parse(data=body.decode("utf-8"), format="turtle")) > 0
    status, media, body = fetch(served.url + "shapes", "text/html")
    assert status == 200 and media.startswith("text/html")
    status, media, body = fetch(served.url + "context.jsonld", "application/ld+json")
    assert status == 200 and b'"@context"' in body


def test_query_page_needs_no_outside_asset(served):
    status, media, body = fetch(served.url, "text/html")
    html = body.decode("utf-8")
    assert status == 200 and 'id="query"' in html and "PREFIX io: &lt;https://w3id.org/iokg/ontology#&gt;" in html
    references = re.findall(r'(?:src|href)="([^"#]+)"', html)
    assert references and all(r.startswith(served.url) for r in references), references
    for reference in references:
        if "/static/" in reference:
            status, _, asset = fetch(reference, "*/*")
            assert status == 200 and b"http://" not in asset.replace(b"http://www.w3.org", b"") \
                and b"https://" not in asset, reference


def test_base_maps_iris_onto_the_server(loaded):
    from types import SimpleNamespace

    from kg.server.linked_data import description, page_html
    from kg.server.settings import Settings

    settings = Settings(base="https://kg.example.org/iokg")
    operation = sorted(union(loaded).subjects(RDF.type, IO.InfluenceOperation), key=str)[0]
    assert settings.local(str(operation)) == "https://kg.example.org/iokg/" + path_of(str(operation))
    assert settings.local("http://www.wikidata.org/entity/Q148") == "http://www.wikidata.org/entity/Q148"
    backend = SimpleNamespace(dataset=loaded, union=union(loaded))
    html = page_html(backend, operation, description(backend, operation), local=settings.local,
                     own_base=settings.own_base, pictures=False)
    links = re.findall(r'href="([^"]+)"', html)
    assert any(link.startswith("https://kg.example.org/iokg/document/") for link in links)
    assert not [link for link in links if link.startswith(BASE)], "no link leaves for the public base"

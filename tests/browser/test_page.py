"""The query page in a real browser: Debian's chromium driven by Playwright (no browser
download). Load a named query, fill its parameter, run it, see the rows, follow a link to a
Linked Data page, see the timeline and network pictures. Screenshots of each step are kept
in tests/artifacts/ (not committed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib.namespace import RDF

from kg.dataset import union
from kg.namespaces import IO
from kg.queries import named_queries, query

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and shutil.which("chromium") is None,
                                reason="Debian's chromium is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, served):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    # Nothing leaves the machine: any request not to the server fails the test.
    outside = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(served.url)
                  else (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    yield page
    context.close()
    assert outside == [], f"the page asked for outside resources: {outside}"


def test_named_query_to_linked_data_page(page, served, loaded):
    ARTIFACTS.mkdir(exist_ok=True)
    named = next(q for q in named_queries().values()
                 if [p.type for p in q.parameters if p.required] == ["iri"] and q.parameters[0].name == "operation")
    graph = union(loaded)
    operation = next(o for o in sorted(graph.subjects(RDF.type, IO.InfluenceOperation), key=str)
                     if len(query(named.name, dataset=loaded, operation=str(o)).rows))
    expected = query(named.name, dataset=loaded, operation=str(operation)).rows

    page.goto(served.url)
    page.click(f'button[data-query="{named.name}"]')
    page.fill('input[data-param="operation"]', str(operation))
    page.click("#run")
    page.wait_for_selector("#result-table tbody tr")
    rows = page.locator("#result-table tbody tr")
    assert rows.count() == len(expected)
    assert "rows in" in page.inner_text("#status")
    assert page.locator('#downloads a[data-format="csv"]').count() == 1
    page.screenshot(path=str(ARTIFACTS / "1-named-query-results.png"), full_page=True)

    link = page.locator(f'#result-table a.iri-link[href^="{served.url}"]').first
    target = link.get_attribute("href")
    link.click()
    page.wait_for_url(target)
    page.wait_for_selector("h1")
    assert page.locator("#statements").count() == 1 and page.inner_text("h1")
    page.screenshot(path=str(ARTIFACTS / "2-linked-data-page.png"), full_page=True)


def test_pictures(page, served):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(served.url)
    for name in ("timeline", "network"):
        image = page.locator(f"#{name}")
        image.scroll_into_view_if_needed()
        page.wait_for_function(f"document.getElementById('{name}').complete")
        assert page.evaluate(f"document.getElementById('{name}').naturalWidth") > 0, name
    page.locator("#pictures").screenshot(path=str(ARTIFACTS / "3-pictures.png"))


def test_operation_page_shows_its_network(page, served, loaded):
    from kg.namespaces import BASE

    operation = sorted(union(loaded).subjects(RDF.type, IO.InfluenceOperation), key=str)[0]
    page.goto(served.url + str(operation)[len(BASE):])
    svg = page.locator("#network svg")
    assert svg.count() == 1 and svg.bounding_box()["width"] > 100
    page.screenshot(path=str(ARTIFACTS / "4-operation-page.png"), full_page=True)

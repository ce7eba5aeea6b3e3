"""What every documentation page shares: the style, the site navigation, the page frame
and small text helpers (anchors, English text of a node)."""

from __future__ import annotations

import html
from collections.abc import Iterable

from rdflib import Graph, Literal

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 72rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.45; color: #222; }
h1 { font-size: 1.8rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
h3 { margin-top: 2rem; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 0.9em; }
pre { background: #f6f8fa; padding: 0.6rem; overflow-x: auto; white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ddd; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
.iri { color: #555; font-size: 0.85em; }
.severity-Warning { color: #9a6700; } .severity-Info { color: #0969da; }
.severity-Violation { color: #b42318; }
nav ul { columns: 3; }
nav.site { border-bottom: 1px solid #ddd; padding-bottom: 0.4rem; }
nav.site a { margin-right: 1rem; }
.cite { background: #f6f8fa; border-left: 4px solid #0072B2; padding: 0.6rem 1rem; }
figure.diagram { overflow-x: auto; margin: 1rem 0; }
"""


#: The pages of the documentation, in the order of the site navigation.
PAGES = (("index.html", "Overview"), ("ontology.html", "Ontology"), ("shapes.html", "Shapes"))


def anchor(iri) -> str:
    """The fragment a page uses for ``iri``: its local name."""
    text = str(iri)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


def english(graph: Graph, node, *properties) -> str:
    """The first English (or untagged) value of the first of ``properties`` ``node`` has."""
    for prop in properties:
        values = sorted(
            (v for v in graph.objects(node, prop) if isinstance(v, Literal) and v.language in (None, "en")), key=str
        )
        if values:
            return str(values[0])
    return ""


def site_nav(current: str) -> str:
    """The links between the pages (the current one not linked)."""
    links = [f"<strong>{html.escape(title)}</strong>" if name == current
             else f'<a href="{name}">{html.escape(title)}</a>' for name, title in PAGES]
    return '<nav class="site">' + " ".join(links) + "</nav>"


def page(title: str, body: Iterable[str], *, current: str) -> str:
    """A whole HTML page: ``title`` once (in ``<title>``), the site navigation, ``body``."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + site_nav(current) + "\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )

"""Linked Data: what the server answers for an IRI of the graph.

For clients, the description of a resource is its concise bounded description (the
statements with it as subject, following blank-node objects; W3C Member Submission "CBD",
section 2) plus the statements that have it as object, each statement in the named graph
(the document) that states it: N-Quads, TriG and JSON-LD keep the graphs, Turtle and
N-Triples give their union. For browsers, an HTML page: label, types, every statement with
its document, the figures about it, the claims about it, and links to everything it
mentions (to this server for IRIs under the base).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg.exports import ExportFormat
from kg.namespaces import IO
from kg.server.engine import Answer, Backend, write_graphs
from kg.server.html import escape, label, page, prefixed, term

#: The properties a figure's row shows, in the order of the table's columns.
_FIGURE_COLUMNS = (
    ("value", (IO.value, IO.minValue, IO.maxValue)),
    ("qualifier", (IO.qualifier,)),
    ("measure", (IO.measures,)),
    ("platform", (IO.onPlatform,)),
    ("source", (IO.reportedIn,)),
    ("evidence", (IO.evidence,)),
)


def description(backend: Backend, iri: URIRef) -> dict[URIRef, Graph]:
    """The statements about ``iri`` by named graph: its CBD and the statements with it as object."""
    graphs: dict[URIRef, Graph] = defaultdict(Graph)
    seen: set = set()
    todo = [iri]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o, g in backend.dataset.quads((node, None, None, None)):
            graphs[_name(g)].add((s, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    for s, p, o, g in backend.dataset.quads((None, None, iri, None)):
        graphs[_name(g)].add((s, p, o))
    return dict(graphs)


def _name(graph) -> URIRef:
    return graph.identifier if isinstance(graph, Graph) else graph


def resource(backend: Backend, iri: URIRef, *, format: ExportFormat | None, local: Callable[[str], str],
             own_base: str, pictures: bool = True) -> Answer | None:
    """The answer for ``iri`` (in the child process): RDF in ``format``, or the HTML page when
    ``format`` is None; None when the graph says nothing about it."""
    graphs = description(backend, iri)
    if not graphs:
        return None
    if format is not None:
        body = write_graphs(graphs, format)
        return Answer(body, format.media_type, count=sum(len(g) for g in graphs.values()))
    text = page_html(backend, iri, graphs, local=local, own_base=own_base, pictures=pictures)
    return Answer(text.encode("utf-8"), "text/html; charset=utf-8", count=1)


def page_html(backend: Backend, iri: URIRef, graphs: dict[URIRef, Graph], *, local, own_base: str,
              pictures: bool = True) -> str:
    """The HTML page of ``iri``."""
    names = backend.union
    show = lambda node: term(names, node, local)  # noqa: E731
    title = label(names, iri)
    types = sorted(set(names.objects(iri, RDF.type)), key=str)
    parts = [f"<h1>{escape(title)}</h1>",
             f'<p class="iri"><code>{escape(str(iri))}</code></p>',
             "<p>" + (", ".join(show(t) for t in types) or "no type stated") + "</p>"]
    formats = " ".join(f'<a href="?format={f.value}">{f.title}</a>' for f in
                       (ExportFormat.TURTLE, ExportFormat.NTRIPLES, ExportFormat.NQUADS, ExportFormat.TRIG,
                        ExportFormat.JSONLD, ExportFormat.RDFXML))
    parts.append(f'<p class="formats">This description as {formats}</p>')
    if pictures and IO.InfluenceOperation in types:
        parts.append(_network(backend, iri))
    parts.append(_figures(backend, iri, names, show))
    parts.append(_claims(backend, iri, names, show))
    parts.append(_statements(iri, graphs, show, subject=True))
    parts.append(_statements(iri, graphs, show, subject=False))
    parts.append(_mentions(iri, graphs, names, show))
    return page(title, "\n".join(p for p in parts if p), own_base=own_base)


def _network(backend: Backend, iri: URIRef) -> str:
    try:
        from kg.pictures import network_svg
    except ImportError:  # the pictures are built by kg.pictures; a build without it shows none
        return ""
    return f'<section id="network"><h2>Network</h2><div class="picture">{network_svg(backend.dataset, operation=iri)}</div></section>'


def _related(backend: Backend, iri: URIRef, kinds: set) -> list:
    found = {s for s, _, _, _ in backend.dataset.quads((None, None, iri, None))}
    found.add(iri)
    return sorted((n for n in found if any(t in kinds for t in backend.union.objects(n, RDF.type))), key=str)


def _subclasses(backend: Backend, root: URIRef) -> set:
    closure, todo = {root}, [root]
    while todo:
        for sub in backend.union.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in closure:
                closure.add(sub)
                todo.append(sub)
    return closure


def _figures(backend: Backend, iri: URIRef, names: Graph, show) -> str:
    figures = _related(backend, iri, _subclasses(backend, IO.ReportedFigure))
    if not figures:
        return ""
    head = "".join(f"<th>{name}</th>" for name, _ in _FIGURE_COLUMNS)
    rows = []
    for figure in figures:
        cells = [show(figure)]
        for name, props in _FIGURE_COLUMNS:
            values = [(p, v) for p in props for v in sorted(names.objects(figure, p), key=str)]
            if name == "value" and any(p != IO.value for p, _ in values):
                text = "–".join(escape(str(v)) for p, v in values if p != IO.value)
            else:
                text = "<br>".join(show(v) for _, v in values)
            currency = next(names.objects(figure, IO.currency), None) if name == "value" else None
            cells.append(f"<td>{text}{f' {escape(str(currency))}' if currency else ''}</td>")
        rows.append("<tr><td>" + cells[0] + "</td>" + "".join(cells[1:]) + "</tr>")
    return (f'<section id="figures"><h2>Figures</h2><table><thead><tr><th>figure</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></section>")


def _claims(backend: Backend, iri: URIRef, names: Graph, show) -> str:
    claims = _related(backend, iri, _subclasses(backend, IO.Claim))
    if not claims:
        return ""
    items = []
    for claim in claims:
        kinds = ", ".join(show(t) for t in sorted(names.objects(claim, RDF.type), key=str))
        who = ", ".join(show(c) for c in sorted(names.objects(claim, IO.claimant), key=str))
        wording = "; ".join(show(w) for w in sorted(names.objects(claim, IO.wording), key=str))
        items.append(f"<li>{show(claim)} ({kinds}) by {who or 'unstated'}{f': “{wording}”' if wording else ''}</li>")
    return f'<section id="claims"><h2>Claims</h2><ul>{"".join(items)}</ul></section>'


def _statements(iri: URIRef, graphs: dict[URIRef, Graph], show, *, subject: bool) -> str:
    rows = []
    for name in sorted(graphs, key=str):
        for s, p, o in sorted(graphs[name], key=lambda t: (isinstance(t[0], BNode), prefixed(t[1]), str(t[0]), str(t[2]))):
            if subject and s == iri:
                rows.append(f"<tr><td>{show(p)}</td><td>{show(o)}</td><td>{show(name)}</td></tr>")
            elif subject and isinstance(s, BNode):
                rows.append(f"<tr><td>{show(s)} {show(p)}</td><td>{show(o)}</td><td>{show(name)}</td></tr>")
            elif not subject and o == iri and s != iri:
                rows.append(f"<tr><td>{show(s)}</td><td>{show(p)}</td><td>{show(name)}</td></tr>")
    if not rows:
        return ""
    title, head = ("Statements", "<th>property</th><th>value</th>") if subject else \
        ("Statements about it elsewhere", "<th>subject</th><th>property</th>")
    return (f'<section id="{"statements" if subject else "incoming"}"><h2>{title}</h2><table><thead><tr>{head}'
            f"<th>stated in</th></tr></thead><tbody>{''.join(rows)}</tbody></table></section>")


def _mentions(iri: URIRef, graphs: dict[URIRef, Graph], names: Graph, show) -> str:
    mentioned = {t for graph in graphs.values() for triple in graph for t in triple
                 if isinstance(t, URIRef) and t != iri}
    mentioned |= set(graphs)
    if not mentioned:
        return ""
    items = "".join(f"<li>{show(n)}</li>" for n in sorted(mentioned, key=lambda n: label(names, n).lower()))
    return f'<section id="mentions"><h2>Everything it mentions</h2><ul class="columns">{items}</ul></section>'


"""The shapes page: every node shape with its targets, property shapes (path,
constraints, severity, message) and SPARQL rules (pyLODE documents ontologies, not shapes,
so this page is written here). Deterministic (sorted)."""

from __future__ import annotations

import html

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from kg.docs.markup import anchor, english, page
from kg.docs.terms import Terms

def node_shapes(shapes: Graph) -> list:
    """The node shapes of ``shapes``: declared ``sh:NodeShape`` or with a target."""
    found = set(shapes.subjects(RDF.type, SH.NodeShape))
    for target in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        found |= set(shapes.subjects(target, None))
    found -= set(shapes.subjects(RDF.type, SH.PropertyShape))
    return sorted(found, key=lambda n: (isinstance(n, BNode), str(n)))


def shapes_page(shapes: Graph, ontology: Graph, *, anchors: dict[str, str] | None = None) -> str:
    """The HTML page of every node shape of ``shapes`` (``anchors``: the ids of the
    ontology page, for links to the terms)."""
    terms = Terms(shapes, ontology, anchors=anchors)
    nodes = node_shapes(shapes)
    body = ["<h1>iokg shapes</h1>",
            '<p>The SHACL shapes that say what valid iokg data looks like. The terms they use are '
            'defined on <a href="ontology.html">the ontology page</a>; <a href="index.html#downloads">download</a> '
            'the shapes in every RDF format.</p>']
    for document in sorted(shapes.subjects(RDF.type, OWL.Ontology), key=str):
        description = english(shapes, document, URIRef("http://purl.org/dc/terms/description"), RDFS.comment)
        body.append(f'<p class="iri"><code>{html.escape(str(document))}</code></p>')
        if description:
            body.append(f"<p>{html.escape(description)}</p>")
    body.append(
        f"<p>{len(nodes)} node shapes. The data graph is the ontology plus the data, validated "
        "without inference; <a href=\"ontology.html\">the ontology</a> defines the terms.</p>"
    )
    body.append("<nav><ul>")
    for node in nodes:
        label = english(shapes, node, RDFS.label, SH.name) or terms.name(node)
        body.append(f'<li><a href="#{html.escape(anchor(node))}">{html.escape(terms.name(node))}</a>'
                    f" — {html.escape(label)}</li>")
    body.append("</ul></nav>")
    for node in nodes:
        body += _node_shape(shapes, terms, node)
    return page("iokg shapes", body, current="shapes.html")


def _severity(shapes: Graph, shape, default: str = "Violation") -> str:
    severity = shapes.value(shape, SH.severity)
    return str(severity)[len(str(SH)):] if severity is not None else default


def _messages(shapes: Graph, shape) -> str:
    messages = sorted(shapes.objects(shape, SH.message), key=lambda m: (getattr(m, "language", "") or "", str(m)))
    return "<br>".join(html.escape(str(m)) for m in messages)


def _node_shape(shapes: Graph, terms: Terms, node) -> list[str]:
    name = terms.name(node)
    label = english(shapes, node, RDFS.label, SH.name)
    out = [f'<section id="{html.escape(anchor(node))}">',
           f"<h3>{html.escape(label or name)}</h3>",
           f'<p class="iri"><code>{html.escape(str(node))}</code> ({html.escape(name)})</p>']
    comment = english(shapes, node, RDFS.comment, SH.description)
    if comment:
        out.append(f"<p>{html.escape(comment)}</p>")
    rows = []
    for predicate, title in (
        (SH.targetClass, "target class"), (SH.targetNode, "target node"),
        (SH.targetSubjectsOf, "target: subjects of"), (SH.targetObjectsOf, "target: objects of"),
        (SH.target, "target"),
    ):
        values = sorted(shapes.objects(node, predicate), key=str)
        if values:
            rows.append(f"<tr><th>{title}</th><td>{', '.join(terms.value(v) for v in values)}</td></tr>")
    severity = _severity(shapes, node)
    rows.append(f'<tr><th>severity</th><td class="severity-{severity}">{severity}</td></tr>')
    constraints = terms.constraints(node)
    if constraints:
        rows.append(f"<tr><th>constraints</th><td>{'<br>'.join(constraints)}</td></tr>")
    messages = _messages(shapes, node)
    if messages:
        rows.append(f"<tr><th>message</th><td>{messages}</td></tr>")
    out.append("<table>" + "".join(rows) + "</table>")

    properties = sorted(shapes.objects(node, SH.property), key=lambda p: (str(shapes.value(p, SH.path)), str(p)))
    if properties:
        out.append("<table><tr><th>path</th><th>property shape</th><th>constraints</th>"
                   "<th>severity</th><th>message</th></tr>")
        for prop in properties:
            path = shapes.value(prop, SH.path)
            what = english(shapes, prop, RDFS.label, SH.name)
            ident = "" if isinstance(prop, BNode) else f'<br><span class="iri">{html.escape(str(prop))}</span>'
            note = english(shapes, prop, RDFS.comment, SH.description)
            description = html.escape(what) + ident + (f"<br><small>{html.escape(note)}</small>" if note else "")
            parts = terms.constraints(prop)
            parts += _sparql(shapes, prop)
            prop_severity = _severity(shapes, prop, severity)
            out.append(
                f"<tr><td>{terms.path(path) if path is not None else ''}</td><td>{description}</td>"
                f"<td>{'<br>'.join(parts)}</td><td class=\"severity-{prop_severity}\">{prop_severity}</td>"
                f"<td>{_messages(shapes, prop)}</td></tr>"
            )
        out.append("</table>")
    for rule in _sparql(shapes, node, block=True):
        out.append(rule)
    out.append("</section>")
    return out


def _sparql(shapes: Graph, shape, *, block: bool = False) -> list[str]:
    """The SPARQL constraints of ``shape``: message, comment and query."""
    out = []
    for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
        message = _messages(shapes, constraint)
        comment = english(shapes, constraint, RDFS.comment, SH.description)
        query = str(shapes.value(constraint, SH.select) or shapes.value(constraint, SH.ask) or "")
        query = "\n".join(line[8:] if line.startswith(" " * 8) else line.strip() for line in query.strip("\n").splitlines())
        text = (f"<p><strong>SPARQL rule</strong>: {message}</p>"
                + (f"<p>{html.escape(comment)}</p>" if comment else "")
                + f"<pre>{html.escape(query)}</pre>")
        out.append(f'<div class="sparql">{text}</div>' if block else text)
    return out

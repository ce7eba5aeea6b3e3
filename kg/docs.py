"""HTML documentation of the iokg ontology and its SHACL shapes: ``iokg docs -o DIR``.

Writes three pages into ``DIR``:

- ``ontology.html``: the ontology, by pyLODE (the field's tool; its OntPub profile), with
  every class and property, their definitions, domains, ranges and hierarchy;
- ``shapes.html``: every node shape of ``shapes/*.ttl`` with its targets, its property
  shapes (path, constraints, severity, message) and its SPARQL rules (pyLODE documents
  ontologies, not shapes, so this page is written here);
- ``index.html``: what the pages are, and the ontology's controlled values (the named
  individuals that pyLODE does not list), by class.

Everything runs offline. The shapes page and the index are deterministic (sorted);
pyLODE's page may order some lists (the members of a union) differently between runs.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from kg import paths
from kg.errors import InputError, IokgError
from kg.namespaces import IO, ONTOLOGY
from kg.parsing import parse_file

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
"""

#: Parameters of a shape that the page shows in their own place, not as constraints.
_STRUCTURAL = {
    SH.path, SH.property, SH.message, SH.severity, SH.name, SH.description, SH.order,
    SH.group, SH.deactivated, SH.sparql, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
    SH.targetObjectsOf, SH.target, SH.prefixes, SH.declare,
}


def load_ontology() -> Graph:
    """The ontology files (``ontology/*.ttl``) in one graph."""
    graph = Graph()
    for path in sorted(paths.ONTOLOGY_DIR.glob("*.ttl")):
        graph += parse_file(path)
    return graph


def load_shapes() -> Graph:
    """The shape files (``shapes/*.ttl``) in one graph."""
    graph = Graph()
    for path in sorted(paths.SHAPES_DIR.glob("*.ttl")):
        graph += parse_file(path)
    return graph


def build(directory: Path | str, *, ontology: Graph | None = None, shapes: Graph | None = None) -> list[Path]:
    """Write ``index.html``, ``ontology.html`` and ``shapes.html`` into ``directory``
    (created if missing); return their paths."""
    directory = Path(directory)
    ontology = ontology if ontology is not None else load_ontology()
    shapes = shapes if shapes is not None else load_shapes()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot create the folder: {error.strerror or error}", path=directory) from None
    pages = {
        "ontology.html": ontology_page(ontology),
        "shapes.html": shapes_page(shapes, ontology),
        "index.html": index_page(ontology, shapes),
    }
    from kg.exports import write_atomic

    written = []
    for name, text in pages.items():
        path = directory / name
        write_atomic(path, text.encode("utf-8"))
        written.append(path)
    return sorted(written)


# The ontology page (pyLODE) -------------------------------------------------------------


def ontology_page(ontology: Graph) -> str:
    """pyLODE's OntPub page of ``ontology``."""
    try:
        from pylode import OntPub
    except Exception as error:  # pyLODE 3.4.1 fails on import outside a source checkout
        raise IokgError(
            f"pyLODE is not usable ({type(error).__name__}: {error}); install it with "
            f"pip install 'pylode>=3.2,<3.4'"
        ) from None
    copy = Graph()
    for prefix, namespace in ontology.namespaces():
        copy.bind(prefix, namespace, override=True)
    copy += ontology
    previous = logging.root.manager.disable
    logging.disable(logging.INFO)  # pyLODE logs its progress at INFO and DEBUG
    try:
        return OntPub(ontology=copy, sort_subjects=True).make_html()
    finally:
        logging.disable(previous)


# Rendering terms ------------------------------------------------------------------------


class _Terms:
    """Turns RDF terms of the shapes graph into HTML: prefixed names (linked to the ontology
    page for iokg terms), literals, lists, paths and nested shapes."""

    def __init__(self, shapes: Graph, ontology: Graph) -> None:
        from kg.exports import EXPORT_PREFIXES

        self.graph = shapes
        self.ontology_terms = {s for s in ontology.subjects() if isinstance(s, URIRef)}
        self.individuals = set(ontology.subjects(RDF.type, OWL.NamedIndividual))
        self.prefixes = sorted(EXPORT_PREFIXES.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def name(self, iri: URIRef) -> str:
        text = str(iri)
        for prefix, namespace in self.prefixes:
            if text.startswith(namespace) and text != namespace:
                return f"{prefix}:{text[len(namespace):]}"
        return f"<{text}>"

    def iri(self, iri: URIRef) -> str:
        label = html.escape(self.name(iri))
        if str(iri).startswith(str(IO)) and iri in self.individuals:
            return f'<a href="index.html#{html.escape(_anchor(iri))}"><code>{label}</code></a>'
        if str(iri).startswith(str(IO)) and iri in self.ontology_terms:
            return f'<a href="ontology.html#{html.escape(str(iri)[len(str(IO)):])}"><code>{label}</code></a>'
        if str(iri).startswith(str(SH)) or self.name(iri).startswith("<"):
            return f"<code>{label}</code>"
        if self.name(iri).startswith("iosh:"):
            return f'<a href="#{html.escape(_anchor(iri))}"><code>{label}</code></a>'
        return f"<code>{label}</code>"

    def items(self, node) -> list | None:
        if node == RDF.nil:
            return []
        if isinstance(node, BNode) and self.graph.value(node, RDF.first) is not None:
            return list(Collection(self.graph, node))
        return None

    def path(self, node) -> str:
        if isinstance(node, URIRef):
            return self.iri(node)
        items = self.items(node)
        if items is not None:
            return " / ".join(self.path(item) for item in items)
        for predicate, template in (
            (SH.inversePath, "^{}"),
            (SH.zeroOrMorePath, "({})*"),
            (SH.oneOrMorePath, "({})+"),
            (SH.zeroOrOnePath, "({})?"),
        ):
            inner = self.graph.value(node, predicate)
            if inner is not None:
                return template.format(self.path(inner))
        alternatives = self.graph.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + " | ".join(self.path(i) for i in self.items(alternatives) or []) + ")"
        return self.value(node)

    def value(self, node, depth: int = 0) -> str:
        if isinstance(node, URIRef):
            return self.iri(node)
        if isinstance(node, Literal):
            text = html.escape(str(node))
            if node.language:
                return f'<code>"{text}"@{html.escape(node.language)}</code>'
            if node.datatype is not None and node.datatype not in (
                URIRef("http://www.w3.org/2001/XMLSchema#string"),
                URIRef("http://www.w3.org/2001/XMLSchema#integer"),
                URIRef("http://www.w3.org/2001/XMLSchema#boolean"),
            ):
                return f'<code>"{text}"</code>^^{self.iri(node.datatype)}'
            return f"<code>{text}</code>" if node.datatype is not None else f'<code>"{text}"</code>'
        items = self.items(node)
        if items is not None:
            return "( " + " ".join(self.value(i, depth + 1) for i in items) + " )"
        if depth > 6:
            return "[ … ]"
        parts = self.constraints(node, depth + 1)
        return "[ " + " ; ".join(parts) + " ]"

    def constraints(self, shape, depth: int = 0) -> list[str]:
        """The constraint parameters of ``shape`` (``minCount 1``, ``class io:X``, …),
        sorted, with nested shapes written inline."""
        parts = []
        for predicate, value in sorted(self.graph.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))):
            if predicate in _STRUCTURAL or not str(predicate).startswith(str(SH)):
                continue
            key = html.escape(str(predicate)[len(str(SH)):])
            parts.append(f"{key} {self.value(value, depth)}")
        if depth:  # a nested shape: its path belongs with its constraints
            parts[:0] = [f"path {self.path(path)}" for path in self.graph.objects(shape, SH.path)]
        return parts


def _anchor(iri) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


def _text(graph: Graph, node, *properties) -> str:
    for prop in properties:
        values = sorted(
            (v for v in graph.objects(node, prop) if isinstance(v, Literal) and v.language in (None, "en")), key=str
        )
        if values:
            return str(values[0])
    return ""


def _page(title: str, body: Iterable[str]) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


# The shapes page ------------------------------------------------------------------------


def node_shapes(shapes: Graph) -> list:
    """The node shapes of ``shapes``: declared ``sh:NodeShape`` or with a target."""
    found = set(shapes.subjects(RDF.type, SH.NodeShape))
    for target in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        found |= set(shapes.subjects(target, None))
    found -= set(shapes.subjects(RDF.type, SH.PropertyShape))
    return sorted(found, key=lambda n: (isinstance(n, BNode), str(n)))


def shapes_page(shapes: Graph, ontology: Graph) -> str:
    """The HTML page of every node shape of ``shapes``."""
    terms = _Terms(shapes, ontology)
    nodes = node_shapes(shapes)
    body = ["<h1>iokg shapes</h1>"]
    for document in sorted(shapes.subjects(RDF.type, OWL.Ontology), key=str):
        description = _text(shapes, document, URIRef("http://purl.org/dc/terms/description"), RDFS.comment)
        body.append(f'<p class="iri"><code>{html.escape(str(document))}</code></p>')
        if description:
            body.append(f"<p>{html.escape(description)}</p>")
    body.append(
        f"<p>{len(nodes)} node shapes. The data graph is the ontology plus the data, validated "
        "without inference; <a href=\"ontology.html\">the ontology</a> defines the terms.</p>"
    )
    body.append("<nav><ul>")
    for node in nodes:
        label = _text(shapes, node, RDFS.label, SH.name) or terms.name(node)
        body.append(f'<li><a href="#{html.escape(_anchor(node))}">{html.escape(terms.name(node))}</a>'
                    f" — {html.escape(label)}</li>")
    body.append("</ul></nav>")
    for node in nodes:
        body += _node_shape(shapes, terms, node)
    return _page("iokg shapes", body)


def _severity(shapes: Graph, shape, default: str = "Violation") -> str:
    severity = shapes.value(shape, SH.severity)
    return str(severity)[len(str(SH)):] if severity is not None else default


def _messages(shapes: Graph, shape) -> str:
    messages = sorted(shapes.objects(shape, SH.message), key=lambda m: (getattr(m, "language", "") or "", str(m)))
    return "<br>".join(html.escape(str(m)) for m in messages)


def _node_shape(shapes: Graph, terms: _Terms, node) -> list[str]:
    name = terms.name(node)
    label = _text(shapes, node, RDFS.label, SH.name)
    out = [f'<section id="{html.escape(_anchor(node))}">',
           f"<h3>{html.escape(label or name)}</h3>",
           f'<p class="iri"><code>{html.escape(str(node))}</code> ({html.escape(name)})</p>']
    comment = _text(shapes, node, RDFS.comment, SH.description)
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
            what = _text(shapes, prop, RDFS.label, SH.name)
            ident = "" if isinstance(prop, BNode) else f'<br><span class="iri">{html.escape(str(prop))}</span>'
            note = _text(shapes, prop, RDFS.comment, SH.description)
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
        comment = _text(shapes, constraint, RDFS.comment, SH.description)
        query = str(shapes.value(constraint, SH.select) or shapes.value(constraint, SH.ask) or "")
        query = "\n".join(line[8:] if line.startswith(" " * 8) else line.strip() for line in query.strip("\n").splitlines())
        text = (f"<p><strong>SPARQL rule</strong>: {message}</p>"
                + (f"<p>{html.escape(comment)}</p>" if comment else "")
                + f"<pre>{html.escape(query)}</pre>")
        out.append(f'<div class="sparql">{text}</div>' if block else text)
    return out


# The index ------------------------------------------------------------------------------


def index_page(ontology: Graph, shapes: Graph) -> str:
    """The entry page: links to the two pages and the ontology's controlled values."""
    terms = _Terms(shapes, ontology)
    title = _text(ontology, URIRef(ONTOLOGY), URIRef("http://purl.org/dc/terms/title"), RDFS.label) or "iokg"
    classes = [c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(IO))]
    properties = [p for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
                  for p in ontology.subjects(RDF.type, kind) if str(p).startswith(str(IO))]
    body = [
        f"<h1>{html.escape(title)}</h1>",
        "<ul>",
        f'<li><a href="ontology.html">The ontology</a>: {len(set(classes))} classes and '
        f"{len(set(properties))} properties of <code>{html.escape(str(IO))}</code> (pyLODE).</li>",
        f'<li><a href="shapes.html">The shapes</a>: {len(node_shapes(shapes))} SHACL node shapes.</li>',
        "</ul>",
        "<h2>Controlled values</h2>",
        "<p>The named individuals of the ontology, by class.</p>",
    ]
    individuals = sorted(
        (i for i in ontology.subjects(RDF.type, OWL.NamedIndividual) if isinstance(i, URIRef)), key=str
    )
    by_class: dict = {}
    for individual in individuals:
        for cls in ontology.objects(individual, RDF.type):
            if cls != OWL.NamedIndividual:
                by_class.setdefault(cls, []).append(individual)
    for cls in sorted(by_class, key=str):
        body.append(f"<h3>{terms.value(cls)} — {html.escape(_text(ontology, cls, RDFS.label, SKOS.prefLabel))}</h3>")
        body.append("<table><tr><th>value</th><th>label</th><th>definition</th></tr>")
        for individual in by_class[cls]:
            body.append(
                f'<tr id="{html.escape(_anchor(individual))}"><td><code>{html.escape(terms.name(individual))}</code>'
                f'<br><span class="iri">{html.escape(str(individual))}</span></td>'
                f"<td>{html.escape(_text(ontology, individual, RDFS.label, SKOS.prefLabel))}</td>"
                f"<td>{html.escape(_text(ontology, individual, RDFS.comment, SKOS.definition))}</td></tr>"
            )
        body.append("</table>")
    body.append("<p>Built by <code>iokg docs -o DIR</code>.</p>")
    return _page(f"{title}: documentation", body)

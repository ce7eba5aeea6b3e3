"""The entry page of the documentation: what iokg is, how to cite it, a diagram of the main
classes and properties, a worked example per main class (from ``skos:example`` or the
documents' data), the namespaces, the downloads, and the ontology's controlled values."""

from __future__ import annotations

import html

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.docs.downloads import Download
from kg.docs.markup import anchor, english, page
from kg.docs.shapes_page import node_shapes
from kg.docs.terms import Terms
from kg.exports import ExportFormat, canonical_quads, serialize
from kg.namespaces import IO, ONTOLOGY, PREFIXES
from kg.pictures import class_diagram_svg
from kg.pictures.classes import main_classes
from kg.pictures.svg import inline

#: What each of iokg's own prefixes names (the vocabularies borrowed are named by their IRI).
_NAMESPACE_NOTES = {
    "io": "the ontology: classes, properties and controlled values",
    "op": "influence operations", "actor": "actors: states, companies, parties, media, people",
    "platform": "platforms", "doc": "source documents (each also names the graph of its statements)",
    "fig": "reported figures", "claim": "claims and attributions", "resp": "policy responses",
    "narr": "narratives", "target": "targets and audiences", "country": "countries",
    "tech": "local techniques", "disarm": "DISARM Red Framework techniques and tactics",
    "graph": "named graphs other than the documents'", "iosh": "the SHACL shapes",
}
#: At most this many statements of an example resource are shown.
_EXAMPLE_LINES = 40


def index_page(ontology: Graph, shapes: Graph, dataset: Dataset, *, downloads: list[Download],
               anchors: dict[str, str]) -> str:
    """The entry page (see the module)."""
    terms = Terms(shapes, ontology, anchors=anchors)
    title = english(ontology, URIRef(ONTOLOGY), DCTERMS.title, RDFS.label) or "iokg"
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(IO))}
    properties = {p for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
                  for p in ontology.subjects(RDF.type, kind) if str(p).startswith(str(IO))}
    description = english(ontology, URIRef(ONTOLOGY), DCTERMS.description, RDFS.comment)
    body = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(description)}</p>" if description else "",
        "<ul>",
        f'<li><a href="ontology.html">The ontology</a>: {len(classes)} classes and {len(properties)} properties '
        f"of <code>{html.escape(str(IO))}</code> (pyLODE).</li>",
        f'<li><a href="shapes.html">The shapes</a>: {len(node_shapes(shapes))} SHACL node shapes.</li>',
        '<li><a href="#diagram">Diagram</a> · <a href="#examples">Examples</a> · '
        '<a href="#namespaces">Namespaces</a> · <a href="#downloads">Downloads</a> · '
        '<a href="#cite">Cite as</a> · <a href="#controlled-values">Controlled values</a></li>',
        "</ul>",
    ]
    body += _cite(ontology, title)
    body += _diagram(ontology)
    body += _examples(ontology, dataset, terms)
    body += _namespaces()
    body += _downloads(downloads)
    body += _controlled_values(ontology, terms)
    body.append("<p>Built by <code>iokg docs -o DIR</code>.</p>")
    return page(f"{title}: documentation", [part for part in body if part], current="index.html")


def _cite(ontology: Graph, title: str) -> list[str]:
    head = URIRef(ONTOLOGY)
    version = english(ontology, head, OWL.versionInfo) or "unversioned"
    version_iri = ontology.value(head, OWL.versionIRI) or head
    creator = english(ontology, head, DCTERMS.creator) or "The iokg developers"
    licence = ontology.value(head, DCTERMS.license)
    citation = english(ontology, head, DCTERMS.bibliographicCitation)
    plain = citation or f"{creator}. {title}, version {version}. {version_iri}"
    bibtex = (f"@misc{{iokg-{version},\n  author = {{{creator}}},\n  title = {{{title}}},\n"
              f"  version = {{{version}}},\n  url = {{{version_iri}}},\n  note = {{Licence: {licence}}}\n}}")
    licence_html = f'<a href="{html.escape(str(licence))}">{html.escape(str(licence))}</a>' if licence else "not stated"
    return [
        '<h2 id="cite">Cite as</h2>',
        f'<div class="cite"><p>{html.escape(plain)}</p>'
        f"<p>Version {html.escape(version)} · licence {licence_html}</p>"
        f"<pre>{html.escape(bibtex)}</pre></div>",
    ]


def _diagram(ontology: Graph) -> list[str]:
    svg = inline(class_diagram_svg(ontology))
    return [
        '<h2 id="diagram">Main classes and properties</h2>',
        "<p>Boxes are the main classes (controlled values left out), columns their depth in the class "
        "hierarchy; dashed lines lead to a superclass; labelled curves are object properties from their "
        'domain to their range. Drawn by iokg from the ontology (also as <a href="classes.svg">classes.svg</a>).</p>',
        f'<figure class="diagram">{svg}</figure>',
    ]


def _examples(ontology: Graph, dataset: Dataset, terms: Terms) -> list[str]:
    from kg.dataset import union

    data = union(dataset)
    out = ['<h2 id="examples">Examples</h2>',
           "<p>For each main class, a worked example: its <code>skos:example</code> in the ontology, "
           "else the resource of the documents' data with the most statements, as Turtle.</p>"]
    for cls in main_classes(ontology):
        label = english(ontology, cls, RDFS.label) or anchor(cls)
        out.append(f'<h3 id="example-{html.escape(anchor(cls))}">{html.escape(label)} ({terms.iri(cls)})</h3>')
        notes = sorted(str(v) for v in ontology.objects(cls, SKOS.example))
        if notes:
            out += [f"<pre>{html.escape(note)}</pre>" for note in notes]
            continue
        instance = _example_instance(data, ontology, cls)
        if instance is None:
            out.append("<p>No instance in the data yet.</p>")
            continue
        statements = Graph()
        for triple in sorted(data.triples((instance, None, None)))[:_EXAMPLE_LINES]:
            statements.add(triple)
        turtle = serialize(canonical_quads({URIRef(str(instance)): statements}), ExportFormat.TURTLE)
        out.append(f"<pre>{html.escape(turtle.decode('utf-8'))}</pre>")
    return out


def _example_instance(data: Graph, ontology: Graph, cls: URIRef) -> URIRef | None:
    subclasses = set(ontology.transitive_subjects(RDFS.subClassOf, cls))
    members = {s for c in subclasses for s in data.subjects(RDF.type, c) if isinstance(s, URIRef)}
    members -= set(ontology.subjects())
    if not members:
        return None
    return min(members, key=lambda m: (-len(list(data.predicate_objects(m))), str(m)))


def _namespaces() -> list[str]:
    rows = "".join(
        f"<tr><td><code>{html.escape(prefix)}:</code></td><td><code>{html.escape(str(namespace))}</code></td>"
        f"<td>{html.escape(_NAMESPACE_NOTES.get(prefix, 'vocabulary iokg uses'))}</td></tr>"
        for prefix, namespace in sorted(PREFIXES.items())
    )
    return ['<h2 id="namespaces">Namespaces</h2>',
            "<table><tr><th>prefix</th><th>namespace</th><th>what</th></tr>" + rows + "</table>"]


def _downloads(downloads: list[Download]) -> list[str]:
    formats = list(ExportFormat)
    whats = sorted({d.what for d in downloads}, key=["ontology", "shapes", "data"].index)
    by_key = {(d.what, d.format): d for d in downloads}
    header = "".join(f"<th>{html.escape(f.title)}</th>" for f in formats)
    rows = []
    for what in whats:
        cells = "".join(
            f'<td><a href="{html.escape(by_key[(what, f)].path)}" type="{html.escape(f.media_type)}">'
            f"{html.escape(f.extension)}</a> <small>({by_key[(what, f)].size:,} bytes)</small></td>"
            if (what, f) in by_key else "<td></td>"
            for f in formats
        )
        rows.append(f"<tr><th>{html.escape(what)}</th>{cells}</tr>")
    return ['<h2 id="downloads">Downloads</h2>',
            "<p>Every serialization iokg writes, deterministic (the same graph gives the same bytes). "
            "The data files are the default export (<code>iokg export</code>): the data graphs, the ontology and "
            "the VoID description; N-Quads, TriG and JSON-LD keep the named graphs.</p>",
            f"<table><tr><th></th>{header}</tr>{''.join(rows)}</table>"]


def _controlled_values(ontology: Graph, terms: Terms) -> list[str]:
    out = ['<h2 id="controlled-values">Controlled values</h2>', "<p>The named individuals of the ontology, by class.</p>"]
    individuals = sorted((i for i in ontology.subjects(RDF.type, OWL.NamedIndividual) if isinstance(i, URIRef)), key=str)
    by_class: dict = {}
    for individual in individuals:
        for cls in ontology.objects(individual, RDF.type):
            if cls != OWL.NamedIndividual:
                by_class.setdefault(cls, []).append(individual)
    for cls in sorted(by_class, key=str):
        out.append(f"<h3>{terms.value(cls)} — {html.escape(english(ontology, cls, RDFS.label, SKOS.prefLabel))}</h3>")
        out.append("<table><tr><th>value</th><th>label</th><th>definition</th></tr>")
        for individual in by_class[cls]:
            out.append(
                f'<tr id="{html.escape(anchor(individual))}"><td><code>{html.escape(terms.name(individual))}</code>'
                f'<br><span class="iri">{html.escape(str(individual))}</span></td>'
                f"<td>{html.escape(english(ontology, individual, RDFS.label, SKOS.prefLabel))}</td>"
                f"<td>{html.escape(english(ontology, individual, RDFS.comment, SKOS.definition))}</td></tr>"
            )
        out.append("</table>")
    return out

"""Per-source qualified statements: which document says what about a node.

A node shared by several documents (an operation told by documents 002 and 003) mixes their
statements; only the named graphs say which document stated which, and a union of the
graphs (a Turtle export, a store's union default graph) loses it. For the statements
documents may disagree on (sponsor, platforms, targets, narratives, origin, the date of a
response, who prompted or helped a response), every store derives one
``io:QualifiedStatement`` per triple of a document graph into the graph
``graph:statements``::

    stmt:002-3f…  a io:QualifiedStatement ;
        io:statementSubject op:china-2020 ; io:statementProperty io:pushesNarrative ;
        io:statementObject narr:covid-19 ; io:strength io:direct ; io:reportedIn doc:002 .

so that "what does each source say about the June 2020 China network's narratives?" has an
answer on the union as well as in the named graphs. Readings a document does not state
outright are written by curators as statements of strength ``io:inferred`` with
``io:reason``, in the document's graph and without the plain triple; nothing is derived for
them.

The derivation is one SPARQL pattern (``STATEMENTS_WHERE``) that every store runs itself:
rdflib as a CONSTRUCT (``add_statements``), Oxigraph and remote stores as an INSERT
(``STATEMENTS_UPDATE``). It reads named graphs only, so it gives the same statements
whatever a store's default graph is. A statement's IRI is the document's name and a digest
of the triple, the same on every store and run.
"""

from __future__ import annotations

from rdflib import Dataset

from kg.namespaces import DOCUMENT, GRAPH, IO, RESPONSE, STATEMENT

#: The derived graph of per-source qualified statements.
STATEMENTS = GRAPH["statements"]

#: The properties kept per source, with the words the statements' labels use.
QUALIFIED_PROPERTIES = {
    IO.sponsoredBy: "is sponsored by",
    IO.activeOn: "is active on",
    IO.targets: "targets",
    IO.pushesNarrative: "pushes",
    IO.originCountry: "works from",
    IO.date: "is dated",
    IO.promptedBy: "was prompted by",
    IO.assistedBy: "was assisted by",
}

_VALUES = " ".join(f'(<{p}> "{words}")' for p, words in QUALIFIED_PROPERTIES.items())
_ENGLISH_LABEL = (
    'OPTIONAL {{ GRAPH ?{g} {{ ?{node} <http://www.w3.org/2000/01/rdf-schema#label>'
    '|<http://www.w3.org/2004/02/skos/core#prefLabel> ?{var} }} FILTER(LANGMATCHES(LANG(?{var}), "en")) }}'
)

#: The pattern every store evaluates: one solution per statement (named graphs only).
STATEMENTS_WHERE = f"""WHERE {{
  VALUES (?p ?words) {{ {_VALUES} }}
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER (STRSTARTS(STR(?g), "{DOCUMENT}"))
  FILTER (?p != <{IO.date}> || STRSTARTS(STR(?s), "{RESPONSE}"))
  {_ENGLISH_LABEL.format(g="sg", node="s", var="sLabel")}
  {_ENGLISH_LABEL.format(g="og", node="o", var="oLabel")}
  BIND (IF(isIRI(?o), <{IO.statementObject}>, <{IO.statementValue}>) AS ?objectProperty)
  BIND (IF(isIRI(?o), CONCAT("<", STR(?o), ">"), CONCAT("\\"", STR(?o), "\\"^^<", STR(DATATYPE(?o)), ">")) AS ?key)
  BIND (SUBSTR(STR(?g), {len(str(DOCUMENT)) + 1}) AS ?name)
  BIND (IRI(CONCAT("{STATEMENT}", LCASE(REPLACE(?name, "_", "-")), "-",
        SUBSTR(SHA1(CONCAT(STR(?g), " ", STR(?s), " ", STR(?p), " ", ?key)), 1, 16))) AS ?statement)
  BIND (STRLANG(CONCAT("Document ", ?name, ": ", COALESCE(STR(?sLabel), STR(?s)), " ", ?words, " ",
        COALESCE(STR(?oLabel), STR(?o))), "en") AS ?label)
}}"""

_TEMPLATE = f"""?statement a <{IO.QualifiedStatement}> ;
      <http://www.w3.org/2000/01/rdf-schema#label> ?label ;
      <{IO.statementSubject}> ?s ; <{IO.statementProperty}> ?p ; ?objectProperty ?o ;
      <{IO.strength}> <{IO.direct}> ; <{IO.reportedIn}> ?g ."""

#: The statements as a CONSTRUCT query (the triples of ``graph:statements``).
STATEMENTS_CONSTRUCT = f"CONSTRUCT {{ {_TEMPLATE} }}\n{STATEMENTS_WHERE}"
#: The derivation as a SPARQL Update, for the stores that run it themselves.
STATEMENTS_UPDATE = f"INSERT {{ GRAPH <{STATEMENTS}> {{ {_TEMPLATE} }} }}\n{STATEMENTS_WHERE}"


def add_statements(dataset: Dataset) -> None:
    """Derive the qualified statements of every document graph of ``dataset`` into the
    graph ``graph:statements`` (see the module's docstring).

    The same statements as ``STATEMENTS_CONSTRUCT`` gives, computed with rdflib's triple
    patterns instead of its SPARQL engine, whose parse of the query alone costs about a
    second in every process that loads the graph (``tests/test_model.py`` checks that the
    stores that run ``STATEMENTS_UPDATE`` derive the same triples)."""
    import hashlib

    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import RDF, RDFS, SKOS, XSD

    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    # GRAPH ?g ranges over the named graphs only
    graphs = [g for g in dataset.graphs() if isinstance(g.identifier, URIRef) and g.identifier != DATASET_DEFAULT_GRAPH_ID]
    labels: dict = {}

    def english_labels(node) -> list:
        if node not in labels:
            found = set()
            for graph in graphs:
                for prop in (RDFS.label, SKOS.prefLabel):
                    for label in graph.objects(node, prop):
                        language = getattr(label, "language", None) or ""
                        if isinstance(label, Literal) and (language.lower() == "en" or language.lower().startswith("en-")):
                            found.add(str(label))
            labels[node] = sorted(found) or [None]
        return labels[node]

    derived = set()
    for graph in graphs:
        name = str(graph.identifier)
        if not name.startswith(str(DOCUMENT)):
            continue
        short = name[len(str(DOCUMENT)):]
        prefix = f"{STATEMENT}{short.replace('_', '-').lower()}-"
        for prop, words in QUALIFIED_PROPERTIES.items():
            for subject, value in graph.subject_objects(prop):
                if isinstance(subject, BNode) or isinstance(value, BNode):
                    continue  # STR() of a blank node is an error: the pattern binds no ?statement
                if prop == IO.date and not str(subject).startswith(str(RESPONSE)):
                    continue
                if isinstance(value, URIRef):
                    key, object_property = f"<{value}>", IO.statementObject
                else:
                    datatype = value.datatype or (RDF.langString if value.language else XSD.string)
                    key, object_property = f'"{value}"^^<{datatype}>', IO.statementValue
                digest = hashlib.sha1(f"{name} {subject} {prop} {key}".encode("utf-8")).hexdigest()[:16]
                statement = URIRef(prefix + digest)
                derived.update({
                    (statement, RDF.type, IO.QualifiedStatement), (statement, IO.statementSubject, subject),
                    (statement, IO.statementProperty, prop), (statement, object_property, value),
                    (statement, IO.strength, IO.direct), (statement, IO.reportedIn, graph.identifier),
                })
                for subject_label in english_labels(subject):
                    for value_label in (english_labels(value) if isinstance(value, URIRef) else [None]):
                        text = (f"Document {short}: {subject_label or subject} {words} "
                                f"{value_label or value}")
                        derived.add((statement, RDFS.label, Literal(text, lang="en")))
    target = dataset.graph(STATEMENTS)
    for triple in derived:
        target.add(triple)

"""The network picture: influence operations with their sponsors, the platforms they were
active on and the narratives they pushed, as read from the graph."""

from __future__ import annotations

from rdflib import URIRef

from kg.errors import UsageError
from kg.pictures.data import select
from kg.pictures.layout import Edge, Node, render

#: Operations and what links them to sponsors, platforms and narratives, with English labels.
NETWORK_QUERY = """
PREFIX io: <https://w3id.org/iokg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?operation ?operationLabel ?role ?node ?nodeLabel
WHERE {
  ?operation rdf:type/rdfs:subClassOf* io:InfluenceOperation .
  OPTIONAL { ?operation rdfs:label ?operationLabel FILTER(LANGMATCHES(LANG(?operationLabel), "en")) }
  OPTIONAL {
    { ?operation io:sponsoredBy ?node BIND("sponsor" AS ?role) }
    UNION { ?operation io:activeOn ?node BIND("platform" AS ?role) }
    UNION { ?operation io:pushesNarrative ?node BIND("narrative" AS ?role) }
    OPTIONAL { ?node rdfs:label ?rdfsLabel FILTER(LANGMATCHES(LANG(?rdfsLabel), "en")) }
    OPTIONAL { ?node skos:prefLabel ?prefLabel FILTER(LANGMATCHES(LANG(?prefLabel), "en")) }
    BIND(COALESCE(?prefLabel, ?rdfsLabel) AS ?nodeLabel)
  }
}
"""

_LAYER = {"sponsor": 0, "operation": 1, "platform": 2, "narrative": 2}


def _label(row: dict, name: str, iri: str) -> str:
    value = row.get(name)
    return str(value) if value is not None else iri.rstrip("/").rpartition("/")[2]


def network_svg(store, *, operation: URIRef | str | None = None) -> str:
    """The SVG network of operations (middle), their sponsors (left), and the platforms
    and narratives they are linked to (right), read from ``store`` (an rdflib Dataset or a
    kg.store Store); only ``operation``'s neighbourhood when it is given. Deterministic.
    Raises :class:`UsageError` when ``operation`` is not an operation of the graph."""
    rows = select(store, NETWORK_QUERY)
    if operation is not None:
        rows = [row for row in rows if str(row["operation"]) == str(operation)]
    nodes: list[Node] = []
    edges: list[Edge] = []
    for row in rows:
        op = str(row["operation"])
        label = _label(row, "operationLabel", op)
        nodes.append(Node(op, label, _LAYER["operation"], "operation", f"operation: {label} <{op}>"))
        if "node" not in row:
            continue
        role, other = str(row["role"]), str(row["node"])
        other_label = _label(row, "nodeLabel", other)
        nodes.append(Node(other, other_label, _LAYER[role], role, f"{role}: {other_label} <{other}>"))
        if role == "sponsor":
            edges.append(Edge(other, op))
        else:
            edges.append(Edge(op, other))
    title = "Influence operations: sponsors, platforms and narratives"
    if operation is not None:
        if not nodes:
            raise UsageError(f"no influence operation <{operation}> in the graph")
        title = f"{nodes[0].label}: sponsors, platforms and narratives"
    return render(nodes, edges, title=title,
                  description="Sponsors (left) sponsor operations (middle), which were active on platforms "
                              "and pushed narratives (right). Made by iokg from its graph.",
                  columns={0: "sponsors", 1: "operations", 2: "platforms and narratives"})

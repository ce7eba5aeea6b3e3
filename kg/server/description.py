"""The server's descriptions of itself: the SPARQL 1.1 Service Description (W3C
Recommendation, section 3) of the endpoint, listing the dataset's graphs."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.namespaces import PREFIXES, SD, VOID
from kg.server.formats import GRAPH_FORMATS, RESULT_FORMATS

_FORMATS = "http://www.w3.org/ns/formats/"
#: W3C format IRIs of the result formats (https://www.w3.org/ns/formats/).
_RESULT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
                "tsv": "SPARQL_Results_TSV"}


def service_description(*, endpoint: str, graphs: list[URIRef], dataset: URIRef, update: bool) -> Graph:
    """The ``sd:Service`` at ``endpoint``: languages, formats, features (the default graph
    is the union of the named graphs) and the default dataset with every named graph."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    for prefix in ("doc", "graph"):
        g.bind(prefix, PREFIXES[prefix])
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if update:
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for choice in RESULT_FORMATS:
        g.add((service, SD.resultFormat, URIRef(_FORMATS + _RESULT_IRIS[choice.name])))
    for choice in GRAPH_FORMATS:
        g.add((service, SD.resultFormat, URIRef(choice.rdf.w3c_format)))
    default = BNode("dataset")
    g.add((service, SD.defaultDataset, default))
    g.add((default, RDF.type, SD.Dataset))
    g.add((default, RDF.type, VOID.Dataset))
    g.add((default, VOID.sparqlEndpoint, service))
    g.add((default, SD.defaultGraph, BNode("union")))
    g.add((BNode("union"), RDF.type, SD.Graph))
    g.add((BNode("union"), URIRef("http://purl.org/dc/terms/description"),
           Literal("The union (RDF merge) of the named graphs: each triple once.", lang="en")))
    g.add((default, URIRef("http://purl.org/dc/terms/isPartOf"), dataset))
    for index, name in enumerate(sorted(graphs, key=str)):
        named = BNode(f"graph{index}")
        g.add((default, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, name))
    return g

"""IRIs of iokg and of the vocabularies it uses, in one place."""

import re

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

BASE = "https://w3id.org/iokg/"

#: The ontology namespace (terms: classes, properties, controlled values).
IO = Namespace(BASE + "ontology#")
#: The ontology's own IRI (also the name of the graph that holds it).
ONTOLOGY = BASE.rstrip("/") + "/ontology"

# Instance namespaces: readable slugs under one base.
OPERATION = Namespace(BASE + "operation/")
ACTOR = Namespace(BASE + "actor/")
PLATFORM = Namespace(BASE + "platform/")
DOCUMENT = Namespace(BASE + "document/")
FIGURE = Namespace(BASE + "figure/")
CLAIM = Namespace(BASE + "claim/")
RESPONSE = Namespace(BASE + "response/")
NARRATIVE = Namespace(BASE + "narrative/")
TARGET = Namespace(BASE + "target/")
COUNTRY = Namespace(BASE + "country/")
TECHNIQUE = Namespace(BASE + "technique/")
DISARM = Namespace(BASE + "disarm/")
GRAPH = Namespace(BASE + "graph/")
#: Accounts of the platforms' archives: ``account/<platform>/<user id as published>``.
ACCOUNT = Namespace(BASE + "account/")
#: Posts of the platforms' archives: ``post/<platform>/<post id>``.
POST = Namespace(BASE + "post/")
#: Named graphs of imported archive files: ``archive/<name>`` (kg/data/archives/<name>.nt).
ARCHIVE = Namespace(BASE + "archive/")
SHAPE = Namespace(BASE + "shapes#")
#: Changes made by ``iokg remove`` and ``iokg add --replace`` (prov:Activity, in graph:curation).
CHANGE = Namespace(BASE + "change/")
#: The SKOS concept scheme of the narratives (in graph:reference).
NARRATIVE_SCHEME = NARRATIVE["scheme"]
#: The IRI of iokg's JSON-LD context (served from ``kg/data/context.jsonld``, never fetched).
CONTEXT_IRI = BASE + "context.jsonld"

SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
#: SIOC core: accounts and posts of online communities.
SIOC = Namespace("http://rdfs.org/sioc/ns#")

#: Prefixes bound on every graph iokg writes, so output is stable and readable.
PREFIXES = {
    "io": IO,
    "op": OPERATION,
    "actor": ACTOR,
    "platform": PLATFORM,
    "doc": DOCUMENT,
    "fig": FIGURE,
    "claim": CLAIM,
    "resp": RESPONSE,
    "narr": NARRATIVE,
    "target": TARGET,
    "country": COUNTRY,
    "tech": TECHNIQUE,
    "disarm": DISARM,
    "graph": GRAPH,
    "change": CHANGE,
    "account": ACCOUNT,
    "post": POST,
    "archive": ARCHIVE,
    "iosh": SHAPE,
    "schema": SCHEMA,
    "wd": WD,
    "void": VOID,
    "dcat": DCAT,
    "sioc": SIOC,
    "dcterms": DCTERMS,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "sh": SH,
    "skos": SKOS,
    "xsd": XSD,
}


#: SPARQL 1.1 Service Description (the description ``iokg serve`` gives at GET /sparql).
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


_LOCAL_NAME = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


def short_name(term) -> str:
    """``term`` as a person reads it: an IRI as a prefixed name of iokg's prefixes (the
    longest namespace wins; ``<…>`` when none fits), anything else as its N-Triples form."""
    from rdflib import Literal, URIRef

    if isinstance(term, Literal):
        if term.datatype in (XSD.integer, XSD.decimal, XSD.boolean) and not term.ill_typed:
            return str(term)
        quoted = '"' + str(term).replace("\\", "\\\\").replace('"', '\\"') + '"'
        if term.language:
            return f"{quoted}@{term.language}"
        return f"{quoted}^^{short_name(term.datatype)}" if term.datatype and term.datatype != XSD.string else quoted
    if not isinstance(term, URIRef):
        return term.n3() if hasattr(term, "n3") else str(term)
    text = str(term)
    best = max((p for p, n in PREFIXES.items() if text.startswith(str(n))), key=lambda p: len(str(PREFIXES[p])),
               default=None)
    if best is not None:
        local = text[len(str(PREFIXES[best])):]
        if _LOCAL_NAME.match(local):
            return f"{best}:{local}"
    return f"<{text}>"

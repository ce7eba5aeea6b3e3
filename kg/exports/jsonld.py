"""JSON-LD: the export writer (expanded from the sorted statements, compacted by pyld with
the context the package ships), the document loader that serves that context without the
network, and the context itself, derived from the ontology.
"""

from __future__ import annotations

import json

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.errors import InputError
from kg.exports.base import CONTEXT_FILE, CONTEXT_IRI, EXPORT_PREFIXES, RDF_TYPE, XSD_NS, JsonLdContext, is_bnode
from kg.namespaces import IO

def context() -> dict:
    """The JSON-LD context the package ships (``kg/data/context.jsonld``)."""
    try:
        return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read the JSON-LD context: {error}", path=CONTEXT_FILE) from None


def document_loader(url: str, options: dict | None = None) -> dict:
    """A pyld document loader that serves :data:`CONTEXT_IRI` from the package and refuses
    every other URL (no network)."""
    from pyld.jsonld import JsonLdError

    if url == CONTEXT_IRI:
        return {"contextUrl": None, "documentUrl": url, "document": context(), "contentType": "application/ld+json"}
    raise JsonLdError(
        f"iokg's document loader only serves {CONTEXT_IRI}, not {url}",
        "jsonld.LoadDocumentError",
        {"url": url},
        code="loading document failed",
    )


def _jsonld_id(term) -> str:
    return f"_:{term.value}" if is_bnode(term) else term.value


def _jsonld_value(term) -> dict:
    import pyoxigraph as ox

    if not isinstance(term, ox.Literal):
        return {"@id": _jsonld_id(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_NS + "string":
        return {"@value": term.value}
    return {"@value": term.value, "@type": term.datatype.value}


def expanded_jsonld(quads: list) -> list:
    """Sorted canonical ``quads`` as expanded JSON-LD: one graph object per named graph,
    one node object per subject, values in sorted order."""
    import pyoxigraph as ox

    graphs: dict[str, dict[str, dict]] = {}
    for quad in quads:
        nodes = graphs.setdefault(quad.graph_name.value, {})
        subject = _jsonld_id(quad.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        if quad.predicate.value == RDF_TYPE and not isinstance(quad.object, ox.Literal):
            node.setdefault("@type", []).append(_jsonld_id(quad.object))
        else:
            node.setdefault(quad.predicate.value, []).append(_jsonld_value(quad.object))
    return [{"@id": name, "@graph": list(nodes.values())} for name, nodes in graphs.items()]


def write_jsonld(quads: list, *, context_mode: JsonLdContext = JsonLdContext.INLINE) -> bytes:
    """Sorted canonical ``quads`` as compacted JSON-LD with the shipped context, written
    into the file (``inline``) or referenced by :data:`CONTEXT_IRI` (``iri``)."""
    from pyld import jsonld

    compacted = jsonld.compact(
        expanded_jsonld(quads),
        context() if context_mode is JsonLdContext.INLINE else CONTEXT_IRI,
        {"documentLoader": document_loader, "compactToRelative": False, "base": None},
    )
    return (json.dumps(_keywords_first(compacted), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _keywords_first(value):
    """The same JSON with "@context", "@id" and "@type" first in every object (pyld sorts
    keys, which puts a graph's "@id" after its "@graph"); the order of arrays is kept."""
    if isinstance(value, list):
        return [_keywords_first(item) for item in value]
    if not isinstance(value, dict):
        return value
    first = [key for key in ("@context", "@id", "@type") if key in value]
    rest = [key for key in value if key not in first]
    return {key: _keywords_first(value[key]) for key in first + rest}


# The shipped context ------------------------------------------------------------------

#: Terms of other vocabularies the context defines (if no iokg term has the name).
_EXTERNAL_TERMS = {
    "label": (RDFS.label, None),
    "comment": (RDFS.comment, None),
    "seeAlso": (RDFS.seeAlso, "@id"),
    "isDefinedBy": (RDFS.isDefinedBy, "@id"),
    "subClassOf": (RDFS.subClassOf, "@id"),
    "subPropertyOf": (RDFS.subPropertyOf, "@id"),
    "domain": (RDFS.domain, "@id"),
    "range": (RDFS.range, "@id"),
    "sameAs": (OWL.sameAs, "@id"),
    "versionInfo": (OWL.versionInfo, None),
    "prefLabel": (SKOS.prefLabel, None),
    "altLabel": (SKOS.altLabel, None),
    "definition": (SKOS.definition, None),
    "scopeNote": (SKOS.scopeNote, None),
    "notation": (SKOS.notation, None),
    "broader": (SKOS.broader, "@id"),
    "narrower": (SKOS.narrower, "@id"),
    "related": (SKOS.related, "@id"),
    "inScheme": (SKOS.inScheme, "@id"),
    "hasTopConcept": (SKOS.hasTopConcept, "@id"),
    "topConceptOf": (SKOS.topConceptOf, "@id"),
    "exactMatch": (SKOS.exactMatch, "@id"),
    "closeMatch": (SKOS.closeMatch, "@id"),
    "title": (URIRef("http://purl.org/dc/terms/title"), None),
    "description": (URIRef("http://purl.org/dc/terms/description"), None),
    "source": (URIRef("http://purl.org/dc/terms/source"), "@id"),
    "license": (URIRef("http://purl.org/dc/terms/license"), "@id"),
    "creator": (URIRef("http://purl.org/dc/terms/creator"), None),
    "bibliographicCitation": (URIRef("http://purl.org/dc/terms/bibliographicCitation"), None),
    "conformsTo": (URIRef("http://purl.org/dc/terms/conformsTo"), "@id"),
    "wasDerivedFrom": (URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), "@id"),
    "Concept": (SKOS.Concept, None),
    "ConceptScheme": (SKOS.ConceptScheme, None),
    "NewsArticle": (URIRef("https://schema.org/NewsArticle"), None),
}

#: Datatypes of a datatype property's range that the context coerces values to (others,
#: such as xsd:decimal, whose subtypes occur, and strings are left as they are).
_COERCED = {"hexBinary", "language", "anyURI"}


def build_context(ontology: Graph) -> dict:
    """The JSON-LD context of iokg, derived from the ontology: the prefixes of
    :data:`EXPORT_PREFIXES`, a term per iokg class and property (object properties take
    IRIs, datatype properties with a single specific datatype are coerced to it), and
    terms for the common properties of RDFS, OWL, SKOS, Dublin Core and PROV."""
    definitions: dict[str, object] = dict(sorted(EXPORT_PREFIXES.items()))
    terms: dict[str, object] = {}

    def compact(iri: str) -> str:
        for name, namespace in sorted(EXPORT_PREFIXES.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            if iri.startswith(namespace):
                return f"{name}:{iri[len(namespace):]}"
        return iri

    io = str(IO)
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for term in sorted(set(ontology.subjects(RDF.type, kind)), key=str):
            if not isinstance(term, URIRef) or not str(term).startswith(io):
                continue
            name = str(term)[len(io):]
            if not name or name in definitions or name in terms:
                continue
            if kind == OWL.ObjectProperty:
                terms[name] = {"@id": compact(str(term)), "@type": "@id"}
            elif kind == OWL.DatatypeProperty:
                ranges = [r for r in ontology.objects(term, RDFS.range) if isinstance(r, URIRef)]
                local = str(ranges[0]).rpartition("#")[2] if len(ranges) == 1 else ""
                if local in _COERCED and str(ranges[0]).startswith(XSD_NS):
                    terms[name] = {"@id": compact(str(term)), "@type": compact(str(ranges[0]))}
                else:
                    terms[name] = compact(str(term))
            else:
                terms[name] = compact(str(term))
    for name, (iri, coercion) in _EXTERNAL_TERMS.items():
        if name in definitions or name in terms:
            continue
        terms[name] = {"@id": compact(str(iri)), "@type": coercion} if coercion else compact(str(iri))
    definitions.update(sorted(terms.items()))
    return {"@context": definitions}


def context_text(ontology: Graph) -> str:
    """The text of ``kg/data/context.jsonld`` as :func:`build_context` makes it."""
    return json.dumps(build_context(ontology), indent=2, ensure_ascii=False) + "\n"

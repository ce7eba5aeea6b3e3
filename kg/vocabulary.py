"""The terms iokg may use, and the checks that keep the ontology and the data honest.

``lint`` is a report in the manner of ROBOT's: the ontology header is complete, every
term has its label, comment and ``rdfs:isDefinedBy``, and no file uses a term that the
ontology (or RDF, RDFS, OWL, XSD and SHACL themselves) does not declare, so a typo in a
predicate or class is found rather than silently becoming a new term.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, XSD

from kg.namespaces import IO

VANN = "http://purl.org/vocab/vann/"

#: Properties the ontology header must carry.
HEADER = (
    DCTERMS.title,
    DCTERMS.description,
    DCTERMS.license,
    DCTERMS.creator,
    OWL.versionIRI,
    OWL.versionInfo,
    URIRef(VANN + "preferredNamespacePrefix"),
    URIRef(VANN + "preferredNamespaceUri"),
)

DECLARATION_TYPES = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
    RDFS.Class,
    RDF.Property,
)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def _builtin_terms() -> frozenset[URIRef]:
    terms: set[URIRef] = set()
    for namespace in (RDF, RDFS, OWL, XSD, SH):
        for name in getattr(namespace, "__annotations__", {}):
            terms.add(URIRef(str(namespace) + name))
        for name in getattr(namespace, "_extras", []):
            terms.add(URIRef(str(namespace) + name))
    terms.update({RDF.langString, RDF.HTML, RDF.JSON, RDF.PlainLiteral, RDF.XMLLiteral})
    return frozenset(terms)


BUILTIN = _builtin_terms()


@dataclass(frozen=True, order=True)
class Problem:
    """One finding of a check: what is wrong with which term or node."""

    check: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.check}: {self.subject}: {self.message}"


def declared_terms(ontology: Graph) -> frozenset[URIRef]:
    """Every IRI the ontology declares (classes, properties, named individuals), plus the
    built-in terms of RDF, RDFS, OWL, XSD and SHACL."""
    terms = set(BUILTIN)
    for kind in DECLARATION_TYPES:
        terms.update(s for s in ontology.subjects(RDF.type, kind) if isinstance(s, URIRef))
    # Individuals of declared classes (the controlled values) are declared too.
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    for s, o in ontology.subject_objects(RDF.type):
        if o in classes and isinstance(s, URIRef):
            terms.add(s)
    return frozenset(terms)


def _is_io(term: object) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(IO))


def undeclared_terms(graph: Graph, declared: frozenset[URIRef], *, name: str) -> list[Problem]:
    """Terms ``graph`` uses as predicate or class, or anywhere in the iokg namespace, that
    are not declared. ``name`` says which file or graph the problems belong to."""
    problems: set[Problem] = set()
    for s, p, o in graph:
        used = [p]
        if p == RDF.type:
            used.append(o)
        used += [t for t in (s, o) if _is_io(t)]
        for term in used:
            if isinstance(term, URIRef) and term not in declared:
                hint = suggestion(term, declared)
                message = f"unknown term <{term}>" + (f" — did you mean <{hint}>?" if hint else "")
                problems.add(Problem("undeclared-term", name, message))
    return sorted(problems)


def suggestion(term: URIRef, declared: Iterable[URIRef]) -> URIRef | None:
    """The declared term in the same namespace closest in spelling to ``term``, if close."""
    import difflib

    text = str(term)
    cut = max(text.rfind("#"), text.rfind("/")) + 1
    namespace, local = text[:cut], text[cut:]
    candidates = {str(t)[cut:]: t for t in declared if str(t).startswith(namespace) and len(str(t)) > cut}
    best = difflib.get_close_matches(local, list(candidates), n=1, cutoff=0.75)
    return candidates[best[0]] if best else None


def lint(ontology: Graph) -> list[Problem]:
    """ROBOT-style quality report of the ontology: header metadata and term annotations."""
    problems: list[Problem] = []
    heads = list(ontology.subjects(RDF.type, OWL.Ontology))
    if len(heads) != 1:
        problems.append(Problem("ontology-header", "ontology", f"expected one owl:Ontology, found {len(heads)}"))
        return problems
    head = heads[0]
    for prop in HEADER:
        if (head, prop, None) not in ontology:
            problems.append(Problem("ontology-header", str(head), f"missing {prop.n3(ontology.namespace_manager)}"))
    for kind in DECLARATION_TYPES[:5]:
        for term in ontology.subjects(RDF.type, kind):
            if isinstance(term, BNode):
                continue
            problems += _term_problems(ontology, term)
            if kind in (OWL.ObjectProperty, OWL.DatatypeProperty) and _is_io(term):
                for prop, name in ((RDFS.domain, "domain"), (RDFS.range, "range")):
                    if (term, prop, None) not in ontology:
                        problems.append(Problem("missing-" + name, str(term), f"no rdfs:{name}"))
    return sorted(set(problems))


def _term_problems(ontology: Graph, term: URIRef) -> list[Problem]:
    problems = []
    for prop, name in ((RDFS.label, "label"), (RDFS.comment, "comment")):
        values = [v for v in ontology.objects(term, prop) if isinstance(v, Literal) and v.language == "en"]
        if len(values) != 1:
            problems.append(Problem(f"{name}-en", str(term), f"expected one rdfs:{name} in English, found {len(values)}"))
    if (term, RDFS.isDefinedBy, None) not in ontology:
        problems.append(Problem("is-defined-by", str(term), "no rdfs:isDefinedBy"))
    return problems

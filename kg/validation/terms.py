"""Checks of new assertions that are not SHACL shapes run by pySHACL: terms the ontology
does not declare, ill-typed and oversized literals, changes to the ontology, and references
to iokg nodes that exist nowhere (each with a suggestion when a close name exists)."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.namespaces import DISARM
from kg.validation.base import (
    DANGLING_SHAPE, ILL_TYPED_SHAPE, LITERAL_SHAPE, ONTOLOGY_SHAPE, TERMS_SHAPE, Result, Severity, short, shorten,
)

#: Longest literal accepted in new assertions (characters); longer ones are errors.
MAX_LITERAL = 10_000


def term_results(new: Graph, ontology: Graph) -> list[Result]:
    """Unknown terms, ill-typed or oversized literals and ontology changes in ``new``."""
    from kg.vocabulary import declared_terms, suggestion, _is_io

    declared = declared_terms(ontology)
    defined = {t for t in ontology.subjects() if isinstance(t, URIRef) and _is_io(t)}  # once, not per triple
    changes = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, RDFS.domain, RDFS.range)
    results = set()
    for s, p, o in new:
        used = [(p, "predicate")]
        if p == RDF.type:
            used.append((o, "class"))
        used += [(t, "term") for t in (s, o) if _is_io(t)]
        for term, role in used:
            if isinstance(term, URIRef) and term not in declared:
                hint = suggestion(term, declared)
                message = f"unknown term {short(ontology, term)}"
                if hint is not None:
                    message += f" — did you mean {short(ontology, hint)}?"
                results.add(Result(Severity.VIOLATION, short(ontology, s), short(ontology, p) if role != "predicate" else "", short(ontology, term), message, TERMS_SHAPE, terms=(s, p if role != "predicate" else None, term, None)))
        if isinstance(o, Literal) and o.ill_typed:
            results.add(Result(Severity.VIOLATION, short(ontology, s), short(ontology, p), short(ontology, o), f"{short(ontology, o)} is not a valid {short(ontology, o.datatype)}: its text cannot be read as one (a date that does not exist, letters in a number?)", ILL_TYPED_SHAPE, terms=(s, p, o, None)))
        if isinstance(o, Literal) and len(str(o)) > MAX_LITERAL:
            results.add(Result(Severity.VIOLATION, short(ontology, s), short(ontology, p), f'"{str(o)[:40]}…"', f"literal of {len(str(o))} characters; at most {MAX_LITERAL} are accepted", LITERAL_SHAPE, terms=(s, p, None, None)))
        if s in defined or p in changes:
            results.add(Result(Severity.VIOLATION, short(ontology, s), short(ontology, p), short(ontology, o), "new assertions may not change the ontology (add terms to ontology/ instead)", ONTOLOGY_SHAPE, terms=(s, p, o, None)))
    return sorted(results)


def _instance_namespaces() -> tuple[str, ...]:
    """Instance namespaces whose IRIs must be described somewhere (a reference to one that
    exists nowhere is a dangling reference)."""
    from kg.namespaces import (
        ACTOR, CLAIM, COUNTRY, DOCUMENT, FIGURE, NARRATIVE, OPERATION, PLATFORM, RESPONSE, TARGET, TECHNIQUE, DISARM,
    )

    return tuple(str(n) for n in (ACTOR, CLAIM, COUNTRY, DOCUMENT, FIGURE, NARRATIVE, OPERATION, PLATFORM, RESPONSE, TARGET, TECHNIQUE, DISARM))


def dangling_results(new: Graph, graph, ontology: Graph) -> list[Result]:
    """References from the new assertions to iokg nodes that exist nowhere (neither in
    ``graph``, a :class:`~kg.validation.incremental.View` of the graph and the input, nor in
    the input), with the closest existing node of the same kind."""
    import difflib

    namespaces = _instance_namespaces()
    results = set()
    for s, p, o in new:
        if p == RDF.type or not isinstance(o, URIRef) or not str(o).startswith(namespaces):
            continue
        if next(iter(graph.triples((o, None, None))), None) is not None:
            continue
        namespace = next(n for n in sorted(namespaces, key=len, reverse=True) if str(o).startswith(n))
        known = {str(x)[len(namespace):]: x for x in _subjects_in(graph, namespace)}
        disarm = namespace == str(DISARM)
        # DISARM ids all look alike (T0049.003, T0049.004): suggest one only for a typo.
        close = difflib.get_close_matches(str(o)[len(namespace):], list(known), n=1, cutoff=0.9 if disarm else 0.75)
        if disarm:
            message = f"{shorten(str(o))} does not exist in DISARM V1.6 (graph:disarm has no such tactic or technique)"
        else:
            message = f"{shorten(str(o))} exists nowhere, neither in the graph nor in the input"
        if close:
            message += f" — did you mean {shorten(str(known[close[0]]))}?"
        results.add(Result(Severity.VIOLATION, short(ontology, s), short(ontology, p), short(ontology, o),
                           message, DANGLING_SHAPE, terms=(s, p, o, None, None)))
    return sorted(results)


def _subjects_in(graph, namespace: str):
    for subject in graph.subjects(RDF.type, None):
        if isinstance(subject, URIRef) and str(subject).startswith(namespace):
            yield subject

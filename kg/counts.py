"""Counts that describe the graph: instances per class, triples per named graph, and
documents, triples and evidence quotes per source language."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF

from kg.namespaces import DOCUMENT, IO, ONTOLOGY


@dataclass
class Stats:
    """The counts ``iokg stats`` prints."""

    classes: dict[str, int]
    graphs: dict[str, int]
    languages: dict[str, dict[str, int]]
    triples: int


def stats(dataset: Dataset) -> Stats:
    """Count instances per class (data graphs only), triples per graph and per language."""
    nm = dataset.namespace_manager
    classes: Counter[str] = Counter()
    graphs: dict[str, int] = {}
    languages: dict[str, Counter[str]] = {}
    seen: set[tuple] = set()
    for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        if not len(graph):
            continue
        name = graph.identifier
        graphs[nm.normalizeUri(name) if isinstance(name, URIRef) else str(name)] = len(graph)
        if str(name) == ONTOLOGY:
            continue
        for s, o in graph.subject_objects(RDF.type):
            if (s, o) not in seen:
                seen.add((s, o))
                classes[nm.normalizeUri(o)] += 1
        if str(name).startswith(str(DOCUMENT)):
            language = graph.value(name, IO.language)
            lang = str(language) if language is not None else "?"
            counts = languages.setdefault(lang, Counter())
            counts["documents"] += 1
            counts["triples"] += len(graph)
            counts["evidence quotes"] += sum(1 for _ in graph.objects(None, IO.evidence))
            counts["quotes in this language"] += sum(
                1 for q in graph.objects(None, IO.evidence) if isinstance(q, Literal) and q.language == lang
            )
    total = len(set(dataset.quads((None, None, None, None))))
    return Stats(
        classes=dict(sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))),
        graphs=graphs,
        languages={k: dict(v) for k, v in sorted(languages.items())},
        triples=total,
    )

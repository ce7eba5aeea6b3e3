"""Validating new assertions in the context of the graph (``iokg validate``, ``iokg add``),
incrementally: only the nodes the assertions can affect, on the part of the graph those
nodes can read, before and after, so that the cost follows the batch and not the graph."""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import SH

from kg.validation.base import Report, Result, Severity, label_of
from kg.validation.batch import Batch, as_batch, locate, read_batch
from kg.validation.engine import load_shapes, validate_graph
from kg.validation.rules import check_results, check_rows, without_repeats
from kg.validation.terms import dangling_results, term_results


class View:
    """Read-only lookups over the union of a dataset's graphs and extra graphs, through
    their indexes: what incremental validation needs, without copying the graph."""

    def __init__(self, graphs, *, namespaces=None, without: Graph | None = None):
        self.without = without if without is not None and len(without) else None
        self.datasets = [g for g in graphs if isinstance(g, Dataset)]
        self.others = [g for g in graphs if not isinstance(g, Dataset)]
        first = self.datasets[0] if self.datasets else self.others[0] if self.others else None
        self.namespace_manager = namespaces or (first.namespace_manager if first is not None else None)

    @property
    def graphs(self) -> list[Graph]:
        """Every graph the view reads (the named graphs of its datasets, and its graphs)."""
        return [g for d in self.datasets for g in d.graphs()] + self.others

    def triples(self, pattern):
        """Distinct triples matching ``pattern`` in any of the graphs: one index lookup per
        dataset (all its named graphs at once), not one per named graph."""
        seen = set()
        lookups = [d.store.triples(pattern, None) for d in self.datasets]
        lookups += [((t, None) for t in g.triples(pattern)) for g in self.others]
        for lookup in lookups:
            for triple, _ in lookup:
                if self.without is not None and triple in self.without:
                    continue
                if triple not in seen:
                    seen.add(triple)
                    yield triple

    def subjects(self, predicate=None, object=None):
        """Distinct subjects of the triples with ``predicate`` and ``object``."""
        seen = set()
        for s, _, _ in self.triples((None, predicate, object)):
            if s not in seen:
                seen.add(s)
                yield s

    def objects(self, subject=None, predicate=None):
        """Distinct objects of the triples with ``subject`` and ``predicate``."""
        seen = set()
        for _, _, o in self.triples((subject, predicate, None)):
            if o not in seen:
                seen.add(o)
                yield o


def inverse_predicates(shapes: Graph) -> set[URIRef]:
    """Predicates the shapes follow backwards: ``sh:inversePath`` and ``^p`` in SPARQL."""
    import re

    found = {p for p in shapes.objects(None, SH.inversePath) if isinstance(p, URIRef)}
    for text in shapes.objects(None, SH.select):
        for prefixed in re.findall(r"\^\s*([A-Za-z][\w-]*:[\w-]+)", str(text)):
            try:
                found.add(shapes.namespace_manager.expand_curie(prefixed))
            except ValueError:
                pass
    return found


def affected_nodes(new: Graph, context: Graph, shapes: Graph) -> set:
    """The focus nodes new assertions can affect: their subjects and objects, the nodes that
    point at a changed subject, and the nodes that reach an object through an inverse path."""
    subjects = set(new.subjects())
    objects = {o for o in new.objects() if isinstance(o, (URIRef, BNode))}
    inverse = inverse_predicates(shapes)
    nodes = set(subjects) | objects
    for node in subjects:
        nodes.update(context.subjects(None, node))
    for node in objects:
        for predicate in inverse:
            nodes.update(context.subjects(predicate, node))
    return nodes


def neighbourhood(graph: Graph, focus: Iterable, ontology: Graph, *, inverse: set | None = None, depth: int = 5) -> Graph:
    """The part of ``graph`` that validating ``focus`` can read: the ontology, and every
    triple reached from the focus nodes in ``depth`` hops, forwards along any predicate and
    backwards along the ``inverse`` predicates the shapes follow backwards."""
    sub = _names()
    sub += ontology
    for triple in reach(graph, focus, ontology_terms(ontology), inverse=inverse or set(), depth=depth):
        sub.add(triple)
    return sub


def reach(graph, focus: Iterable, terms: "set | frozenset", *, inverse: set, depth: int = 5) -> set:
    """The triples of ``graph`` reached from the ``focus`` nodes in ``depth`` hops (see
    :func:`neighbourhood`), never walking through a term of the ontology (``terms``)."""
    found = set()
    frontier = {n for n in focus if n not in terms}
    seen = set(frontier)
    for _ in range(depth + 1):
        following = set()
        for node in frontier:
            for triple in graph.triples((node, None, None)):
                found.add(triple)
                following.add(triple[2])
            for predicate in inverse:
                for subject in graph.subjects(predicate, node):
                    found.add((subject, predicate, node))
                    following.add(subject)
        following = {n for n in following if isinstance(n, (URIRef, BNode)) and n not in seen and n not in terms}
        seen |= following
        frontier = following
    return found


_TERMS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def ontology_terms(ontology: Graph) -> frozenset:
    """The subjects of the ontology graph (remembered while the graph keeps its size)."""
    per_store = _TERMS.setdefault(ontology.store, {})
    found = per_store.get(ontology.identifier)
    if found is None or found[0] != len(ontology):
        found = per_store[ontology.identifier] = (len(ontology), frozenset(ontology.subjects()))
    return found[1]


def _names() -> Graph:
    """An empty graph with iokg's prefixes: what results name terms with."""
    from kg.namespaces import PREFIXES

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def _validate_part(triples: set, ontology: Graph, shapes: Graph, view: View) -> Report:
    """Validate the ontology and ``triples`` (a neighbourhood) on a small Oxigraph store, the
    ontology's quads converted once; terms named and literals restored through ``view``.
    An rdflib graph goes to pySHACL where Oxigraph refuses a term or a shape did not compile."""
    from kg.validation.compiler import compile_shapes
    from kg.validation.engine import dataset_store, graph_quads

    if compile_shapes(shapes).residual is None:
        try:
            store = dataset_store([(None, triples)], base=graph_quads(ontology))
        except ValueError:
            pass
        else:
            return validate_graph(view, shapes=shapes, store=store)
    sub = _names()
    sub += ontology
    for triple in triples:
        sub.add(triple)
    return validate_graph(sub, shapes=shapes)


_BASELINES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _full_baseline(existing: Dataset, context: Graph, shapes: Graph) -> list[Result]:
    """Full validation of the existing graph, remembered per dataset while it is unchanged."""
    key = (len(context), id(shapes))
    cached = _BASELINES.get(existing)
    if cached is not None and cached[0] == key:
        return cached[1]
    results = validate_graph(context, shapes=shapes).results
    _BASELINES[existing] = (key, results)
    return results


def _on(report: Report, focus: set) -> list[Result]:
    return [r for r in report.results if r.terms and r.terms[0] in focus]


def _key(result: Result) -> tuple:
    return (result.severity, result.focus, result.path, result.value, result.message, result.shape)


def validate(
    data: "Batch | Graph | Dataset | Path | str | Sequence[Path | str]",
    *,
    against: Dataset | None = None,
    format=None,
    incremental: bool = True,
    shapes: Graph | None = None,
    removed: Graph | None = None,
    replacing: bool = False,
    checks: bool = True,
) -> Report:
    """Validate new assertions together with the ontology and the existing graph.

    ``data`` is a graph, or one or more RDF files (format from the extension, or
    ``format``). ``against`` is the existing graph (default: ``kg.load()``). The report
    lists only the problems the new assertions cause, each with the line of the input that
    holds its focus node (``Result.location``). ``incremental`` validates only the nodes the
    assertions can affect (same verdict as a full validation, in time that grows with the
    batch, not the graph). ``removed`` are statements the change takes out of the graph
    (``iokg remove``, ``add --replace``): the nodes they touch are validated again without
    them. Unless ``replacing``, a batch that gives an existing record another value of a
    single-valued property is told so ("use --replace"); new reference entities are named
    at info level (:func:`kg.records.curation_results`). ``checks`` also applies the
    graph-quality checks of ``queries/checks/`` to the nodes the batch touches (rows the
    graph did not have before are violations).
    """
    from kg.records import EXISTING_SHAPE, curation_results
    from kg.dataset import load, union
    from kg.namespaces import ONTOLOGY

    if isinstance(data, Batch):
        batch = data
    elif isinstance(data, (Graph, Dataset)):
        batch = as_batch(data)
    else:
        files = [data] if isinstance(data, (str, Path)) else list(data)
        batch = read_batch(files, format=format)
    existing = against if against is not None else load()
    ontology = existing.graph(URIRef(ONTOLOGY))
    shapes = shapes if shapes is not None else load_shapes()
    new = batch.graph
    removed = removed - new if removed is not None and len(removed) else None  # what the batch restates stays
    results = term_results(new, ontology) + dangling_results(new, View([existing, new], without=removed), ontology)
    results += curation_results(new, existing, ontology, shapes, replacing=replacing)
    if incremental:
        # Validate only the part of the graph the affected nodes can read, before and after
        # the batch, and keep the results on affected nodes. Nothing here copies or scans
        # the whole graph: lookups go through index views of the dataset. (The whole
        # neighbourhood is validated rather than passing pySHACL's focus_nodes, which in
        # pySHACL 0.40 also filters the value nodes of nested shapes: wrong results.)
        context = View([existing])
        combined = View([existing, new], without=removed)
        focus = affected_nodes(new, combined, shapes)
        if removed is not None:
            focus |= affected_nodes(removed, context, shapes)
        inverse = inverse_predicates(shapes)
        terms = ontology_terms(ontology)
        reach_after = reach(combined, focus, terms, inverse=inverse)
        reach_before = reach(context, focus, terms, inverse=inverse)
        names = _names().namespace_manager
        after = _on(_validate_part(reach_after, ontology, shapes, View([existing, new], without=removed, namespaces=names)), focus)
        before = _on(_validate_part(reach_before, ontology, shapes, View([existing], namespaces=names)), focus)
        if checks:
            nodes = {s for s, _, _ in reach_after} - terms
            old_rows = check_rows(_quads_of(nodes, [existing]), base=ontology)
            after += check_results(_quads_of(nodes, [existing, batch.dataset], without=removed), ontology,
                                   nodes=focus, before=old_rows, base=ontology)
    else:
        context = union(existing)
        combined = (context - removed if removed is not None else context) + new
        for prefix, namespace in context.namespaces():
            combined.bind(prefix, namespace, override=True)
        after = validate_graph(combined, shapes=shapes).results
        before = _full_baseline(existing, context, shapes)
        if checks:
            old_rows = check_rows([g for g in existing.graphs() if len(g)])
            merged = {}
            for dataset in (existing, batch.dataset):
                for graph in dataset.graphs():
                    merged.setdefault(graph.identifier, set()).update(
                        t for t in graph if removed is None or dataset is batch.dataset or t not in removed)
            after += check_results(list(merged.items()), ontology, before=old_rows)
    old = {_key(r) for r in before}
    results = without_repeats(results + [r for r in after if _key(r) not in old])
    # A count violation that a value already in the graph causes is told once, with that value.
    told = {(r.focus, r.path) for r in results if r.shape == EXISTING_SHAPE}
    results = [r for r in results if (r.focus, r.path) not in told or r.shape == EXISTING_SHAPE
               or (tuple(r.terms) + (None,) * 5)[4] != SH.MaxCountConstraintComponent]
    labels = View([existing, new], namespaces=ontology.namespace_manager)
    located = sorted({_with_location(batch, labels, r) for r in results})
    conforms = not any(r.severity is Severity.VIOLATION for r in located)
    return Report(conforms=conforms, results=sorted(located))


def _quads_of(nodes: set, datasets: list, *, without: Graph | None = None) -> list:
    """The triples of ``nodes`` in each named graph of ``datasets`` (by graph); from the
    first dataset (the existing graph), not those in ``without``. (The ontology comes
    whole, as the ``base`` of :func:`check_rows`.)"""
    graphs: dict = {}
    for index, dataset in enumerate(datasets):
        for node in nodes:
            for s, p, o, g in dataset.quads((node, None, None, None)):
                if index == 0 and without is not None and (s, p, o) in without:
                    continue
                name = getattr(g, "identifier", g)
                graphs.setdefault(name, set()).add((s, p, o))
    return list(graphs.items())


def _with_location(batch: Batch, graph: Graph, result: Result) -> Result:
    focus = _expand(graph, result.focus)
    where = locate(batch, focus) if focus is not None else ""
    if not where and result.value:
        where = locate(batch, _expand(graph, result.value))
    label = result.label or (label_of(graph, focus) if focus is not None else "")
    return replace(result, location=where, label=label)


def _expand(graph: Graph, text: str):
    if not text or text.startswith('"') or text.startswith("_:"):
        return None
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    try:
        return graph.namespace_manager.expand_curie(text)
    except (ValueError, TypeError):
        return None

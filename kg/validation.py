"""Validate RDF against iokg's SHACL shapes and turn pySHACL's report into plain results.

``validate_graph`` validates a whole graph (``iokg check``); ``validate`` validates new
assertions in the context of the existing graph (``iokg validate``, ``iokg add``),
incrementally: only the nodes the assertions can affect, on the part of the graph those
nodes can read, before and after, so its cost follows the batch and not the graph.
Reports come as text, a SHACL validation report in Turtle, or JSON.
"""

from __future__ import annotations

import contextlib
import functools
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from kg import paths
from kg.errors import InputError
from kg.parsing import parse_file


class Severity(str, Enum):
    """SHACL severities, most serious first."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"


@dataclass(frozen=True, order=True)
class Result:
    """One SHACL validation result, in terms a person can act on."""

    severity: Severity
    focus: str
    path: str
    value: str
    message: str
    shape: str
    label: str = ""
    location: str = ""
    terms: tuple = field(default=(), compare=False, repr=False)  # (focus, path, value, shape) as RDF terms

    def __str__(self) -> str:
        focus = f"{self.focus} ({self.label})" if self.label else self.focus
        parts = [f"{self.severity.value}: {focus}"]
        if self.path:
            parts.append(f"path {self.path}")
        if self.value:
            parts.append(f"value {self.value}")
        text = ", ".join(parts) + f": {self.message}"
        return f"{self.location}: {text}" if self.location else text


@dataclass
class Report:
    """The outcome of a validation: whether the data conforms, and every result."""

    conforms: bool
    results: list[Result] = field(default_factory=list)
    graph: Graph | None = None

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity is Severity.VIOLATION]


def load_shapes() -> Graph:
    """All shape files of ``shapes/`` in one graph."""
    graph = Graph()
    files = sorted(paths.SHAPES_DIR.glob("*.ttl"))
    for path in files:
        graph += parse_file(path)
    return graph


@functools.lru_cache(maxsize=512)
def _prepared(text: str, base, namespaces: frozenset):
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    return translateQuery(parseQuery(text), base, dict(namespaces))


@contextlib.contextmanager
def sparql_parsed_once():
    """pySHACL hands rdflib the text of a SPARQL constraint once per focus node, and rdflib
    parses it every time (about 10 ms a query: most of a validation's time). Within this
    context each text is parsed and translated once; evaluation does not change the
    translated query, so the results are the same."""
    from rdflib.plugins.sparql import processor

    original = processor.SPARQLProcessor.query
    if getattr(original, "_iokg_cached", False):
        yield
        return

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(strOrQuery, str):
            strOrQuery = _prepared(strOrQuery, base, frozenset((initNs or {}).items()))
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    query._iokg_cached = True
    processor.SPARQLProcessor.query = query
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original


def validate_graph(data: Graph, *, shapes: Graph | None = None, focus_nodes=None) -> Report:
    """Validate ``data`` (which must include the ontology, so that ``sh:class`` follows
    ``rdfs:subClassOf``) against the shapes, with no inference."""
    import pyshacl

    shapes = shapes if shapes is not None else load_shapes()
    with sparql_parsed_once():
        conforms, report_graph, _ = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            focus_nodes=focus_nodes,
        )
    results = sorted(_results(report_graph, data))
    return Report(conforms=bool(conforms), results=results, graph=report_graph)


def _short(graph: Graph, term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:
            return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3(graph.namespace_manager)
    return str(term)


def _label(data: Graph, node) -> str:
    for prop in (RDFS.label, SKOS.prefLabel):
        for value in data.objects(node, prop):
            if isinstance(value, Literal) and value.language in (None, "en"):
                return str(value)
    return ""


def _path(report: Graph, path, names: Graph | None = None) -> str:
    if path is None:
        return ""
    names = names if names is not None else report
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _short(names, inverse)
    return _short(names, path)


def _results(report: Graph, data: Graph):
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        severity = report.value(node, SH.resultSeverity)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        yield Result(
            severity=Severity(str(severity).rsplit("#", 1)[-1]),
            focus=_short(data, focus),
            path=_path(report, report.value(node, SH.resultPath), data),
            value=_short(data, report.value(node, SH.value)),
            message=shorten("; ".join(messages)) or "(no message)",
            shape=_short(data, report.value(node, SH.sourceShape)),
            label=_label(data, focus),
            terms=(focus, report.value(node, SH.resultPath), report.value(node, SH.value),
                   report.value(node, SH.sourceShape), report.value(node, SH.sourceConstraintComponent)),
        )


def shorten(text: str) -> str:
    """``text`` with the full IRIs of iokg's namespaces written as prefixed names (pySHACL
    fills ``{?value}`` in messages with full IRIs)."""
    import re

    from kg.namespaces import PREFIXES

    def short(match):
        iri = match.group(0)
        best = None
        for prefix, namespace in PREFIXES.items():
            ns = str(namespace)
            if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(str(PREFIXES[best]))):
                best = prefix
        if best is None:
            return iri
        local = iri[len(str(PREFIXES[best])):]
        return f"{best}:{local}" if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", local) and not local.endswith(".") else iri

    return re.sub(r"https?://[^\s<>\"'(),;]+[A-Za-z0-9_/#-]", short, text)


# Validating new assertions in the context of the graph -------------------------------


#: Longest literal accepted in new assertions (characters); longer ones are errors.
MAX_LITERAL = 10_000
TERMS_SHAPE = "iokg:DeclaredTerms"
LITERAL_SHAPE = "iokg:LiteralSize"
ONTOLOGY_SHAPE = "iokg:OntologyUnchanged"
DANGLING_SHAPE = "iokg:DanglingReference"
ILL_TYPED_SHAPE = "iokg:IllTypedLiteral"


@dataclass
class Batch:
    """New assertions read from one or more files, with the files' text for locating nodes."""

    dataset: Dataset
    texts: dict[str, str]
    prefixes: dict[str, str]

    @property
    def graph(self) -> Graph:
        from kg.dataset import union

        return union(self.dataset)


def read_batch(files: Sequence[Path | str], *, format=None) -> Batch:
    """Read input files (any supported RDF format) into one :class:`Batch`."""
    from kg.parsing import read_input

    if not files:
        raise InputError("no input files given")
    dataset = Dataset()
    texts: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for file in files:
        part, text = read_input(Path(file), format=format)
        texts[str(file)] = text
        for prefix, namespace in part.namespaces():
            prefixes.setdefault(prefix, str(namespace))
        for s, p, o, g in part.quads((None, None, None, None)):
            name = getattr(g, "identifier", g)
            dataset.graph(name).add((s, p, o))
    return Batch(dataset=dataset, texts=texts, prefixes=prefixes)


def locate(batch: Batch, term) -> str:
    """``file:line`` of the first line of the input that mentions ``term`` (full IRI or any
    prefixed form the input declares), or ``""``."""
    if term is None or isinstance(term, BNode):
        return ""
    needles = []
    if isinstance(term, URIRef):
        text = str(term)
        needles.append(f"<{text}>")
        for prefix, namespace in batch.prefixes.items():
            if text.startswith(namespace) and len(text) > len(namespace):
                needles.append(f"{prefix}:{text[len(namespace):]}")
        needles.append(f'"{text}"')
    else:
        needles.append(str(term))
    for name, content in batch.texts.items():
        for number, line in enumerate(content.splitlines(), start=1):
            if line.lstrip().startswith("#"):  # a Turtle comment that mentions the node
                continue
            for needle in needles:
                index = line.find(needle)
                if index < 0:
                    continue
                end = index + len(needle)
                if needle.endswith(">") or needle.endswith('"') or end == len(line) or not (line[end].isalnum() or line[end] in "_-:/"):
                    return f"{name}:{number}"
    return ""


class View:
    """Read-only lookups over the union of a dataset's graphs and extra graphs, through
    their indexes: what incremental validation needs, without copying the graph."""

    def __init__(self, graphs, *, namespaces=None):
        self.graphs = []
        for graph in graphs:
            if isinstance(graph, Dataset):
                self.graphs += list(graph.graphs())
            else:
                self.graphs.append(graph)
        self.namespace_manager = namespaces or (self.graphs[0].namespace_manager if self.graphs else None)

    def triples(self, pattern):
        seen = set()
        for graph in self.graphs:
            for triple in graph.triples(pattern):
                if triple not in seen:
                    seen.add(triple)
                    yield triple

    def subjects(self, predicate=None, object=None):
        seen = set()
        for s, _, _ in self.triples((None, predicate, object)):
            if s not in seen:
                seen.add(s)
                yield s

    def objects(self, subject=None, predicate=None):
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
    from kg.namespaces import PREFIXES

    inverse = inverse or set()
    terms = set(ontology.subjects())
    sub = Graph()
    for prefix, namespace in PREFIXES.items():
        sub.bind(prefix, namespace, override=True)
    sub += ontology
    frontier = {n for n in focus if n not in terms}
    seen = set(frontier)
    for _ in range(depth + 1):
        following = set()
        for node in frontier:
            for triple in graph.triples((node, None, None)):
                sub.add(triple)
                following.add(triple[2])
            for predicate in inverse:
                for subject in graph.subjects(predicate, node):
                    sub.add((subject, predicate, node))
                    following.add(subject)
        following = {n for n in following if isinstance(n, (URIRef, BNode)) and n not in seen and n not in terms}
        seen |= following
        frontier = following
    return sub


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


def _term_results(new: Graph, ontology: Graph) -> list[Result]:
    from kg.vocabulary import declared_terms, suggestion, _is_io

    declared = declared_terms(ontology)
    results = set()
    for s, p, o in new:
        used = [(p, "predicate")]
        if p == RDF.type:
            used.append((o, "class"))
        used += [(t, "term") for t in (s, o) if _is_io(t)]
        for term, role in used:
            if isinstance(term, URIRef) and term not in declared:
                hint = suggestion(term, declared)
                message = f"unknown term {_short(ontology, term)}"
                if hint is not None:
                    message += f" — did you mean {_short(ontology, hint)}?"
                results.add(Result(Severity.VIOLATION, _short(ontology, s), _short(ontology, p) if role != "predicate" else "", _short(ontology, term), message, TERMS_SHAPE, terms=(s, p if role != "predicate" else None, term, None)))
        if isinstance(o, Literal) and o.ill_typed:
            results.add(Result(Severity.VIOLATION, _short(ontology, s), _short(ontology, p), _short(ontology, o), f"{_short(ontology, o)} is not a valid {_short(ontology, o.datatype)}: its text cannot be read as one (a date that does not exist, letters in a number?)", ILL_TYPED_SHAPE, terms=(s, p, o, None)))
        if isinstance(o, Literal) and len(str(o)) > MAX_LITERAL:
            results.add(Result(Severity.VIOLATION, _short(ontology, s), _short(ontology, p), f'"{str(o)[:40]}…"', f"literal of {len(str(o))} characters; at most {MAX_LITERAL} are accepted", LITERAL_SHAPE, terms=(s, p, None, None)))
        if isinstance(s, URIRef) and s in set(ontology.subjects()) and _is_io(s) or p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, RDFS.domain, RDFS.range):
            results.add(Result(Severity.VIOLATION, _short(ontology, s), _short(ontology, p), _short(ontology, o), "new assertions may not change the ontology (add terms to ontology/ instead)", ONTOLOGY_SHAPE, terms=(s, p, o, None)))
    return sorted(results)


#: Instance namespaces whose IRIs must be described somewhere (a reference to one that
#: exists nowhere is a dangling reference).
def _instance_namespaces() -> tuple[str, ...]:
    from kg.namespaces import (
        ACTOR, CLAIM, COUNTRY, DOCUMENT, FIGURE, NARRATIVE, OPERATION, PLATFORM, RESPONSE, TARGET, TECHNIQUE, DISARM,
    )

    return tuple(str(n) for n in (ACTOR, CLAIM, COUNTRY, DOCUMENT, FIGURE, NARRATIVE, OPERATION, PLATFORM, RESPONSE, TARGET, TECHNIQUE, DISARM))


def _dangling_results(new: Graph, graph: "View", ontology: Graph) -> list[Result]:
    """References from the new assertions to iokg nodes that exist nowhere (neither in the
    graph nor in the input), with the closest existing node of the same kind."""
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
        close = difflib.get_close_matches(str(o)[len(namespace):], list(known), n=1, cutoff=0.75)
        message = f"{shorten(str(o))} exists nowhere, neither in the graph nor in the input"
        if close:
            message += f" — did you mean {shorten(str(known[close[0]]))}?"
        results.add(Result(Severity.VIOLATION, _short(ontology, s), _short(ontology, p), _short(ontology, o),
                           message, DANGLING_SHAPE, terms=(s, p, o, None, None)))
    return sorted(results)


def _subjects_in(graph: "View", namespace: str):
    seen = set()
    for g in graph.graphs:
        for subject in g.subjects(RDF.type, None):
            if isinstance(subject, URIRef) and str(subject).startswith(namespace) and subject not in seen:
                seen.add(subject)
                yield subject


def validate(
    data: "Batch | Graph | Dataset | Path | str | Sequence[Path | str]",
    *,
    against: Dataset | None = None,
    format=None,
    incremental: bool = True,
    shapes: Graph | None = None,
) -> Report:
    """Validate new assertions together with the ontology and the existing graph.

    ``data`` is a graph, or one or more RDF files (format from the extension, or
    ``format``). ``against`` is the existing graph (default: ``kg.load()``). The report
    lists only the problems the new assertions cause, each with the line of the input that
    holds its focus node (``Result.location``). ``incremental`` validates only the nodes the
    assertions can affect (same verdict as a full validation, in time that grows with the
    batch, not the graph).
    """
    from kg.dataset import load, union
    from kg.namespaces import ONTOLOGY

    if isinstance(data, Batch):
        batch = data
    elif isinstance(data, (Graph, Dataset)):
        batch = Batch(dataset=data if isinstance(data, Dataset) else _as_dataset(data), texts={}, prefixes={})
    else:
        files = [data] if isinstance(data, (str, Path)) else list(data)
        batch = read_batch(files, format=format)
    existing = against if against is not None else load()
    ontology = existing.graph(URIRef(ONTOLOGY))
    shapes = shapes if shapes is not None else load_shapes()
    new = batch.graph
    results = _term_results(new, ontology) + _dangling_results(new, View([existing, new]), ontology)
    if incremental:
        # Validate only the part of the graph the affected nodes can read, before and after
        # the batch, and keep the results on affected nodes. Nothing here copies or scans
        # the whole graph: lookups go through index views of the dataset. (The whole
        # neighbourhood is validated rather than passing pySHACL's focus_nodes, which in
        # pySHACL 0.40 also filters the value nodes of nested shapes: wrong results.)
        context = View([existing])
        combined = View([existing, new])
        focus = affected_nodes(new, combined, shapes)
        inverse = inverse_predicates(shapes)
        after = _on(validate_graph(neighbourhood(combined, focus, ontology, inverse=inverse), shapes=shapes), focus)
        before = _on(validate_graph(neighbourhood(context, focus, ontology, inverse=inverse), shapes=shapes), focus)
    else:
        context = union(existing)
        combined = context + new
        for prefix, namespace in context.namespaces():
            combined.bind(prefix, namespace, override=True)
        after = validate_graph(combined, shapes=shapes).results
        before = _full_baseline(existing, context, shapes)
    old = {_key(r) for r in before}
    results += [r for r in after if _key(r) not in old]
    labels = View([existing, new], namespaces=ontology.namespace_manager)
    located = sorted({_with_location(batch, labels, r) for r in results})
    conforms = not any(r.severity is Severity.VIOLATION for r in located)
    return Report(conforms=conforms, results=sorted(located))


def _as_dataset(graph: Graph) -> Dataset:
    dataset = Dataset()
    for prefix, namespace in graph.namespaces():
        dataset.bind(prefix, namespace, override=True)
    for triple in graph:
        dataset.add(triple)
    return dataset


def _with_location(batch: Batch, graph: Graph, result: Result) -> Result:
    from dataclasses import replace

    focus = _expand(graph, result.focus)
    where = locate(batch, focus) if focus is not None else ""
    if not where and result.value:
        where = locate(batch, _expand(graph, result.value))
    label = result.label or (_label(graph, focus) if focus is not None else "")
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


# Reports as text, Turtle (a SHACL validation report) and JSON --------------------------


class ReportFormat(str, Enum):
    """Output formats of ``iokg validate``."""

    TEXT = "text"
    TURTLE = "turtle"
    JSON = "json"


def grouped(report: Report) -> dict[str, list[Result]]:
    """Results grouped by focus node, in order."""
    groups: dict[str, list[Result]] = {}
    for result in sorted(report.results, key=lambda r: (r.focus, r.severity, r.path, r.message, r.value)):
        groups.setdefault(result.focus, []).append(result)
    return groups


def report_graph(report: Report) -> Graph:
    """The report as a standard SHACL validation report graph (only the new problems)."""
    from rdflib import BNode as _B
    from kg.namespaces import PREFIXES

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    root = _B("report")
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.conforms)))
    for index, result in enumerate(sorted(report.results)):
        node = _B(f"r{index:04d}")
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultSeverity, SH[result.severity.value]))
        graph.add((node, SH.resultMessage, Literal(result.message)))
        focus, path, value, shape, component = (tuple(result.terms) + (None,) * 5)[:5]
        if focus is not None:
            graph.add((node, SH.focusNode, focus))
        if isinstance(path, URIRef):
            graph.add((node, SH.resultPath, path))
        if value is not None:
            graph.add((node, SH.value, value))
        if isinstance(shape, URIRef):
            graph.add((node, SH.sourceShape, shape))
        elif result.shape.startswith("iokg:"):
            # A check of iokg's own, outside SHACL: named in the iokg namespace.
            graph.add((node, SH.sourceShape, URIRef("https://w3id.org/iokg/shapes#" + result.shape[5:])))
        graph.add((node, SH.sourceConstraintComponent, component if isinstance(component, URIRef)
                   else URIRef("https://w3id.org/iokg/shapes#" + (result.shape[5:] if result.shape.startswith("iokg:") else "Check") + "Component")))
    return graph


def format_report(report: Report, format: ReportFormat = ReportFormat.TEXT) -> str:
    """The report as text (grouped by focus node), Turtle or JSON."""
    import json

    format = ReportFormat(format)
    if format is ReportFormat.TURTLE:
        return report_graph(report).serialize(format="turtle")
    groups = grouped(report)
    if format is ReportFormat.JSON:
        doc = {
            "conforms": report.conforms,
            "violations": len(report.violations),
            "results": [
                {
                    "focus": focus,
                    "label": results[0].label,
                    "location": results[0].location,
                    "problems": [
                        {"severity": r.severity.value, "path": r.path, "value": r.value, "message": r.message,
                         "shape": r.shape, "location": r.location}
                        for r in results
                    ],
                }
                for focus, results in groups.items()
            ],
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    lines = []
    for focus, results in groups.items():
        label = f" ({results[0].label})" if results[0].label else ""
        where = f"  [{results[0].location}]" if results[0].location else ""
        lines.append(f"{focus}{label}{where}")
        for r in results:
            detail = []
            if r.path:
                detail.append(f"path {r.path}")
            if r.value:
                detail.append(f"value {r.value}")
            lines.append(f"  {r.severity.value}: {r.message}" + (f" ({', '.join(detail)})" if detail else ""))
    others = len(report.results) - len(report.violations)
    verdict = "conforms" if report.conforms else "does not conform"
    lines.append(f"{verdict}: {len(report.violations)} violation(s), {others} warning(s)/info")
    return "\n".join(lines) + "\n"

"""SHACL shapes compiled to SPARQL and run set-at-a-time by Oxigraph, with pySHACL's results.

pySHACL evaluates every constraint once per focus node in Python; here each constraint of
the shapes becomes one SPARQL query that returns only the violating (focus, value) pairs of
all focus nodes at once, run by pyoxigraph. The results are built as pySHACL builds them
(same focus, path, value, message, source shape, severity, one result per node shape that
reaches a property shape), and ``tests/test_validation_engines.py`` checks that they are
identical to pySHACL's on a generated corpus with planted violations of every shape.

What is compiled: targets (``sh:targetClass``, ``sh:targetNode``, ``sh:targetSubjectsOf``,
``sh:targetObjectsOf``), SPARQL property paths, the core value constraints (class,
datatype, nodeKind, pattern, in, min/maxLength, min/max In/Exclusive, languageIn, or,
not, node), the count constraints (min/maxCount, qualified min/max counts, uniqueLang),
and SPARQL-based constraints (``sh:sparql`` with ``sh:select``). A shape that uses
anything else, or that has no ``sh:message`` (pySHACL would write its own wording), is
left to pySHACL: :attr:`Plan.residual` holds those shapes.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from itertools import count

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg.validation.base import Result, Severity, label_of, short, shorten

#: Parameters that are not constraints (they name, describe, target or group shapes).
IGNORED = {
    SH.path, SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property, SH.sparql,
    SH.deactivated, SH.declare, SH.prefixes, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.flags,
}
VALUE_CONSTRAINTS = {
    SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH["in"], SH.minLength, SH.maxLength, SH.minInclusive,
    SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.languageIn, SH["or"], SH["not"], SH.node,
}
COMPONENTS = {
    SH["class"]: SH.ClassConstraintComponent, SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH["in"]: SH.InConstraintComponent, SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent, SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent, SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent, SH.languageIn: SH.LanguageInConstraintComponent,
    SH["or"]: SH.OrConstraintComponent, SH["not"]: SH.NotConstraintComponent, SH.node: SH.NodeConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent, SH.maxCount: SH.MaxCountConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent, SH.qualifiedMinCount: SH.QualifiedMinCountConstraintComponent,
    SH.qualifiedMaxCount: SH.QualifiedMaxCountConstraintComponent, SH.sparql: SH.SPARQLConstraintComponent,
}
COMPARISONS = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})", SH.IRIOrLiteral: "!isBlank({v})", SH.BlankNodeOrLiteral: "!isIRI({v})",
}
#: Datatypes whose literals rdflib (and so pySHACL) may find ill-typed.
CHECKED_DATATYPES = (XSD.date, XSD.gYearMonth, XSD.gYear, XSD.integer, XSD.decimal, XSD.hexBinary, XSD.dateTime,
                     XSD.boolean, XSD.double, XSD.float, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.language)


class Unsupported(Exception):
    """A shape uses something this compiler does not translate; pySHACL validates it."""


@dataclass
class Check:
    """One compiled constraint: the query that lists its violations and how to report them."""

    shape: object  # the source shape
    component: URIRef
    query: str  # SELECT ?this [?value] [more], violating rows only
    severity: Severity
    messages: list
    path: object = None  # the property shape's path (a term of the shapes graph)
    owners: tuple = ()  # the node shapes that list this shape: one result per owner targeting the node
    sparql: object = None  # the SPARQL constraint node, for sh:sparql checks
    extra: list = field(default_factory=list)  # the SPARQL constraint's own messages
    compare: tuple | None = None  # (operator, bound): a comparison checked again in Python
    counts: tuple | None = None  # (low, high, component below, component above): two bounds, one query (rows: ?this ?count)
    covers: tuple = ()  # the node shapes whose focus nodes the query covers (owners, at first)

    def __post_init__(self):
        self.covers = self.covers or self.owners


@dataclass
class Plan:
    """The shapes, compiled: checks, the target pattern of every node shape, and the shapes
    left to pySHACL."""

    checks: list[Check] = field(default_factory=list)
    targets: dict = field(default_factory=dict)  # node shape -> SPARQL group pattern binding ?this
    residual: Graph | None = None
    ill_typed_datatypes: tuple = CHECKED_DATATYPES


def sparql_term(term) -> str:
    """``term`` written in SPARQL."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is not None:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    raise Unsupported(f"blank node {term} in a constraint")


def _list(graph: Graph, node) -> list:
    return list(Collection(graph, node))


def sparql_path(graph: Graph, path) -> str:
    """A SHACL path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if graph.value(path, RDF.first) is not None:
        return "(" + "/".join(sparql_path(graph, p) for p in _list(graph, path)) + ")"
    for predicate, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                                (SH.zeroOrOnePath, "{}?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return "(" + template.format(sparql_path(graph, inner)) + ")"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(sparql_path(graph, p) for p in _list(graph, alternatives)) + ")"
    raise Unsupported(f"path {path}")


def path_text(graph: Graph, path, names: Graph | None = None) -> str:
    """A SHACL path as results show it: prefixed names, SPARQL path syntax for complex paths."""
    names = names if names is not None else graph
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return short(names, path)
    if graph.value(path, RDF.first) is not None:
        return "/".join(path_text(graph, p, names) for p in _list(graph, path))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + path_text(graph, inverse, names)
    for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return f"({path_text(graph, inner, names)}){suffix}"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(path_text(graph, p, names) for p in _list(graph, alternatives)) + ")"
    return short(names, path)


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class _Compiler:
    def __init__(self, shapes: Graph):
        self.shapes = shapes
        self.names = count()

    def var(self) -> str:
        return f"?_v{next(self.names)}"

    def condition(self, parameter, value, v: str, shape) -> str:
        """A SPARQL expression, true when ``v`` satisfies the constraint ``parameter value``."""
        g = self.shapes
        if parameter == SH["class"]:
            return f"EXISTS {{ {v} <{RDF.type}>/<{RDFS.subClassOf}>* {sparql_term(value)} }}"
        if parameter == SH.datatype:
            if value == RDF.langString:
                return f'(isLiteral({v}) && LANG({v}) != "")'
            if value == XSD.string:
                return f'(isLiteral({v}) && LANG({v}) = "" && DATATYPE({v}) = <{XSD.string}>)'
            return f"(isLiteral({v}) && DATATYPE({v}) = <{value}> && __WELL_TYPED__({v}))"
        if parameter == SH.nodeKind:
            if value not in NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {value}")
            return NODE_KINDS[value].format(v=v)
        if parameter == SH.pattern:
            flags = g.value(shape, SH.flags)
            extra = f", {_string(str(flags))}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {_string(str(value))}{extra}))"
        if parameter == SH["in"]:
            members = _list(g, value)
            return "(" + (" || ".join(f"sameTerm({v}, {sparql_term(m)})" for m in members) or "false") + ")"
        if parameter == SH.minLength:
            return f"(!isBlank({v}) && STRLEN(STR({v})) >= {int(value)})"
        if parameter == SH.maxLength:
            return f"(!isBlank({v}) && STRLEN(STR({v})) <= {int(value)})"
        if parameter in COMPARISONS:
            return f"({v} {COMPARISONS[parameter]} {sparql_term(value)})"
        if parameter == SH.languageIn:
            ranges = [str(x) for x in _list(g, value)]
            return f"(isLiteral({v}) && (" + (" || ".join(f"LANGMATCHES(LANG({v}), {_string(r)})" for r in ranges) or "false") + "))"
        if parameter == SH["or"]:
            return "(" + " || ".join(self.conforms(member, v) for member in _list(g, value)) + ")"
        if parameter == SH["not"]:
            return f"(!{self.conforms(value, v)})"
        if parameter == SH.node:
            return self.conforms(value, v)
        raise Unsupported(f"constraint {parameter}")

    def conforms(self, shape, v: str) -> str:
        """A SPARQL expression, true when ``v`` conforms to the (nested) ``shape``."""
        g = self.shapes
        parts = []
        for parameter, value in g.predicate_objects(shape):
            if parameter in VALUE_CONSTRAINTS:
                parts.append(f"COALESCE({self.condition(parameter, value, v, shape)}, false)")
            elif parameter == SH.property:
                parts.append(self.nested_property(value, v))
            elif parameter in IGNORED - {SH.property, SH.sparql} or parameter in (RDF.type, RDFS.label, RDFS.comment):
                if parameter in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.sparql):
                    raise Unsupported("targets or SPARQL in a nested shape")
            elif str(parameter).startswith(str(SH)):
                raise Unsupported(f"{parameter} in a nested shape")
        return "(" + (" && ".join(parts) or "true") + ")"

    def nested_property(self, shape, v: str) -> str:
        g = self.shapes
        path = sparql_path(g, g.value(shape, SH.path))
        parts = []
        for parameter, value in g.predicate_objects(shape):
            if parameter == SH.minCount:
                if int(value) > 1:
                    raise Unsupported("sh:minCount above 1 in a nested shape")
                if int(value) == 1:
                    parts.append(f"EXISTS {{ {v} {path} {self.var()} }}")
            elif parameter in VALUE_CONSTRAINTS:
                w = self.var()
                parts.append(f"NOT EXISTS {{ {v} {path} {w} . FILTER(!COALESCE({self.condition(parameter, value, w, shape)}, false)) }}")
            elif parameter in (SH.path, SH.message, SH.name, SH.description, RDF.type, RDFS.label, RDFS.comment):
                continue
            else:
                raise Unsupported(f"{parameter} in a nested property shape")
        return "(" + (" && ".join(parts) or "true") + ")"


def _prefixes(shapes: Graph, constraint) -> str:
    lines = []
    for source in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(source, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


_SELECT = re.compile(r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?", re.IGNORECASE)
_WHERE = re.compile(r"\bWHERE\s*\{|\{", re.IGNORECASE)


def _inject(select: str, target: str) -> str:
    """The SELECT query of a SPARQL constraint with the focus nodes bound first: ``target``
    opens its WHERE group, and ``?this`` is projected. Pre-binding ``$this`` (what SHACL
    asks) and joining it first in the group give the same rows for queries without
    sub-selects that hide ``$this`` (refused here)."""
    if re.search(r"\{\s*SELECT\b", select, re.IGNORECASE) or re.search(r"\b(VALUES|MINUS|SERVICE)\b", select, re.IGNORECASE):
        raise Unsupported("SPARQL constraint with a sub-select, VALUES, MINUS or SERVICE")
    if re.search(r"\$PATH\b|\$currentShape\b|\$shapesGraph\b", select):
        raise Unsupported("SPARQL constraint with $PATH, $currentShape or $shapesGraph")
    match = _SELECT.search(select)
    if match is None:
        raise Unsupported("not a SELECT query")
    head = select[: match.end()]
    rest = select[match.end():]
    if not re.match(r"\s*\*", rest) and not re.search(r"[?$]this\b", rest.split("{", 1)[0]):
        rest = "?this " + rest
    where = _WHERE.search(rest)
    if where is None:
        raise Unsupported("no WHERE group")
    return head + rest[: where.end()] + f" {{ SELECT DISTINCT ?this WHERE {{ {target} }} }} " + rest[where.end():]


def _target(shapes: Graph, shape) -> str | None:
    patterns = []
    for value in shapes.objects(shape, SH.targetClass):
        patterns.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {sparql_term(value)} .")
    for value in shapes.objects(shape, SH.targetNode):
        patterns.append(f"VALUES ?this {{ {sparql_term(value)} }}")
    for value in shapes.objects(shape, SH.targetSubjectsOf):
        patterns.append(f"?this {sparql_term(value)} ?_any .")
    for value in shapes.objects(shape, SH.targetObjectsOf):
        patterns.append(f"?_any {sparql_term(value)} ?this .")
    if (shape, RDF.type, RDFS.Class) in shapes:
        raise Unsupported("implicit class target")
    if not patterns:
        return None
    return " UNION ".join(f"{{ {p} }}" for p in patterns)


def _severity(shapes: Graph, shape) -> Severity:
    value = shapes.value(shape, SH.severity)
    return Severity(str(value).rsplit("#", 1)[-1]) if value is not None else Severity.VIOLATION


def _compile_shape(compiler: _Compiler, shape, owners: tuple, targets: dict, *, node_shape: bool) -> list[Check]:
    """The checks of one node shape (its own constraints and SPARQL rules) or property shape."""
    g = compiler.shapes
    target = " UNION ".join(f"{{ {targets[o]} }}" for o in owners)
    focus = f"{{ SELECT DISTINCT ?this WHERE {{ {target} }} }}"
    severity = _severity(g, shape)
    messages = sorted(g.objects(shape, SH.message), key=str)
    path = None if node_shape else g.value(shape, SH.path)
    values = "BIND(?this AS ?value)" if node_shape else f"?this {sparql_path(g, path)} ?value ."
    checks = []
    parameters = set(g.predicates(shape))
    constraints = [p for p in parameters if p in VALUE_CONSTRAINTS or p in (SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape)]
    if constraints and not messages:
        raise Unsupported("no sh:message (pySHACL writes its own)")
    lows, highs = list(g.objects(shape, SH.minCount)), list(g.objects(shape, SH.maxCount))
    both_counts = (int(lows[0]), int(highs[0])) if len(lows) == 1 and len(highs) == 1 and not node_shape else None
    for parameter in parameters:
        if parameter in IGNORED or parameter in (RDF.type, RDFS.label, RDFS.comment, RDFS.isDefinedBy, RDFS.seeAlso):
            continue
        if not str(parameter).startswith(str(SH)):
            continue
        if parameter in (SH.minCount, SH.maxCount) and node_shape:
            raise Unsupported("count constraint on a node shape")
        for value in g.objects(shape, parameter):
            if parameter in VALUE_CONSTRAINTS:
                condition = compiler.condition(parameter, value, "?value", shape)
                query = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} FILTER(!COALESCE({condition}, false)) }}"
                if parameter in COMPARISONS:
                    # Oxigraph cannot compare what it cannot represent (an integer beyond 64
                    # bits): rows it rejects are compared again as pySHACL compares them.
                    checks.append(Check(shape, COMPONENTS[parameter], query, severity, messages, path, owners,
                                        compare=(COMPARISONS[parameter], value)))
                    continue
            elif parameter in (SH.minCount, SH.maxCount):
                if both_counts is not None:
                    if parameter == SH.minCount:  # one query for both (the maxCount is skipped)
                        low, high = both_counts
                        query = (f"SELECT ?this (COUNT(DISTINCT ?value) AS ?count) WHERE {{ {focus} OPTIONAL {{ {values} }} }} "
                                 f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {low} || COUNT(DISTINCT ?value) > {high})")
                        checks.append(Check(shape, SH.MinCountConstraintComponent, query, severity, messages, path, owners,
                                            counts=both_counts + (SH.MinCountConstraintComponent,
                                                                  SH.MaxCountConstraintComponent)))
                    continue
                operator = "<" if parameter == SH.minCount else ">"
                optional = f"OPTIONAL {{ {values} }}" if parameter == SH.minCount else values
                query = (f"SELECT ?this WHERE {{ {focus} {optional} }} GROUP BY ?this "
                         f"HAVING (COUNT(DISTINCT ?value) {operator} {int(value)})")
            elif parameter == SH.uniqueLang:
                if not (isinstance(value, Literal) and value.value is True):
                    continue
                query = (f"SELECT ?this ?lang WHERE {{ {focus} {values} FILTER(isLiteral(?value) && LANG(?value) != \"\") }} "
                         f"GROUP BY ?this (LCASE(LANG(?value)) AS ?lang) HAVING (COUNT(DISTINCT LANG(?value)) > 1 || COUNT(DISTINCT ?value) > 1)")
            elif parameter == SH.qualifiedValueShape:
                if g.value(shape, SH.qualifiedValueShapesDisjoint) == Literal(True):
                    raise Unsupported("sh:qualifiedValueShapesDisjoint")
                condition = compiler.conforms(value, "?value")
                low, high = g.value(shape, SH.qualifiedMinCount), g.value(shape, SH.qualifiedMaxCount)
                if low is not None and high is not None:  # both bounds in one query
                    query = (f"SELECT ?this (COUNT(DISTINCT ?value) AS ?count) WHERE {{ {focus} OPTIONAL {{ {values} "
                             f"FILTER({condition}) }} }} GROUP BY ?this "
                             f"HAVING (COUNT(DISTINCT ?value) < {int(low)} || COUNT(DISTINCT ?value) > {int(high)})")
                    checks.append(Check(shape, COMPONENTS[SH.qualifiedMinCount], query, severity, messages, path, owners,
                                        counts=(int(low), int(high), COMPONENTS[SH.qualifiedMinCount],
                                                COMPONENTS[SH.qualifiedMaxCount])))
                    continue
                for bound, operator in ((SH.qualifiedMinCount, "<"), (SH.qualifiedMaxCount, ">")):
                    limit = g.value(shape, bound)
                    if limit is None:
                        continue
                    query = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {values} FILTER({condition}) }} }} "
                             f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {operator} {int(limit)})")
                    checks.append(Check(shape, COMPONENTS[bound], query, severity, messages, path, owners))
                continue
            else:
                raise Unsupported(f"{parameter}")
            checks.append(Check(shape, COMPONENTS[parameter], query, severity, messages, path, owners))
    for constraint in g.objects(shape, SH.sparql):
        if g.value(constraint, SH.deactivated) == Literal(True):
            continue
        select = g.value(constraint, SH.select)
        if select is None:
            raise Unsupported("SPARQL constraint without sh:select")
        query = _prefixes(g, constraint) + "\n" + _inject(str(select), target)
        check = Check(shape, SH.SPARQLConstraintComponent, query, severity, messages, path, owners, sparql=constraint,
                      extra=sorted(g.objects(constraint, SH.message), key=str))
        if not check.extra and not messages:
            raise Unsupported("SPARQL constraint without sh:message")
        checks.append(check)
    return checks


_PLANS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def compile_shapes(shapes: Graph) -> Plan:
    """The shapes compiled to SPARQL (remembered per shapes graph)."""
    cached = _PLANS.get(shapes)
    if cached is not None and cached[0] == len(shapes):
        return cached[1]
    g = shapes
    compiler = _Compiler(shapes)
    plan = Plan()
    residual_shapes = set()
    node_shapes = set(g.subjects(RDF.type, SH.NodeShape))
    for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        node_shapes |= set(g.subjects(predicate, None))
    for shape in sorted(node_shapes, key=str):
        if g.value(shape, SH.deactivated) == Literal(True):
            continue
        try:
            target = _target(g, shape)
        except Unsupported:
            residual_shapes.add(shape)
            continue
        if target is not None:
            plan.targets[shape] = target
    # Property shapes are shared between node shapes: compile each once, over the focus
    # nodes of all the node shapes that list it.
    users: dict = {}
    for shape in plan.targets:
        for prop in g.objects(shape, SH.property):
            users.setdefault(prop, []).append(shape)
    failed = set()
    for shape in sorted(plan.targets, key=str):
        try:
            plan.checks += _compile_shape(compiler, shape, (shape,), plan.targets, node_shape=True)
        except Unsupported:
            failed.add(shape)
    for prop, owners in sorted(users.items(), key=lambda item: str(item[0])):
        if g.value(prop, SH.deactivated) == Literal(True):
            continue
        try:
            plan.checks += _compile_shape(compiler, prop, tuple(sorted(owners, key=str)), plan.targets, node_shape=False)
        except Unsupported:
            failed.update(owners)
    if failed:
        # pySHACL validates a node shape whose checks (or property shapes' checks) did not
        # compile, and the compiled checks drop it.
        residual_shapes |= failed
        plan.checks = [c for c in plan.checks if not set(c.owners) & failed] + [
            _without(c, failed) for c in plan.checks if set(c.owners) & failed and set(c.owners) - failed]
    if residual_shapes:
        plan.residual = _residual_graph(shapes, residual_shapes)
    _PLANS[shapes] = (len(shapes), plan)
    return plan


def _without(check: Check, failed: set) -> Check:
    from dataclasses import replace

    owners = tuple(o for o in check.owners if o not in failed)
    return replace(check, owners=owners, covers=check.covers)  # the query still covers the failed owners' nodes


def _residual_graph(shapes: Graph, keep: set) -> Graph:
    """The shapes graph without the node shapes that compiled (their targets removed), so
    that pySHACL validates only the rest."""
    graph = Graph()
    for prefix, namespace in shapes.namespaces():
        graph.bind(prefix, namespace, override=True)
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    for s, p, o in shapes:
        if p in targets and s not in keep:
            continue
        graph.add((s, p, o))
    return graph


def _holds(value, operator: str, bound: Literal) -> bool:
    """Whether ``value operator bound`` holds as pySHACL compares literals (Python values)."""
    import operator as ops

    if not isinstance(value, Literal) or value.value is None or bound.value is None:
        return False
    try:
        return bool({">=": ops.ge, "<=": ops.le, ">": ops.gt, "<": ops.lt}[operator](value.value, bound.value))
    except TypeError:
        return False


def _format(message: str, bindings: dict) -> str:
    for name, value in bindings.items():
        message = re.sub("{{[?$]{}}}".format(name), str(value), message)
    return message


#: Lexical forms rdflib surely reads (never ill-typed), by datatype: the literals of a large
#: graph are checked with these before any is turned into an rdflib ``Literal``.
_SURELY_WELL_TYPED = {
    XSD.integer: re.compile(r"[+-]?[0-9]+"),
    XSD.decimal: re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"),
    XSD.nonNegativeInteger: re.compile(r"\+?[0-9]+"),
    XSD.positiveInteger: re.compile(r"\+?0*[1-9][0-9]*"),
    XSD.boolean: re.compile(r"true|false|1|0"),
}
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _surely_well_typed(value: str, datatype: URIRef) -> bool:
    """Whether rdflib surely reads ``value`` as a ``datatype`` (False: ask rdflib)."""
    import datetime

    pattern = _SURELY_WELL_TYPED.get(datatype)
    if pattern is not None:
        return pattern.fullmatch(value) is not None
    if datatype == XSD.date:
        match = _DATE.fullmatch(value)
        if match is None:
            return False
        try:
            datetime.date(*map(int, match.groups()))
        except ValueError:
            return False
        return True
    return False


def _ill_typed(store, datatypes) -> list:
    """Literals of the store that rdflib (and so pySHACL) finds ill-typed. rdflib is asked
    only about the distinct literals whose lexical form is not surely well typed."""
    import pyoxigraph as ox

    from kg.terms import to_rdflib

    if not datatypes:
        return []
    values = ", ".join(f"<{d}>" for d in datatypes)
    query = f"SELECT DISTINCT ?o WHERE {{ ?s ?p ?o FILTER(isLiteral(?o)) FILTER(DATATYPE(?o) IN ({values})) }}"
    names: dict = {}
    bad = []
    for row in store.query(query):
        term = row["o"]
        datatype = names.get(term.datatype.value)
        if datatype is None:
            datatype = names[term.datatype.value] = URIRef(term.datatype.value)
        if isinstance(term, ox.Literal) and _surely_well_typed(term.value, datatype):
            continue
        literal = to_rdflib(term)
        if getattr(literal, "ill_typed", None) is True:
            bad.append(term)
    return bad


def run(plan: Plan, store, data: Graph, shapes: Graph) -> list[Result]:
    """Run the compiled checks over ``store`` (a ``pyoxigraph.Store`` holding ``data``):
    every result as pySHACL would report it, with terms named as ``data`` names them."""
    from kg.terms import to_rdflib

    ill = _ill_typed(store, plan.ill_typed_datatypes)
    well_typed = ("!(" + " || ".join(f"sameTerm({{v}}, {x})" for x in map(str, ill)) + ")") if ill else "true"
    focus_sets: dict = {}
    targeted: dict = {}

    def members(shape):
        """The focus nodes of a node shape (only asked for the rows of a check that several
        node shapes list)."""
        if shape not in focus_sets:
            focus_sets[shape] = {row["this"] for row in store.query(f"SELECT DISTINCT ?this WHERE {{ {plan.targets[shape]} }}")}
        return focus_sets[shape]

    def any_focus(shape) -> bool:
        if shape not in targeted:
            targeted[shape] = bool(store.query(f"ASK {{ {plan.targets[shape]} }}"))
        return targeted[shape]

    results = []
    for check in plan.checks:
        if not any(any_focus(o) for o in check.covers):
            continue  # no focus node: nothing to check (most checks, on a batch's neighbourhood)
        query = re.sub(r"__WELL_TYPED__\((\?\w+)\)", lambda m: well_typed.replace("{v}", m.group(1)), check.query)
        solutions = store.query(query)
        names = [v.value for v in solutions.variables]
        exact = check.covers == check.owners and len(check.owners) == 1
        seen = set()
        for row in solutions:
            if check.sparql is not None:  # pySHACL drops repeated rows of a SPARQL constraint
                key = tuple(row[name] for name in names)
                if key in seen:
                    continue
                seen.add(key)
            if check.compare is not None and _holds(to_rdflib(row["value"]), *check.compare):
                continue
            this = row["this"]
            times = 1 if exact else sum(1 for o in check.owners if this in members(o))
            if not times:
                continue
            for one in _split(check, row):
                results += [_result_of(one, row, names, data, shapes, to_rdflib)] * times
    return results


def _split(check: Check, row) -> list[Check]:
    """The check a row violates: a check of two count bounds (sh:minCount and sh:maxCount,
    or sh:qualifiedMinCount and sh:qualifiedMaxCount) is the lower or the upper one (or
    both, for a lower bound above the upper) by the row's count."""
    if check.counts is None:
        return [check]
    from dataclasses import replace

    number = int(row["count"].value)
    low, high, below, above = check.counts
    return ([replace(check, component=below, counts=None)] if number < low else []) + (
        [replace(check, component=above, counts=None)] if number > high else [])


VALUE_COMPONENTS = {COMPONENTS[p] for p in VALUE_CONSTRAINTS}


#: Datatypes whose literals Oxigraph writes in canonical form.
CANONICALISED = frozenset((XSD.decimal, XSD.integer, XSD.double, XSD.float, XSD.boolean, XSD.nonNegativeInteger,
                           XSD.positiveInteger, XSD.nonPositiveInteger, XSD.negativeInteger, XSD.long, XSD.int,
                           XSD.short, XSD.byte, XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort, XSD.unsignedByte))


def _equal(a: Literal, b: Literal) -> bool:
    try:
        return bool(a.eq(b))
    except TypeError:
        return False


def _restored(values: dict, data: Graph) -> dict:
    """Oxigraph stores literals in canonical form ("12.0"^^xsd:decimal as "12"); pySHACL
    reports them as written. Each literal of a row is replaced by the literal, equal in
    value and datatype, that a node of the same row has in ``data``."""
    literals = [k for k, v in values.items() if isinstance(v, Literal) and v.datatype is not None]
    if not literals:
        return values
    nodes = [v for v in values.values() if isinstance(v, (URIRef, BNode))]
    for name in literals:
        term = values[name]
        if term.datatype not in CANONICALISED:
            continue
        for node in nodes:
            found = next((o for o in data.objects(node, None) if isinstance(o, Literal) and o.datatype == term.datatype
                          and str(o) != str(term) and _equal(o, term)), None)
            if found is not None:
                values[name] = found
                break
    return values


def _result_of(check: Check, row, names: list[str], data: Graph, shapes: Graph, to_rdflib) -> Result:
    focus = to_rdflib(row["this"])
    if check.sparql is None:
        value = to_rdflib(row["value"]) if check.component in VALUE_COMPONENTS else None
        if value is not None:
            value = _restored({"this": focus, "value": value}, data)["value"]
        return _result(check, focus, check.path, value, {str(m) for m in check.messages}, data, shapes)
    values = _restored({name: to_rdflib(row[name]) for name in names}, data)
    this = values.pop("this", None) or focus
    path = values.pop("path", None)
    value = values.pop("value", None)
    values.pop("failure", None)
    if value is None and check.path is None:
        value = focus  # a node shape's result names the focus node as its value
    bindings = {k: v for k, v in values.items() if v is not None}
    bindings["this"] = this
    if path is not None:
        bindings["path"] = path
    if value is not None:
        bindings["value"] = value
    messages = {_format(str(m), bindings) for m in check.extra if m not in check.messages}
    messages |= {_format(str(m), bindings) for m in check.messages}
    return _result(check, this, path if path is not None else check.path, value, messages, data, shapes)


def _result(check: Check, focus, path, value, messages, data: Graph, shapes: Graph) -> Result:
    return Result(
        severity=check.severity,
        focus=short(data, focus),
        path=path_text(shapes, path, data) if path is not None else "",
        value=short(data, value),
        message=shorten("; ".join(sorted(messages))) or "(no message)",
        shape=short(data, check.shape),
        label=label_of(data, focus),
        terms=(focus, path, value, check.shape, check.component),
    )

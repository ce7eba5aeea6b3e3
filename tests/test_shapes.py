"""Tests of the SHACL shapes (shapes/*.ttl), driven by the fixtures in tests/shapes/.

- The shapes graph conforms to SHACL-for-SHACL and follows the conventions (labels,
  comments, messages, prefixes, closed lists equal to the ontology's individuals,
  sh:class on every object property).
- Every fixture tests/shapes/invalid/<NodeShape>--<what>.ttl, validated with the
  ontology and the reference graph, produces a result of <NodeShape> (or of one of its
  property shapes or SPARQL constraints) whose message contains the fixture's
  "# expect:" text, and no violation of any other shape but those its "# also:" lines
  name. Every node shape is named by a fixture, and every constraint with a message
  (node-level, property shape, SPARQL constraint) is proven by one.
- Every fixture tests/shapes/valid/*.ttl conforms, without warnings, together with the
  ontology, the reference graph and DISARM.
- The whole graph (ontology and all of kg/data) conforms.

The validation set-up is the project's: the ontology mixed into the data graph,
pyshacl.validate(..., inference="none", advanced=True, allow_warnings=True).
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.plugins.sparql import processor as sparql_processor
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.algebra import translateQuery

ROOT = Path(__file__).resolve().parents[1]
SHAPES_DIR = ROOT / "shapes"
ONTOLOGY = ROOT / "ontology" / "iokg.ttl"
DATA_DIR = ROOT / "kg" / "data"
REFERENCE = DATA_DIR / "reference.ttl"
DISARM_TTL = DATA_DIR / "disarm.ttl"
DOCUMENTS_DIR = DATA_DIR / "documents"
FIXTURES_DIR = Path(__file__).resolve().parent / "shapes"
INVALID_DIR = FIXTURES_DIR / "invalid"
VALID_DIR = FIXTURES_DIR / "valid"

IO = Namespace("https://w3id.org/iokg/ontology#")
IOSH = Namespace("https://w3id.org/iokg/shapes#")
SHAPES_ONTOLOGY = URIRef("https://w3id.org/iokg/shapes")

#: Core constraint parameters that make a node shape check its focus node itself
#: (results then come from the node shape and carry its sh:message).
NODE_LEVEL_PARAMETERS = (
    SH.nodeKind, SH.pattern, SH["class"], SH.datatype, SH["in"], SH["or"], SH["and"],
    SH["not"], SH.xone, SH.node, SH.hasValue, SH.closed, SH.minLength, SH.maxLength,
)


# Speed -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _prepared(text: str, base, namespaces: frozenset):
    return translateQuery(parseQuery(text), base, dict(namespaces))


@pytest.fixture(scope="module", autouse=True)
def parse_each_sparql_query_once():
    """pySHACL hands rdflib the text of a SPARQL constraint once per focus node, and rdflib
    parses it every time (about 10 ms a query, most of the time of a fixture). Within
    these tests, parse and translate each text once; evaluation does not change the
    translated query, so the results are the same."""
    original = sparql_processor.SPARQLProcessor.query

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(strOrQuery, str):
            strOrQuery = _prepared(strOrQuery, base, frozenset((initNs or {}).items()))
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sparql_processor.SPARQLProcessor, "query", query)
        yield


# Loading -----------------------------------------------------------------------------


def shape_files() -> list[Path]:
    files = sorted(SHAPES_DIR.glob("*.ttl"))
    assert files, f"no shape files in {SHAPES_DIR}"
    return files


def invalid_fixtures() -> list[Path]:
    files = sorted(INVALID_DIR.glob("*.ttl"))
    assert files, f"no fixtures in {INVALID_DIR}"
    return files


def valid_fixtures() -> list[Path]:
    files = sorted(VALID_DIR.glob("*.ttl"))
    assert files, f"no fixtures in {VALID_DIR}"
    return files


@functools.cache
def shapes_graph() -> Graph:
    graph = Graph()
    for path in shape_files():
        graph.parse(path, format="turtle")
    return graph


@functools.cache
def ontology_graph() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@functools.cache
def base_triples() -> tuple:
    """Ontology and reference graph: the world every invalid fixture is validated in."""
    graph = Graph()
    graph.parse(ONTOLOGY, format="turtle")
    graph.parse(REFERENCE, format="turtle")
    return tuple(graph)


def validate(data: Graph, **kwargs):
    return pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
        **kwargs,
    )


# Validation results ------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    severity: URIRef
    component: URIRef
    shape: URIRef | BNode
    constraint: URIRef | BNode | None
    focus: URIRef | BNode
    path: object
    value: object
    message: str

    @property
    def unit(self):
        """The constraint the result proves: its SPARQL constraint, else its shape."""
        return self.constraint if self.constraint is not None else self.shape

    def __str__(self) -> str:
        def short(node):
            return shapes_graph().namespace_manager.normalizeUri(node) if isinstance(node, URIRef) else str(node)

        return (
            f"{short(self.severity)} {short(self.unit)} ({short(self.component)}) focus={self.focus} "
            f"path={self.path} value={self.value}: {self.message}"
        )


def results_of(report: Graph) -> list[Result]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        messages = [str(m) for m in report.objects(node, SH.resultMessage)]
        results.append(
            Result(
                severity=report.value(node, SH.resultSeverity),
                component=report.value(node, SH.sourceConstraintComponent),
                shape=report.value(node, SH.sourceShape),
                constraint=report.value(node, SH.sourceConstraint),
                focus=report.value(node, SH.focusNode),
                path=report.value(node, SH.resultPath),
                value=report.value(node, SH.value),
                message=" | ".join(sorted(messages)),
            )
        )
    return results


# The shapes graph --------------------------------------------------------------------


def node_shapes() -> set[URIRef]:
    return {s for s in shapes_graph().subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}


def property_shapes() -> set[URIRef]:
    graph = shapes_graph()
    found = {s for s in graph.subjects(RDF.type, SH.PropertyShape) if isinstance(s, URIRef)}
    found |= {p for p in graph.objects(None, SH.property) if isinstance(p, URIRef)}
    return found


def sparql_constraints() -> set:
    return set(shapes_graph().objects(None, SH.sparql))


def has_node_level_constraint(shape: URIRef) -> bool:
    graph = shapes_graph()
    return any((shape, p, None) in graph for p in NODE_LEVEL_PARAMETERS)


@functools.cache
def owned_units() -> dict:
    """Node shape -> the units (the shape itself, its property shapes, its SPARQL
    constraints) whose results belong to it."""
    graph = shapes_graph()
    owned = {}
    for shape in node_shapes():
        units = {shape}
        units |= set(graph.objects(shape, SH.property))
        units |= set(graph.objects(shape, SH.sparql))
        owned[shape] = units
    return owned


def units_to_prove() -> dict:
    """Every constraint with a message that some fixture must make fail."""
    graph = shapes_graph()
    units = {}
    for shape in node_shapes():
        if has_node_level_constraint(shape):
            units[shape] = "node-level constraint of"
    for shape in property_shapes():
        if (shape, SH.message, None) in graph:
            units[shape] = "property shape"
    for constraint in sparql_constraints():
        units[constraint] = "SPARQL constraint"
    return units


def local(node) -> str:
    return str(node).split("#")[-1]


def test_shape_files_parse_and_use_the_iosh_namespace():
    graph = shapes_graph()
    assert len(graph) > 0
    named = node_shapes() | property_shapes() | {c for c in sparql_constraints() if isinstance(c, URIRef)}
    assert named
    outside = sorted(str(s) for s in named if not str(s).startswith(str(IOSH)))
    assert not outside, f"shapes outside {IOSH}: {outside}"
    assert dict(graph.namespaces()).get("iosh") == URIRef(str(IOSH))


def test_shape_files_parse_with_pyoxigraph():
    import pyoxigraph

    for path in shape_files():
        quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
        assert len(quads) == len(Graph().parse(path, format="turtle")), path.name


def test_shapes_conform_to_shacl_shacl():
    """pySHACL's meta-validation, through iokg's cache by digest (the session's cache, so
    that this test, tests/test_checks.py and the first ``iokg check`` pay it once)."""
    from kg.checks import shape_problems

    assert shape_problems(shapes_graph()) == []


def test_every_shape_is_labelled_and_commented_in_english():
    graph = shapes_graph()
    named = node_shapes() | property_shapes() | set(sparql_constraints())
    problems = []
    for shape in sorted(named, key=str):
        if isinstance(shape, BNode):
            problems.append(f"{shape}: blank node (name every shape and constraint)")
            continue
        for predicate in (RDFS.label, RDFS.comment):
            english = [v for v in graph.objects(shape, predicate) if isinstance(v, Literal) and v.language == "en"]
            if len(english) != 1:
                problems.append(f"{local(shape)}: {len(english)} English {predicate.n3(graph.namespace_manager)}")
    assert not problems, "\n".join(problems)


def test_every_constraint_has_an_english_message():
    graph = shapes_graph()
    needs_message = property_shapes() | set(sparql_constraints())
    needs_message |= {s for s in node_shapes() if has_node_level_constraint(s)}
    problems = []
    for shape in sorted(needs_message, key=str):
        messages = list(graph.objects(shape, SH.message))
        if len(messages) != 1 or not isinstance(messages[0], Literal) or messages[0].language != "en":
            problems.append(f"{local(shape)}: {messages!r}")
    assert not problems, "constraints without exactly one sh:message@en:\n" + "\n".join(problems)


def test_node_shapes_with_sparql_carry_no_message_of_their_own():
    # pyshacl adds a node shape's sh:message to the results of its SPARQL constraints.
    graph = shapes_graph()
    mixed = [local(s) for s in node_shapes() if (s, SH.sparql, None) in graph and (s, SH.message, None) in graph]
    assert not mixed


def test_sparql_constraints_declare_their_prefixes():
    graph = shapes_graph()
    assert (SHAPES_ONTOLOGY, RDF.type, OWL.Ontology) in graph
    declared = {
        str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace))
        for d in graph.objects(SHAPES_ONTOLOGY, SH.declare)
    }
    assert declared.get("io") == str(IO)
    selects = list(sparql_constraints())
    selects += list(graph.subjects(RDF.type, SH.SPARQLTarget))
    assert selects
    for node in selects:
        assert graph.value(node, SH.prefixes) == SHAPES_ONTOLOGY, f"{node} has no sh:prefixes"
        query = str(graph.value(node, SH.select))
        used = set(re.findall(r"\b([a-z][a-z0-9]*):[A-Za-z_(]", query))
        missing = used - set(declared)
        assert not missing, f"{local(node)} uses undeclared prefixes {missing}"


def test_closed_lists_equal_the_ontology_individuals():
    """An sh:in next to sh:class C lists exactly the ontology's instances of C, so a value
    added to the ontology cannot be forgotten in the shapes (or the other way round)."""
    graph = shapes_graph()
    ontology = ontology_graph()
    checked = 0
    for shape, members in graph.subject_objects(SH["in"]):
        cls = graph.value(shape, SH["class"])
        if cls is None or not str(cls).startswith(str(IO)):
            continue
        listed = set(Collection(graph, members))
        defined = set(ontology.subjects(RDF.type, cls))
        assert listed == defined, (
            f"{local(shape)} sh:in differs from the instances of {local(cls)}: "
            f"missing {sorted(map(local, defined - listed))}, extra {sorted(map(local, listed - defined))}"
        )
        checked += 1
    assert checked >= 5  # qualifiers, roles, measures, strengths, statuses


def test_every_object_property_has_sh_class():
    graph = shapes_graph()
    ontology = ontology_graph()
    with_class = {graph.value(s, SH.path) for s in graph.subjects(SH["class"], None)}
    # sh:or ( [ sh:class A ] [ sh:class B ] ): the value is one of several classes.
    for shape, members in graph.subject_objects(SH["or"]):
        alternatives = list(Collection(graph, members))
        if alternatives and all((a, SH["class"], None) in graph for a in alternatives):
            with_class.add(graph.value(shape, SH.path))
    # A closed list of terms that are not individuals (the properties a qualified
    # statement may state) is checked by its sh:in.
    with_class |= {graph.value(s, SH.path) for s in graph.subjects(SH["in"], None) if graph.value(s, SH["class"]) is None}
    object_properties = {
        p for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(str(IO))
    }
    object_properties |= {SKOS.inScheme, SKOS.broader, SKOS.related, SKOS.topConceptOf, SKOS.hasTopConcept}
    missing = sorted(local(p) for p in object_properties - with_class)
    assert not missing, f"object properties without a property shape with sh:class: {missing}"


def test_every_class_of_the_ontology_has_a_node_shape():
    graph = shapes_graph()
    ontology = ontology_graph()
    targeted = set(graph.objects(None, SH.targetClass))
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(IO))}
    # Abstract classes whose instances are all typed with a subclass, and the controlled
    # lists (their members are checked as io:ControlledValue and by the sh:in lists).
    covered_elsewhere = {IO.Target, IO.Qualifier, IO.FigureRole, IO.Measure, IO.AttributionStrength,
                         IO.ResponseStatus, IO.AssessmentDimension, IO.Rating, IO.AccessRoute, IO.Permanence,
                         IO.Capability, IO.DetectionMethod, IO.ComparisonKind,
                         # the kinds of event, statement and report, and the rules, are
                         # checked by the shapes of their parents (exactly one kind each)
                         IO.AdPurchase, IO.Criticism, IO.PublicStatement, IO.Rule,
                         IO.PlatformReport, IO.BlogPost, IO.ArchiveRelease}
    missing = sorted(local(c) for c in classes - targeted - covered_elsewhere)
    assert not missing, f"classes without a node shape: {missing}"


# Invalid fixtures --------------------------------------------------------------------


@dataclass(frozen=True)
class Fixture:
    path: Path
    shape: URIRef
    what: str
    expect: str
    also: tuple


def read_fixture(path: Path) -> Fixture:
    name, sep, _ = path.stem.partition("--")
    assert sep, f"{path.name}: name it <NodeShape>--<what>.ttl"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines and lines[0].startswith("# ") and len(lines[0]) > 3, f"{path.name}: first line says what is wrong"
    expects = [line.split(":", 1)[1].strip() for line in lines if line.startswith("# expect:")]
    assert len(expects) == 1 and expects[0], f"{path.name}: needs exactly one '# expect: <message text>' line"
    also = tuple(
        IOSH[a.strip()] for line in lines if line.startswith("# also:") for a in line.split(":", 1)[1].split()
    )
    return Fixture(path, IOSH[name], lines[0][2:], expects[0], also)


@functools.cache
def run_fixture(path: Path) -> tuple:
    """Validate a fixture with the ontology and the reference graph, and keep the results
    whose focus nodes are the fixture's own subjects: reference entities it only points
    to are not re-checked (reference.ttl points into kg/data/disarm.ttl, which is not
    loaded). pyshacl's focus_nodes option would do this faster, but in pyshacl 0.40 it
    also filters the value nodes of nested shapes (sh:not, sh:or, sh:qualifiedValueShape
    ...) and drops blank nodes, which gives wrong results; so the whole graph is validated
    and the results are filtered."""
    fixture_graph = Graph().parse(path, format="turtle")
    data = Graph()
    for triple in base_triples():
        data.add(triple)
    for triple in fixture_graph:
        data.add(triple)
    subjects = set(fixture_graph.subjects())
    _, report, text = validate(data, inplace=True)
    results = tuple(r for r in results_of(report) if r.focus in subjects)
    conforms = not any(r.severity == SH.Violation for r in results)
    return conforms, results, text


def matching(fixture: Fixture, results) -> list[Result]:
    units = owned_units()[fixture.shape]
    return [r for r in results if r.unit in units and fixture.expect in r.message]


@pytest.mark.parametrize("path", invalid_fixtures(), ids=lambda p: p.stem)
def test_invalid_fixture(path: Path):
    fixture = read_fixture(path)
    assert fixture.shape in node_shapes(), f"{path.name}: no node shape {local(fixture.shape)}"
    for other in fixture.also:
        assert other in node_shapes(), f"{path.name}: '# also: {local(other)}' is no node shape"
    templates = [str(m) for m in shapes_graph().objects(None, SH.message)]
    named = [m for m in templates if fixture.expect in m]
    assert len(named) == 1, f"{path.name}: '# expect:' text is in {len(named)} messages, not exactly one"
    conforms, results, text = run_fixture(path)
    found = matching(fixture, results)
    assert found, f"{path.name}: no result of {local(fixture.shape)} with '{fixture.expect}'\n{text}"
    if any(r.severity == SH.Violation for r in found):
        assert not conforms
    # Minimal: no violation of another shape than the named one (and its "also" list).
    allowed = set()
    for shape in (fixture.shape, *fixture.also):
        allowed |= owned_units()[shape]
    stray = [str(r) for r in results if r.severity == SH.Violation and r.unit not in allowed]
    assert not stray, f"{path.name} also violates other shapes:\n" + "\n".join(stray)


def test_every_node_shape_has_a_fixture():
    named = {read_fixture(p).shape for p in invalid_fixtures()}
    missing = sorted(local(s) for s in node_shapes() - named)
    assert not missing, f"node shapes without a fixture in {INVALID_DIR}: {missing}"


def test_every_constraint_is_proven_by_a_fixture():
    proven = set()
    for path in invalid_fixtures():
        fixture = read_fixture(path)
        _, results, _ = run_fixture(path)
        proven |= {r.unit for r in matching(fixture, results)}
    missing = sorted(f"{kind} {local(unit)}" for unit, kind in units_to_prove().items() if unit not in proven)
    assert not missing, "constraints no fixture makes fail:\n" + "\n".join(missing)


# Valid fixtures and the whole graph --------------------------------------------------


@pytest.mark.parametrize("path", valid_fixtures(), ids=lambda p: p.stem)
def test_valid_fixture_conforms_without_warnings(path: Path):
    data = Graph()
    for triple in base_triples():
        data.add(triple)
    data.parse(DISARM_TTL, format="turtle")
    data.parse(path, format="turtle")
    conforms, report, text = validate(data, inplace=True)
    results = results_of(report)
    assert conforms and not results, "\n".join(map(str, results)) or text


def test_whole_graph_conforms():
    data_files = sorted(DATA_DIR.glob("*.ttl")) + sorted(DOCUMENTS_DIR.glob("*.ttl"))
    assert data_files
    data = Graph()
    data.parse(ONTOLOGY, format="turtle")
    for path in data_files:
        data.parse(path, format="turtle")
    start = time.perf_counter()
    conforms, report, text = validate(data, inplace=True)
    seconds = time.perf_counter() - start
    violations = [str(r) for r in results_of(report) if r.severity == SH.Violation]
    print(f"\nfull validation: {len(data)} triples, {len(data_files)} data files, {seconds:.1f} s")
    assert conforms, f"{len(violations)} violations:\n" + "\n".join(violations)

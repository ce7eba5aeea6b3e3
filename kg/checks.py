"""Check the whole graph: every file parses, the ontology is well formed and consistent,
no file uses an undeclared term, and the data conforms to the shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from kg import paths
from kg.dataset import load, sources
from kg.namespaces import ONTOLOGY
from kg.placement import misplaced
from kg.parsing import parse_file
from kg.reasoner import ReasonerResult, java_available, reason
from kg.validation import Report, load_shapes, validate_dataset
from kg.validation.meta import shape_problems
from kg.vocabulary import Problem, declared_terms, lint, undeclared_terms


@dataclass
class CheckReport:
    """Everything ``check`` found, section by section."""

    triples: int = 0
    graphs: int = 0
    lint: list[Problem] = field(default_factory=list)
    terms: list[Problem] = field(default_factory=list)
    reasoner: ReasonerResult | None = None
    reasoner_skipped: str = ""
    shacl: Report | None = None
    shapes: list[str] = field(default_factory=list)  # SHACL-for-SHACL problems of the shapes (cached by digest)
    graphs_placement: list[str] = field(default_factory=list)  # statements in the wrong named graph

    @property
    def ok(self) -> bool:
        return (
            not self.lint
            and not self.terms
            and (self.reasoner is None or self.reasoner.ok)
            and not self.shapes
            and not self.graphs_placement
            and self.shacl is not None
            and self.shacl.conforms
        )


def check(*, data_dir: Path | None = None, reasoner: bool | None = None) -> CheckReport:
    """Run every check over the graph in ``data_dir`` (default: the packaged data).

    ``reasoner``: True runs HermiT (error if Java is missing), False skips it, None runs it
    when Java is available. Raises :class:`kg.errors.InputError` when a file does not parse.
    """
    report = CheckReport()
    dataset = load(data_dir=data_dir)
    report.graphs = sum(1 for g in dataset.graphs() if len(g))
    ontology = dataset.graph(URIRef(ONTOLOGY))
    report.lint = lint(ontology)
    report.graphs_placement = misplaced(dataset)

    declared = declared_terms(ontology)
    for source in sources(data_dir=data_dir, ontology=False):
        report.terms += undeclared_terms(dataset.graph(source.graph), declared, name=source.path.name)
    for path in sorted(paths.SHAPES_DIR.glob("*.ttl")):
        report.terms += undeclared_terms(parse_file(path), declared, name=f"shapes/{path.name}")

    if reasoner is None:
        reasoner = java_available()
        if not reasoner:
            report.reasoner_skipped = "no 'java' on the PATH (install OpenJDK 17 to run HermiT)"
    elif not reasoner:
        report.reasoner_skipped = "skipped on request (--no-reasoner)"
    if reasoner:
        report.reasoner = reason(Graph() + ontology)

    shapes = load_shapes(portable=True)
    report.shapes = shape_problems(shapes)
    # One rule set: the rows of queries/checks/*-violation.rq are violations too.
    report.shacl = validate_dataset(dataset, shapes=shapes)
    report.triples = report.shacl.triples
    return report

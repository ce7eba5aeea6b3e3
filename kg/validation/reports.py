"""Reports as text (grouped by focus node), a SHACL validation report in Turtle, or JSON."""

from __future__ import annotations

import json
from enum import Enum

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from kg.validation.base import DANGLING_SHAPE as DANGLING, Report, Result, Severity


class ReportFormat(str, Enum):
    """Output formats of ``iokg validate``."""

    TEXT = "text"
    TURTLE = "turtle"
    JSON = "json"


def is_root_cause(result: Result) -> bool:
    """A result other results of its node follow from: a missing or wrong source
    (``io:reportedIn``), or a reference to a node that exists nowhere."""
    return result.severity is Severity.VIOLATION and (result.path == "io:reportedIn" or result.shape == DANGLING)


def knock_on(result: Result, causes: list[Result]) -> bool:
    """Whether ``result`` follows from one of ``causes`` (results of the same node): of a
    missing source, the rules about the node's document; of a dangling reference, the
    results about the same value."""
    if result in causes:
        return False
    return any((c.path == "io:reportedIn" and "document" in result.message.lower())
               or (c.value and c.value == result.value) for c in causes)


def grouped(report: Report) -> dict[str, list[Result]]:
    """Results grouped by focus node, in order; within a node, root causes (a missing
    source, a dangling reference) first and the results that follow from them after."""
    groups: dict[str, list[Result]] = {}
    for result in sorted(report.results, key=lambda r: (r.focus, r.severity, r.path, r.message, r.value)):
        groups.setdefault(result.focus, []).append(result)
    for focus, results in groups.items():
        causes = [r for r in results if is_root_cause(r)]
        groups[focus] = causes + [r for r in results if r not in causes]
    return groups


def report_graph(report: Report) -> Graph:
    """The report as a standard SHACL validation report graph (only the new problems).

    As the SHACL specification says, ``sh:conforms`` is false whenever there is any result,
    whatever its severity; iokg's exit-code policy (warnings and infos fail only with
    ``--strict``) is a separate decision, stated by the text report."""
    from kg.namespaces import PREFIXES, SHAPE

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    root = BNode("report")
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(not report.results)))
    for index, result in enumerate(sorted(report.results)):
        node = BNode(f"r{index:04d}")
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
            graph.add((node, SH.sourceShape, SHAPE[result.shape[5:]]))
        graph.add((node, SH.sourceConstraintComponent, component if isinstance(component, URIRef)
                   else SHAPE[(result.shape[5:] if result.shape.startswith("iokg:") else "Check") + "Component"]))
    return graph


def verdict(report: Report, *, strict: bool = False) -> str:
    """One line: the SHACL verdict (any result means "does not conform") and, beside it,
    whether iokg passes the data (violations fail; warnings and infos only with ``strict``)."""
    violations = len(report.violations)
    counts = f"{violations} violation(s), {len(report.results) - violations} warning(s)/info"
    if not report.results:
        return f"conforms: {counts}"
    if violations:
        policy = "fails (exit 1): violations"
    elif strict:
        policy = "fails (exit 1): warnings and infos fail under --strict"
    else:
        policy = "passes (exit 0): warnings and infos fail only with --strict"
    return f"does not conform (sh:conforms false): {counts}; iokg {policy}"


def format_report(report: Report, format: ReportFormat = ReportFormat.TEXT, *, strict: bool = False) -> str:
    """The report as text (grouped by focus node, ending with :func:`verdict`), Turtle or JSON."""
    format = ReportFormat(format)
    if format is ReportFormat.TURTLE:
        return report_graph(report).serialize(format="turtle")
    groups = grouped(report)
    if format is ReportFormat.JSON:
        doc = {
            "conforms": report.conforms and not (strict and report.results),
            "shacl_conforms": not report.results,
            "violations": len(report.violations),
            "results": [
                {
                    "focus": focus,
                    "label": results[0].label,
                    "location": results[0].location,
                    "problems": [
                        {"severity": r.severity.value, "path": r.path, "value": r.value, "message": r.message,
                         "shape": r.shape, "location": r.location,
                         "knock_on": knock_on(r, [c for c in results if is_root_cause(c)])}
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
        causes = [r for r in results if is_root_cause(r)]
        following = False
        for r in results:
            detail = []
            if r.path:
                detail.append(f"path {r.path}")
            if r.value:
                detail.append(f"value {r.value}")
            indent = "  "
            if causes and knock_on(r, causes):
                if not following:
                    lines.append("    which causes:")
                    following = True
                indent = "      "
            lines.append(f"{indent}{r.severity.value}: {r.message}" + (f" ({', '.join(detail)})" if detail else ""))
    lines.append(verdict(report, strict=strict))
    return "\n".join(lines) + "\n"

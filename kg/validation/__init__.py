"""Validate RDF against iokg's SHACL shapes and turn the engine's report into plain results.

``validate_graph`` validates a whole graph, ``validate_dataset`` a whole dataset with the
checks of ``queries/checks/`` too (``iokg check``); ``validate`` validates new
assertions in the context of the existing graph (``iokg validate``, ``iokg add``),
incrementally. Reports come as text, a SHACL validation report in Turtle, or JSON.

Modules: ``base`` (Severity, Result, Report), ``engine`` (pySHACL, the shapes),
``batch`` (reading new assertions), ``terms`` (checks outside SHACL), ``incremental``
(the nodes a batch touches), ``rules`` (the checks as rules), ``whole`` (a whole dataset
on one store), ``reports`` (output formats).
"""

from kg.validation.base import Report, Result, Severity, shorten
from kg.validation.batch import Batch, locate, read_batch
from kg.validation.engine import load_shapes, sparql_parsed_once, validate_graph
from kg.validation.incremental import affected_nodes, inverse_predicates, neighbourhood, validate
from kg.validation.reports import ReportFormat, format_report, grouped, report_graph
from kg.validation.terms import MAX_LITERAL
from kg.validation.whole import validate_dataset

__all__ = [
    "MAX_LITERAL", "Batch", "Report", "ReportFormat", "Result", "Severity", "affected_nodes", "format_report",
    "grouped", "inverse_predicates", "load_shapes", "locate", "neighbourhood", "read_batch", "report_graph",
    "shorten", "sparql_parsed_once", "validate", "validate_dataset", "validate_graph",
]

"""iokg: the knowledge graph of online influence operations.

``kg.load()`` builds the rdflib ``Dataset`` (ontology, reference, curation, DISARM and one
named graph per source document); ``kg.check()`` checks it; ``kg.stats()`` counts it.
"""

from kg.check import check
from kg.load import load
from kg.stats import stats
from kg.validate import validate_graph

__all__ = ["check", "load", "stats", "validate_graph"]
__version__ = "0.1.0"

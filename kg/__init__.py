"""iokg: the knowledge graph of online influence operations.

The library in one screen::

    import kg
    dataset = kg.load()                                 # rdflib Dataset, one named graph per source
    report = kg.check()                                 # ontology quality, terms, HermiT, SHACL
    rows = kg.query("figures", operation="op:spamouflage")
    report = kg.validate("new-incident.ttl")            # new assertions in the graph's context
    result = kg.add(["new-incident.ttl"])               # validate, then write atomically
    result = kg.remove(["fig:000-x"], reason="…")       # retract, recorded in graph:curation
    data = kg.export(dataset, format="trig")            # deterministic bytes
    counts = kg.stats(dataset)

The functions are verbs; the modules that hold them are nouns (``kg.dataset``,
``kg.checks``, ``kg.queries``, ``kg.validation``, ``kg.curation``, ``kg.exports``,
``kg.counts``), so both stay reachable.
"""

from kg.checks import check
from kg.counts import stats
from kg.curation import add, remove
from kg.dataset import load
from kg.exports import export
from kg.queries import query
from kg.validation import validate

__all__ = ["add", "check", "export", "load", "query", "remove", "stats", "validate"]
__version__ = "0.1.0"

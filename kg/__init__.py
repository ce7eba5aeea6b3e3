"""iokg: the knowledge graph of online influence operations.

The library in one screen::

    import kg
    dataset = kg.load()                                 # rdflib Dataset, one named graph per source
    report = kg.check()                                 # ontology quality, terms, HermiT, SHACL
    rows = kg.query("figures", operation="op:spamouflage")
    report = kg.validate("new-incident.ttl")            # new assertions in the graph's context
    result = kg.add(["new-incident.ttl"])               # validate, then write atomically
    data = kg.export(dataset, format="trig")            # deterministic bytes
    counts = kg.stats(dataset)
    result = kg.import_accounts("users.csv.gz", operation="op:china-2020")   # an archive's accounts
    result = kg.import_tweets("tweets.csv.gz")          # its posts, one named graph per file

The functions are verbs; the modules that hold them are nouns (``kg.dataset``,
``kg.checks``, ``kg.queries``, ``kg.validation``, ``kg.curation``, ``kg.exports``,
``kg.counts``, ``kg.archives``), so both stay reachable.
"""

from kg.archives import import_accounts, import_tweets
from kg.checks import check
from kg.counts import stats
from kg.curation import add
from kg.dataset import load
from kg.exports import export
from kg.queries import query
from kg.validation import validate

__all__ = ["add", "check", "export", "import_accounts", "import_tweets", "load", "query", "stats", "validate"]
__version__ = "0.1.0"

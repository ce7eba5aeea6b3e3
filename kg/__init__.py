"""iokg: the knowledge graph of online influence operations.

The library in one screen::

    import kg
    dataset = kg.load()                                 # rdflib Dataset, one named graph per source
    report = kg.check()                                 # ontology quality, terms, HermiT, SHACL
    rows = kg.query("figures", operation="op:spamouflage")  # on the default store
    store = kg.open_store("oxigraph")                   # or memory, oxigraph:PATH, a URL
    report = kg.validate("new-incident.ttl")            # new assertions in the graph's context
    result = kg.add(["new-incident.ttl"])               # validate, then write atomically
    result = kg.remove(["fig:000-x"], reason="…")       # retract, recorded in graph:curation
    data = kg.export(dataset, format="trig")            # deterministic bytes
    counts = kg.stats(dataset)
    result = kg.push(endpoint="http://localhost:7878/query")   # every named graph, by GSP PUT
    result = kg.import_accounts("users.csv.gz", operation="op:china-2020")   # an archive's accounts
    result = kg.import_tweets("tweets.csv.gz")          # its posts, one named graph per file

The functions are verbs; the modules that hold them are nouns (``kg.dataset``,
``kg.checks``, ``kg.queries``, ``kg.validation``, ``kg.curation``, ``kg.exports``,
``kg.counts``, ``kg.publication``, ``kg.archives``), so both stay reachable.
"""

import importlib

#: The library's functions and the modules that hold them, imported on first use (PEP 562),
#: so that ``import kg`` (and ``iokg query``) does not import the validator, the reasoner
#: or the exporters.
_FUNCTIONS = {
    "add": "kg.curation",
    "check": "kg.checks",
    "export": "kg.exports",
    "import_accounts": "kg.archives",
    "import_tweets": "kg.archives",
    "load": "kg.dataset",
    "open_store": "kg.store",
    "push": "kg.publication",
    "remove": "kg.curation",
    "query": "kg.queries",
    "stats": "kg.counts",
    "validate": "kg.validation",
}

__all__ = ["add", "check", "export", "import_accounts", "import_tweets", "load", "open_store", "push", "query",
           "remove", "stats", "validate"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _FUNCTIONS:
        function = getattr(importlib.import_module(_FUNCTIONS[name]), name)
        globals()[name] = function
        return function
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

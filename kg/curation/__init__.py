"""Curation: add new assertions to the graph's data files, correct and retract records.

``add`` validates a batch against the shapes and the existing graph and, only if it
conforms, writes it into the graphs its statements belong in (:mod:`kg.placement`: a
document's graph by the records' ``io:reportedIn``, new reference entities into
``graph:reference``); ``add(..., replace=True)`` first takes out the statements of the
records the batch redefines; ``remove`` retracts records. Every change is validated like an
add, refuses to leave dangling references, is written atomically under the data folder's
lock (:func:`kg.files.locked`) with the deterministic writer (:mod:`kg.curation.writer`),
and corrections and retractions are recorded as a ``prov:Activity`` in ``graph:curation``
(:mod:`kg.curation.changes`).
"""

from kg.curation.addition import AddResult, add
from kg.curation.base import ChangeResult
from kg.curation.removal import RemoveResult, remove
from kg.files import Lock, locked

__all__ = ["AddResult", "ChangeResult", "Lock", "RemoveResult", "add", "locked", "remove"]

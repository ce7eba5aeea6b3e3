"""Corrections and retractions recorded as provenance in graph:curation (PROV-O).

Each ``iokg remove`` and ``iokg add --replace`` writes one ``prov:Activity``::

    change:20260101T120000Z-replace-1a2b3c4d a prov:Activity ;
        rdfs:label "Replaced fig:000-x in doc:000"@en ;
        rdfs:comment "fig:000-x: io:value 7704 → 7705"@en ;
        prov:startedAtTime "2026-01-01T12:00:00Z"^^xsd:dateTime ;
        prov:used doc:000 ;                  # the graph(s) changed
        prov:invalidated fig:000-x ;         # the record's old version (replace, remove)
        prov:generated fig:000-x ;           # its new version (replace)
        dcterms:description "the report was corrected"@en .   # --reason

The time comes from ``at``, else from ``SOURCE_DATE_EPOCH`` (seconds since 1970, for
reproducible runs), else the clock; it never changes the bytes of anything but this record.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from kg.errors import UsageError
from kg.namespaces import CHANGE, short_name


def change_time(at: datetime | str | None = None) -> datetime:
    """The time to record: ``at`` (a datetime or ISO 8601 text; UTC when no zone is
    given), else ``SOURCE_DATE_EPOCH``, else now; in UTC, to the second. Raises
    :class:`UsageError` for a time that cannot be read."""
    if at is None and os.environ.get("SOURCE_DATE_EPOCH"):
        try:
            return datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={os.environ['SOURCE_DATE_EPOCH']!r} is not a number of seconds") from None
    if at is None:
        moment = datetime.now(timezone.utc)
    elif isinstance(at, datetime):
        moment = at
    else:
        try:
            moment = datetime.fromisoformat(str(at).replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(f"--at {at!r} is not an ISO 8601 date and time (2026-01-31T12:00:00Z)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def _differences(old: Graph, new: Graph, node: URIRef) -> list[str]:
    lines = []
    for predicate in sorted(set(old.predicates(node)) | set(new.predicates(node))):
        before = sorted(short_name(o) for o in old.objects(node, predicate))
        after = sorted(short_name(o) for o in new.objects(node, predicate))
        if before != after:
            lines.append(f"{short_name(node)}: {short_name(predicate)} {', '.join(before) or '(none)'} → "
                         f"{', '.join(after) or '(none)'}")
    return lines


def change_record(
    *,
    kind: str,
    nodes: Sequence[URIRef],
    removals: Mapping[URIRef, Graph],
    additions: Mapping[URIRef, Graph],
    reason: str | None,
    at: datetime,
) -> tuple[URIRef, Graph]:
    """The ``prov:Activity`` of a ``kind`` ("remove" or "replace") change of ``nodes``,
    which takes ``removals`` out of and puts ``additions`` into their graphs: its IRI and
    its statements (for graph:curation). The IRI is the time and a digest of the change."""
    graphs = sorted(set(removals) | set(additions))
    digest = hashlib.sha256()
    for name in graphs:
        for mark, part in (("-", removals.get(name)), ("+", additions.get(name))):
            for line in sorted(f"{mark} {s.n3()} {p.n3()} {o.n3()} {name.n3()}" for s, p, o in (part or ())):
                digest.update(line.encode("utf-8") + b"\n")
    stamp = at.strftime("%Y%m%dT%H%M%SZ")
    activity = CHANGE[f"{stamp}-{kind}-{digest.hexdigest()[:8]}"]
    record = Graph()
    names = ", ".join(short_name(n) for n in nodes)
    where = ", ".join(short_name(g) for g in graphs)
    verb = "Replaced" if kind == "replace" else "Removed"
    preposition = "in" if kind == "replace" else "from"
    record.add((activity, RDF.type, PROV.Activity))
    record.add((activity, RDFS.label, Literal(f"{verb} {names} {preposition} {where}", lang="en")))
    record.add((activity, PROV.startedAtTime, Literal(at.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)))
    old, new = Graph(), Graph()
    for part in removals.values():
        old += part
    for part in additions.values():
        new += part
    for graph in graphs:
        record.add((activity, PROV.used, graph))
    for node in nodes:
        record.add((activity, PROV.invalidated, node))
        if kind == "replace":
            record.add((activity, PROV.generated, node))
    details = [line for node in nodes for line in _differences(old, new, node)]
    if details:
        record.add((activity, RDFS.comment, Literal("; ".join(details), lang="en")))
    if reason:
        record.add((activity, DCTERMS.description, Literal(reason, lang="en")))
    return activity, record

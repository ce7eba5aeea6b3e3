"""Write query results as a readable table or in the SPARQL 1.1 result formats
(CSV, TSV, JSON, XML), independently of the engine that produced them."""

from __future__ import annotations

import csv
import io
import json
from enum import Enum
from collections.abc import Mapping
from typing import TextIO

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD

from kg.namespaces import PREFIXES
from kg.store.base import Rows


class ResultFormat(str, Enum):
    """Output formats of ``iokg query`` and ``iokg sparql``."""

    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    XML = "xml"


def _short(term) -> str:
    text = str(term)
    best = None
    for prefix, namespace in PREFIXES.items():
        ns = str(namespace)
        if text.startswith(ns) and (best is None or len(ns) > len(str(PREFIXES[best]))):
            best = prefix
    if best is not None:
        local = text[len(str(PREFIXES[best])):]
        if local and all(c.isalnum() or c in "-_." for c in local):
            return f"{best}:{local}"
    return f"<{text}>"


#: English labels by IRI (``Store.labels``), or a graph to read them from.
Labels = Mapping[URIRef, str] | Graph


def iris(rows: Rows) -> set[URIRef]:
    """The IRIs in ``rows``: the terms a table shows by their label."""
    return {term for row in rows.rows for term in row if isinstance(term, URIRef)}


def _label(term, labels: Labels | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        if isinstance(labels, Graph):
            for prop in (RDFS.label, SKOS.prefLabel):
                values = sorted(str(v) for v in labels.objects(term, prop) if isinstance(v, Literal) and v.language == "en")
                if values:
                    return values[0]
        elif labels is not None and term in labels:
            return labels[term]
        return _short(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def table(rows: Rows, *, labels: Labels | None = None) -> str:
    """An aligned text table, IRIs shown by their English label where ``labels`` has one."""
    if rows.boolean is not None:
        return "yes" if rows.boolean else "no"
    header = rows.variables
    # A column whose label the query returns too (?operation and ?operationLabel) shows the
    # IRI as a prefixed name, not the label twice.
    labelled = {i for i, v in enumerate(header) if f"{v}Label" in header}
    body = [
        [_short(term) if i in labelled and isinstance(term, URIRef) else _label(term, labels) for i, term in enumerate(row)]
        for row in rows.rows
    ]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in body]
    lines.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
    return "\n".join(lines)


def _csv(rows: Rows, delimiter: str) -> str:
    out = io.StringIO()
    if delimiter == ",":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(rows.variables)
        for row in rows.rows:
            writer.writerow(["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row])
        return out.getvalue()
    # TSV (SPARQL 1.1): variables with '?', terms in Turtle syntax.
    lines = ["\t".join("?" + v for v in rows.variables)]
    for row in rows.rows:
        lines.append("\t".join("" if t is None else _tsv_term(t) for t in row))
    return "\n".join(lines) + "\n"


def _tsv_term(term) -> str:
    if isinstance(term, Literal) and term.datatype in (XSD.integer, XSD.decimal, XSD.double, XSD.boolean):
        if term.datatype == XSD.integer or term.datatype == XSD.boolean:
            return str(term)
    return term.n3().replace("\t", "\\t").replace("\n", "\\n")


def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    value = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype:
        value["datatype"] = str(term.datatype)
    return value


def _json(rows: Rows) -> str:
    if rows.boolean is not None:
        doc = {"head": {}, "boolean": rows.boolean}
    else:
        bindings = [
            {v: _json_term(t) for v, t in zip(rows.variables, row) if t is not None} for row in rows.rows
        ]
        doc = {"head": {"vars": rows.variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _xml_term(term) -> str:
    from xml.sax.saxutils import escape, quoteattr

    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(str(term))}</literal>"
    if term.datatype:
        return f"<literal datatype={quoteattr(str(term.datatype))}>{escape(str(term))}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _xml(rows: Rows) -> str:
    from xml.sax.saxutils import quoteattr

    lines = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "  <head>"]
    lines += [f"    <variable name={quoteattr(v)}/>" for v in rows.variables]
    lines.append("  </head>")
    if rows.boolean is not None:
        lines.append(f"  <boolean>{'true' if rows.boolean else 'false'}</boolean>")
    else:
        lines.append("  <results>")
        for row in rows.rows:
            lines.append("    <result>")
            for v, t in zip(rows.variables, row):
                if t is not None:
                    lines.append(f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            lines.append("    </result>")
        lines.append("  </results>")
    lines.append("</sparql>")
    return "\n".join(lines) + "\n"


def format_results(rows: Rows, format: ResultFormat, *, labels: Labels | None = None) -> str:
    """``rows`` as text in ``format``; CONSTRUCT results (a graph) are always Turtle."""
    if rows.graph is not None:
        return rows.graph.serialize(format="turtle")
    format = ResultFormat(format)
    if format is ResultFormat.TABLE:
        return table(rows, labels=labels) + "\n"
    if format is ResultFormat.CSV:
        if rows.boolean is not None:
            return "boolean\r\n" + ("true" if rows.boolean else "false") + "\r\n"
        return _csv(rows, ",")
    if format is ResultFormat.TSV:
        if rows.boolean is not None:
            return "?boolean\n" + ("true" if rows.boolean else "false") + "\n"
        return _csv(rows, "\t")
    if format is ResultFormat.JSON:
        return _json(rows)
    return _xml(rows)


def write_results(rows: Rows, format: ResultFormat, out: TextIO, *, labels: Labels | None = None) -> None:
    """Write ``rows`` to ``out`` in ``format``."""
    out.write(format_results(rows, format, labels=labels))

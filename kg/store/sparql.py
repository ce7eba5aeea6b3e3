"""SPARQL text helpers shared by every store: binding parameters with a ``VALUES`` block,
telling a query from an update, and turning a parser's failure into a usage error with line
and column."""

from __future__ import annotations

import re

from kg.errors import UsageError
from kg.namespaces import PREFIXES
# comments, strings, IRIs, words and brackets: the network policy's tokenizer
from kg.policy import SPARQL_TOKEN as _TOKEN

_UPDATE_KEYWORDS = {"INSERT", "DELETE", "DROP", "CLEAR", "LOAD", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


def _update_keyword(text: str) -> str | None:
    """The keyword opening ``text`` after its prologue when it is a SPARQL Update."""
    after_prefix = False
    for match in _TOKEN.finditer(text):
        if match.lastgroup in ("comment", "iri"):
            continue
        if match.lastgroup != "word":
            return None
        word = match.group().upper()
        if after_prefix:
            after_prefix = False
        elif word == "PREFIX":
            after_prefix = True
        elif word != "BASE":
            return word if word in _UPDATE_KEYWORDS else None
    return None


def syntax_error(error: Exception, text: str) -> UsageError:
    """The usage error for a query a parser refused: an update named as such, or the line,
    column and message of the syntax error."""
    keyword = _update_keyword(text)
    if keyword:
        return UsageError(f"SPARQL Update ({keyword}) is not accepted: iokg runs read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE)")
    line = getattr(error, "lineno", None)
    column = getattr(error, "col", None)
    message = getattr(error, "msg", None) or str(error).splitlines()[0]
    message = re.sub(r"^error at \d+:\d+:\s*", "", message)
    if line is None:
        match = re.search(r"(\d+):(\d+)", str(error))
        if match:
            line, column = int(match.group(1)), int(match.group(2))
    where = f"line {line}, column {column}: " if line is not None else ""
    return UsageError(f"malformed SPARQL: {where}{message}")


def precise_error(text: str) -> Exception | None:
    """Oxigraph's parser gives the exact line and column of a syntax error; ask it."""
    import pyoxigraph

    try:
        pyoxigraph.Store().query(text, prefixes={k: str(v) for k, v in PREFIXES.items()})
    except SyntaxError as error:
        return error
    except Exception:
        return None
    return None


def _outer_group(text: str) -> int | None:
    """The offset just after the ``{`` that opens the WHERE clause of ``text`` (for a
    CONSTRUCT, its WHERE group, not its template); None when there is none."""
    depth = 0
    first = after_where = None
    seen_where = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "word" and depth == 0 and match.group().upper() == "WHERE":
            seen_where = True
        elif kind == "bracket" and match.group() == "{":
            if depth == 0:
                first = match.end() if first is None else first
                if seen_where and after_where is None:
                    after_where = match.end()
            depth += 1
        elif kind == "bracket" and match.group() == "}":
            depth -= 1
    return after_where if after_where is not None else first


def with_values(text: str, values: dict) -> str:
    """``text`` with ``VALUES (?a ?b) { (term term) }`` opening its outer group, binding each
    variable (a name without ``?``) to its term (a pyoxigraph term, written in N-Triples
    syntax). The variables are bound throughout the outer group (its patterns, FILTERs and
    OPTIONALs) but not inside sub-SELECTs, which SPARQL evaluates first. The text keeps
    its line breaks, so positions in it stay valid."""
    if not values:
        return text
    position = _outer_group(text)
    if position is None:
        return text
    names = " ".join(f"?{name}" for name in values)
    terms = " ".join(str(term) for term in values.values())
    return f"{text[:position]} VALUES ({names}) {{ ({terms}) }} {text[position:]}"

"""The network and file policy: nothing is fetched or read that the user did not name.

Default deny, for every input and every query:

- :func:`guard_query` refuses SPARQL that would reach outside the dataset: ``SERVICE``,
  ``LOAD``, and ``FROM`` / ``FROM NAMED`` of an IRI that is not one of the dataset's graphs
  (rdflib fetches such a graph from the web or reads it from a ``file:`` IRI). The query is
  parsed with rdflib's SPARQL parser, so a keyword inside a string, a comment or an IRI is
  not mistaken for one; text rdflib cannot parse is scanned with a SPARQL tokenizer instead.
- :func:`document_loader` is the only way a JSON-LD processor (pyld) reaches a document:
  it serves iokg's shipped context and the files named with ``--context``, and refuses every
  other IRI, at any depth (``@context``, ``@import``, scoped contexts of term definitions).
- :func:`check_readable` refuses special files (FIFOs, devices, sockets) before they are
  opened, so that reading an input never blocks.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from rdflib import URIRef, Variable

from kg import paths
from kg.errors import InputError, LimitError, PolicyError
from kg.namespaces import CONTEXT_IRI, PREFIXES

REMOTE_HINT = "--allow-remote permits it"

#: A pyld document loader: ``loader(url, options) -> {"document": …, "documentUrl": …}``.
DocumentLoader = Callable[[str, dict | None], dict]


def guard_query(text: str, *, graphs: Collection[str] = (), allow_remote: bool = False) -> None:
    """Refuse SPARQL ``text`` that reaches outside the dataset whose graph names are ``graphs``.

    Raises :class:`PolicyError` for ``SERVICE`` (federated query), ``LOAD``, and ``FROM`` /
    ``FROM NAMED`` of an IRI not in ``graphs``, unless ``allow_remote``;
    :class:`~kg.errors.LimitError` for brackets nested beyond the nesting-depth bound (the
    parsers recurse on them). Says nothing else about malformed SPARQL (the engine reports
    it with its position).
    """
    check_query_nesting(text)
    if allow_remote:
        return
    known = {str(graph) for graph in graphs}
    for kind, iri in _reaches(text):
        if kind.startswith("FROM") and iri is not None and iri in known:
            continue
        target = f"<{iri}>" if iri is not None else "a variable"
        if kind == "SERVICE":
            why = f"SERVICE {target}: federated queries are not run"
        elif kind == "LOAD":
            why = f"LOAD {target}: nothing is loaded from outside the dataset"
        else:
            why = f"{kind} {target}: not a graph of the dataset (its graphs are named in 'iokg stats')"
        raise PolicyError(f"refused by the network policy: {why}; {REMOTE_HINT}")


#: The keywords by which SPARQL reaches outside the dataset.
_OUTSIDE = frozenset({"SERVICE", "LOAD", "FROM", "USING"})
_LETTERS = re.compile(r"[A-Za-z]+")


def may_reach_outside(text: str) -> bool:
    """False when ``text`` cannot name SERVICE, LOAD, FROM or USING: no word outside comments,
    strings and IRIs begins with one of them (``FROM:g`` included, which a parser may read
    as FROM and ``:g``), and no ``\\u`` escape could spell one. Then the parse is not needed;
    it is most of a cold query's time."""
    if "\\u" in text or "\\U" in text:
        return True
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "word" and match.group()[0] not in "?$":
            letters = _LETTERS.match(match.group())
            if letters and letters.group().upper() in _OUTSIDE:
                return True
    return False


def _reaches(text: str) -> Iterator[tuple[str, str | None]]:
    """``(SERVICE|LOAD|FROM|FROM NAMED, iri)`` for every place ``text`` reaches outside the dataset."""
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    if not may_reach_outside(text):
        return

    try:
        parsed = parseQuery(text)
    except Exception:  # not a query: an update, or malformed
        try:
            parsed = parseUpdate(text)
        except Exception:
            yield from _scan(text)
            return
    prefixes = {**{k: str(v) for k, v in PREFIXES.items()}, **_declared(parsed)}
    for node in _walk(parsed):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            yield "SERVICE", _iri(node["term"] if "term" in node else None, prefixes)
        elif name == "Load":
            yield "LOAD", _iri(node["iri"] if "iri" in node else None, prefixes)
        elif name in ("DatasetClause", "UsingClause"):
            # CompValue.get returns the key itself for a missing key: test membership instead.
            if "named" in node:
                yield "FROM NAMED", _iri(node["named"], prefixes)
            else:
                yield "FROM", _iri(node["default"] if "default" in node else None, prefixes)


def _walk(node) -> Iterator:
    """Every node of an rdflib SPARQL parse tree (CompValues, ParseResults, lists)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(item)


def _declared(parsed) -> dict[str, str]:
    prefixes = {}
    for node in _walk(parsed):
        if getattr(node, "name", None) == "PrefixDecl":
            prefixes[str(node["prefix"]) if "prefix" in node else ""] = str(node["iri"])
    return prefixes


def _iri(term, prefixes: dict[str, str]) -> str | None:
    """The IRI a parse-tree term names (a full IRI or a prefixed name); None for a variable."""
    if isinstance(term, Variable) or term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if getattr(term, "name", None) == "pname":
        prefix = str(term["prefix"]) if "prefix" in term else ""
        return prefixes.get(prefix, prefix + ":") + (str(term["localname"]) if "localname" in term else "")
    return str(term)


#: Enough of SPARQL's lexical grammar to tell keywords from the same letters in a comment, a
#: string or an IRI (the fallback for text rdflib's parser refuses but another engine may
#: take), and brackets that are syntax from those inside strings (``kg.store.sparql`` too).
SPARQL_TOKEN = _TOKEN = re.compile(
    r'(?P<comment>#[^\n]*)'
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*')"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r'|(?P<word>[?$]?[A-Za-z_][\w.-]*(?::[\w.%-]*)?|:[\w.%-]*)'
    r'|(?P<bracket>[()\[\]{}])',
    re.DOTALL,
)


def check_query_nesting(text: str) -> None:
    """Refuse SPARQL whose brackets ``( [ {`` nest deeper than the nesting-depth bound
    (rdflib's parser recurses on them and can overflow the C stack)."""
    from kg.bounds import limits

    bound = limits()
    depth = 0
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "bracket":
            continue
        if match.group() in "([{":
            depth += 1
            if depth > bound.nesting_depth:
                line = text.count("\n", 0, match.start()) + 1
                raise LimitError(f"the query nests brackets deeper than {bound.nesting_depth} levels, at line {line} "
                                 f"{bound.hint('nesting_depth')}")
        else:
            depth = max(0, depth - 1)


def _scan(text: str) -> Iterator[tuple[str, str | None]]:
    """Tokenize ``text`` and report every SERVICE, LOAD and FROM, conservatively."""
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text) if m.lastgroup not in ("comment", "bracket")]
    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    for index, (kind, value) in enumerate(tokens):
        if kind != "word":
            continue
        word = value.upper()
        following = [t for t in tokens[index + 1: index + 4]]
        if word == "PREFIX" and len(following) >= 2 and following[1][0] == "iri":
            prefixes[following[0][1].rstrip(":")] = following[1][1][1:-1]
        elif word in ("SERVICE", "LOAD", "FROM", "USING"):
            named = any(t[1].upper() == "NAMED" for t in following[:1])
            rest = [t for t in following if t[1].upper() not in ("SILENT", "NAMED")]
            target = None
            if rest and rest[0][0] == "iri":
                target = rest[0][1][1:-1]
            elif rest and rest[0][0] == "word" and ":" in rest[0][1] and not rest[0][1].startswith(("?", "$")):
                prefix, _, local = rest[0][1].partition(":")
                target = prefixes.get(prefix, prefix + ":") + local
            kind = "SERVICE" if word == "SERVICE" else "LOAD" if word == "LOAD" else "FROM"
            yield (kind + " NAMED" if named and kind == "FROM" else kind), target


# JSON-LD ------------------------------------------------------------------------------------


_CONTEXTS: ContextVar[tuple[str | Path, ...]] = ContextVar("iokg_contexts", default=())


def allowed_contexts() -> tuple[str | Path, ...]:
    """The ``--context`` files (``FILE`` or ``IRI=FILE``) in effect; none by default."""
    return _CONTEXTS.get()


@contextmanager
def allowing(contexts: Sequence[str | Path]) -> Iterator[None]:
    """Let JSON-LD inputs of the block use the context files ``contexts`` (``--context``)."""
    token = _CONTEXTS.set(tuple(contexts))
    try:
        yield
    finally:
        _CONTEXTS.reset(token)


def shipped_context() -> dict:
    """iokg's JSON-LD context document (``kg/data/context.jsonld``)."""
    path = paths.DATA_DIR / "context.jsonld"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read iokg's JSON-LD context: {error}", path=path) from None


def context_files(specs: Sequence[str | Path]) -> dict[str, Path]:
    """The IRIs the ``--context`` options serve, each to its file: ``FILE`` serves the file
    at its own ``file:`` IRI (a relative reference next to the document resolves to it);
    ``IRI=FILE`` serves a local copy of a remote context under the remote IRI."""
    served: dict[str, Path] = {}
    for spec in specs:
        text = str(spec)
        iri, eq, file = text.partition("=")
        if eq and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
            path = Path(file)
        else:
            iri, path = "", Path(text)
        check_readable(path)
        if not path.is_file():
            raise InputError("no such context file", path=path)
        served[iri or path.resolve().as_uri()] = path
    return served


def document_loader(*, contexts: Sequence[str | Path] = (), base: str | None = None) -> DocumentLoader:
    """A pyld document loader that serves iokg's shipped context (at :data:`CONTEXT_IRI`) and
    the files named with ``--context`` (see :func:`context_files`), and refuses every other
    IRI with a ``jsonld.LoadDocumentError`` naming it: no network, no other local file.
    A relative reference is resolved against ``base`` (the document's own IRI)."""
    served = context_files(contexts)

    def load(url: str, options: dict | None = None) -> dict:
        from urllib.parse import urljoin

        from pyld.jsonld import JsonLdError

        if base and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url):
            url = urljoin(base, url)

        if url == CONTEXT_IRI:
            document = shipped_context()
        elif url in served:
            try:
                document = json.loads(served[url].read_text(encoding="utf-8-sig"))
            except (OSError, ValueError) as error:
                raise InputError(f"not a JSON-LD context: {error}", path=served[url]) from None
        else:
            raise JsonLdError(
                f"JSON-LD context {url} is not fetched",
                "jsonld.LoadDocumentError",
                {"url": url},
                code="loading remote context failed",
            )
        return {"contextUrl": None, "documentUrl": url, "document": document, "contentType": "application/ld+json"}

    return load


def refused_context(error: BaseException) -> str | None:
    """The IRI a :func:`document_loader` refused, found in a pyld error chain; else None."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        details = getattr(error, "details", None)
        if isinstance(details, dict) and isinstance(details.get("url"), str):
            return details["url"]
        cause = getattr(error, "cause", None) or error.__cause__ or error.__context__
        error = cause if isinstance(cause, BaseException) else None
    return None


# Files ---------------------------------------------------------------------------------------


def check_readable(path: Path) -> os.stat_result:
    """Refuse ``path`` unless it is a regular file (or a folder, which the caller reports):
    a FIFO, a device or a socket could block or never end. Returns its ``stat``."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as error:
        raise InputError(error.strerror or str(error), path=path) from None
    if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
        return info
    kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode)
            else "a character device" if stat.S_ISCHR(info.st_mode)
            else "a block device" if stat.S_ISBLK(info.st_mode)
            else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
    raise PolicyError(f"{path}: is {kind}, not a regular file; iokg reads only regular files")

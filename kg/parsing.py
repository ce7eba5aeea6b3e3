"""Parse RDF files into rdflib graphs, within bounds, turning every failure into an error
that says where.

Nothing is fetched or read that the user did not name (:mod:`kg.policy`): a JSON-LD
context at any depth (``@context``, ``@import``, scoped contexts) is iokg's shipped context
or a file named with ``--context``; RDF/XML may not declare external entities; ``owl:imports``
is never followed; special files (FIFOs, devices) are refused before they are opened.

Every input is bounded (:class:`kg.bounds.Limits`, ``--limit NAME=VALUE``): file size,
literal size, IRI length, nesting depth (JSON, Turtle/TriG blank nodes and collections), XML
entity expansion (no billion laughs), and the triples of a batch validated incrementally.
Each bound fails fast with :class:`~kg.errors.LimitError` (exit 3), its own message, and the
file and line. A UTF-8 byte order mark is accepted in every format.
"""

from __future__ import annotations

import json
import logging
import re
from enum import Enum
from pathlib import Path

from rdflib import Dataset, Graph

from kg import bounds, policy
from kg.errors import InputError, LimitError, PolicyError
from kg.namespaces import CONTEXT_IRI

_LINE = re.compile(r"line (\d+)|^<[^>]*>:(\d+):(\d+):")


class _QuietIllTyped(logging.Filter):
    """rdflib logs a warning with a full traceback for every literal whose lexical form is
    not valid for its datatype ("2020-13-45"^^xsd:date). Such literals are reported to the
    user by validation (a person-readable result, not a traceback), so the log is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form")


logging.getLogger("rdflib.term").addFilter(_QuietIllTyped())

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_INTEGER = re.compile(r"[+-]?[0-9]+")


def _strict(pattern: re.Pattern, convert, name: str):
    def parse(lexical: str):
        if not pattern.fullmatch(lexical):
            raise ValueError(f"{lexical!r} is not in the lexical space of xsd:{name}")
        return convert(lexical)

    return parse


def _strict_numbers() -> None:
    """Make rdflib read xsd:decimal and the xsd:integer types by their XSD grammar
    (XML Schema 1.1 Part 2, 3.3.3 and 3.4.13). Python's ``Decimal`` and ``int`` also take
    "NaN", "Infinity", "1e5" and "1_000", which rdflib then treats as valid values; a
    "NaN"^^xsd:decimal made every comparison of SHACL's sh:minInclusive raise. Read by the
    grammar, such a literal is ill-typed and the shapes report it as any other."""
    from decimal import Decimal

    import rdflib.term
    from rdflib.namespace import XSD

    # rdflib.term.bind() would also add Python-to-XSD rules; only the reading side changes.
    mapping = rdflib.term._toPythonMapping
    mapping[XSD.decimal] = _strict(_DECIMAL, Decimal, "decimal")
    for datatype, python in list(mapping.items()):
        if python is int and str(datatype).startswith(str(XSD)):
            mapping[datatype] = _strict(_INTEGER, int, str(datatype).removeprefix(str(XSD)))


_strict_numbers()


class InputFormat(str, Enum):
    """RDF formats iokg reads, with the rdflib parser name as value."""

    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    NQUADS = "nquads"
    TRIG = "trig"
    JSONLD = "json-ld"
    RDFXML = "xml"

    @classmethod
    def from_name(cls, name: str) -> "InputFormat":
        """A format from a user's name for it (``ttl``, ``nt``, ``jsonld``, ``rdfxml`` …)."""
        key = name.lower().lstrip(".")
        aliases = {
            "ttl": cls.TURTLE, "turtle": cls.TURTLE,
            "nt": cls.NTRIPLES, "ntriples": cls.NTRIPLES, "n-triples": cls.NTRIPLES,
            "nq": cls.NQUADS, "nquads": cls.NQUADS, "n-quads": cls.NQUADS,
            "trig": cls.TRIG,
            "jsonld": cls.JSONLD, "json-ld": cls.JSONLD, "json": cls.JSONLD,
            "rdf": cls.RDFXML, "xml": cls.RDFXML, "rdfxml": cls.RDFXML, "rdf/xml": cls.RDFXML, "owl": cls.RDFXML,
        }
        if key not in aliases:
            raise InputError(f"unknown RDF format {name!r}; use one of: ttl, nt, nq, trig, jsonld, rdf")
        return aliases[key]

    @property
    def oxigraph(self):
        import pyoxigraph

        return {
            InputFormat.TURTLE: pyoxigraph.RdfFormat.TURTLE,
            InputFormat.NTRIPLES: pyoxigraph.RdfFormat.N_TRIPLES,
            InputFormat.NQUADS: pyoxigraph.RdfFormat.N_QUADS,
            InputFormat.TRIG: pyoxigraph.RdfFormat.TRIG,
            InputFormat.RDFXML: pyoxigraph.RdfFormat.RDF_XML,
        }.get(self)


# Reading ------------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """The text of ``path``: a regular file within the file-size bound, UTF-8 (a byte order
    mark is dropped). Raises :class:`InputError` (not found, a folder, not UTF-8),
    :class:`PolicyError` (a FIFO or device) or :class:`LimitError` (too large)."""
    return _read(path)[1]


def _read(path: Path) -> tuple[bytes, str]:
    """The bytes (without a byte order mark) and the text of ``path``, as :func:`read_text`."""
    path = Path(path)
    info = policy.check_readable(path)
    if path.is_dir():
        raise InputError("is a directory, not a file", path=path)
    limit = bounds.limits()
    if info.st_size > limit.file_size:
        raise LimitError(f"file of {info.st_size} bytes is too large {limit.hint('file_size')}", path=path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(error.strerror or str(error), path=path) from None
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw, raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{raw[error.start]:02x}: {error.reason}); save the file as UTF-8",
            path=path, line=line, column=column,
        ) from None


_read_text = read_text


def _line_at(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


# Bounds on the text, checked before any parser sees it --------------------------------------

# Strings, IRIs and comments of Turtle/TriG (where brackets are not syntax), and brackets.
_TURTLE_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*|[\[\]()]',
    re.DOTALL,
)
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_OPEN = {"[": "]", "(": ")", "{": "}"}


def _check_nesting(text: str, format: InputFormat, path: Path) -> None:
    """Refuse nesting deeper than the bound (parsers recurse on it) before parsing."""
    if format is InputFormat.JSONLD:
        token = _JSON_TOKEN
    elif format in (InputFormat.TURTLE, InputFormat.TRIG):
        if "[" not in text and "(" not in text:
            return
        token = _TURTLE_TOKEN
    else:
        return
    limit = bounds.limits().nesting_depth
    depth = 0
    for match in token.finditer(text):
        char = match.group()
        if char in _OPEN:
            depth += 1
            if depth > limit:
                line, column = _line_at(text, match.start())
                what = "JSON arrays and objects" if format is InputFormat.JSONLD else "blank nodes and collections"
                raise LimitError(f"{what} nested deeper than {limit} levels {bounds.limits().hint('nesting_depth')}",
                                 path=path, line=line, column=column)
        elif char in "]})":
            depth = max(0, depth - 1)


_DOCTYPE = re.compile(r"<!DOCTYPE\b(?:[^\[>]*\[(?P<subset>.*?)\]\s*)?[^>]*>", re.DOTALL | re.IGNORECASE)
_ENTITY = re.compile(r"<!ENTITY\s+(?P<parameter>%\s+)?(?P<name>[^\s%]+)\s+(?P<rest>[^>]*)>", re.IGNORECASE)
_EXTERNAL = re.compile(r"<!ENTITY[^>]*\b(SYSTEM|PUBLIC)\b", re.IGNORECASE)
_REFERENCE = re.compile(r"&([A-Za-z_:][\w.:-]*);")
_XML_BUILTIN = {"lt", "gt", "amp", "apos", "quot"}


def _check_entities(text: str, path: Path) -> None:
    """RDF/XML: refuse external and parameter entities, and internal entities whose
    references would expand to more characters than the bound (the billion laughs)."""
    external = _EXTERNAL.search(text)
    if external:
        line, _ = _line_at(text, external.start())
        raise PolicyError(f"{path}:{line}: RDF/XML declares an external entity; external entities are not resolved")
    doctype = _DOCTYPE.search(text)
    if not doctype or not doctype.group("subset"):
        return
    declared: dict[str, tuple[str, int]] = {}
    for match in _ENTITY.finditer(doctype.group("subset")):
        offset = doctype.start("subset") + match.start()
        if match.group("parameter"):
            line, _ = _line_at(text, offset)
            raise InputError("RDF/XML declares a parameter entity; they are not supported", path=path, line=line)
        value = match.group("rest").strip()
        declared[match.group("name")] = (value[1:-1] if value[:1] in "\"'" else value, offset)
    limit = bounds.limits().entity_expansion
    sizes: dict[str, int] = {}

    def size(name: str, stack: tuple[str, ...]) -> int:
        if name in sizes:
            return sizes[name]
        if name not in declared or name in stack:
            return len(name) + 2
        value = declared[name][0]
        total = len(_REFERENCE.sub("", value))
        for reference in _REFERENCE.findall(value):
            total += size(reference, stack + (name,))
            if total > limit:
                break
        sizes[name] = total
        return total

    body = text[doctype.end():]
    total = 0
    for reference in _REFERENCE.finditer(body):
        name = reference.group(1)
        if name in _XML_BUILTIN or name not in declared:
            continue
        total += size(name, ())
        if total > limit:
            line, _ = _line_at(text, declared[name][1])
            raise LimitError(
                f"XML entity &{name}; (declared here) makes the document expand to more than {limit} characters; "
                f"refused (billion laughs) {bounds.limits().hint('entity_expansion')}", path=path, line=line)


def _find_long(text: str, length: int, opening: str) -> tuple[int | None, int | None]:
    """Line and column of the first literal (``opening`` '"') or IRI ('<') longer than ``length``."""
    pattern = r'"[^"]{%d,}' % length if opening == '"' else r"<[^>\s]{%d,}" % length
    match = re.search(pattern, text)
    return _line_at(text, match.start()) if match else (None, None)


def _check_terms(quad, limit: bounds.Limits, text: str, path: Path) -> None:
    """Refuse a literal or an IRI of ``quad`` (pyoxigraph) beyond its bound."""
    import pyoxigraph

    for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
        if isinstance(term, pyoxigraph.Literal):
            if len(term.value) > limit.literal_size:
                line, column = _find_long(text, limit.literal_size, '"')
                raise LimitError(f"literal of {len(term.value)} characters is too large {limit.hint('literal_size')}",
                                 path=path, line=line, column=column)
        elif isinstance(term, pyoxigraph.NamedNode) and len(term.value) > limit.iri_length:
            line, column = _find_long(text, limit.iri_length, "<")
            raise LimitError(f"IRI of {len(term.value)} characters is too long {limit.hint('iri_length')}",
                             path=path, line=line, column=column)


def _long_line(text: str, length: int) -> bool:
    """Whether any line of ``text`` is longer than ``length`` characters (a regex anchored at
    line starts, so each line is scanned once)."""
    return re.search(r"(?m)^[^\n]{%d}" % (length + 1), text) is not None


# Syntax, with positions from Oxigraph's parser ----------------------------------------------


def _check_syntax(
    text: str, format: InputFormat, path: Path, *, triples: bool = False, raw: bytes | None = None
) -> int:
    """Check the syntax of ``text`` (``raw``: its UTF-8 bytes, when at hand) with Oxigraph's
    streaming parser (exact positions) and the literal, IRI and (with ``triples``) batch-size
    bounds; return the number of quads."""
    import pyoxigraph

    if format.oxigraph is None:
        return 0
    limit = bounds.limits()
    terms = format is InputFormat.RDFXML or _long_line(text, min(limit.literal_size, limit.iri_length))
    if not terms and format in (InputFormat.TURTLE, InputFormat.TRIG):
        terms = '"""' in text or "'''" in text
    count = 0
    try:
        data = raw if raw is not None else text.encode("utf-8")
        for quad in pyoxigraph.parse(data, format=format.oxigraph, base_iri=path.resolve().as_uri()):
            count += 1
            if terms:
                _check_terms(quad, limit, text, path)
            if triples and count > limit.triples:
                raise LimitError(_too_many(limit), path=path)
    except SyntaxError as error:
        line, column = error.lineno, error.offset
        if line is None and format is InputFormat.RDFXML:
            line, column = _xml_position(text)
        why = re.sub(r"^Parser error (at|between) [^:]*: ", "", str(error))
        why = re.sub(r" \(line \d+\)$", "", why)
        raise InputError(f"invalid {format.name.lower()}: {why}", path=path, line=line, column=column) from None
    except MemoryError as error:  # Oxigraph's parser buffer (16 MiB) for one token
        line, column = _find_long(text, limit.literal_size, '"')
        if line is None:
            line, column = _find_long(text, limit.iri_length, "<")
        raise LimitError(f"a term too large for the parser ({error}) {limit.hint('literal_size')}",
                         path=path, line=line, column=column) from None
    return count


def _check_size(path: Path, format: InputFormat) -> None:
    """Refuse a batch of more triples than the bound up front: count them with Oxigraph's
    streaming parser straight from the file, stopping one past the bound, before the file is
    read into memory. Syntax errors are left to the full check."""
    import pyoxigraph

    if format.oxigraph is None:
        return
    limit = bounds.limits()
    if path.stat().st_size <= limit.triples * 40:  # no triple is written in under 40 bytes... nearly
        return
    count = 0
    try:
        for _ in pyoxigraph.parse(path=str(path), format=format.oxigraph, base_iri=path.resolve().as_uri()):
            count += 1
            if count > limit.triples:
                raise LimitError(_too_many(limit), path=path)
    except (SyntaxError, MemoryError, OSError):
        return


def _too_many(limit: bounds.Limits) -> str:
    return (f"more than {limit.triples} triples: too large to validate incrementally in one file "
            f"{limit.hint('triples')}; split it into files of at most {limit.triples} triples and 'iokg add' them "
            "one after another (each is validated against the graph and the parts added before it)")


def _xml_position(text: str) -> tuple[int | None, int | None]:
    """Line and column (1-based) of the first XML well-formedness error, from expat (Oxigraph's
    RDF/XML parser does not report positions). Entities are checked before this."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    try:
        parser.Parse(text.encode("utf-8"), True)
    except expat.ExpatError as error:
        return error.lineno, error.offset + 1
    return None, None


def _check_text(text: str, format: InputFormat, path: Path, *, triples: bool = False, raw: bytes | None = None) -> None:
    """Every bound and the syntax of ``text``, before rdflib parses it."""
    if format is InputFormat.RDFXML:
        _check_entities(text, path)
    _check_nesting(text, format, path)
    _check_syntax(text, format, path, triples=triples, raw=raw)


def _rdflib_error(error: Exception, text: str, format: InputFormat, path: Path) -> InputError:
    line, column = _position(error, text)
    why = getattr(error, "_why", None) or (str(error).strip().splitlines() or [type(error).__name__])[-1]
    why = re.sub(r"^<[^>]*>:\d+:\d+: ", "", why)
    return InputError(f"invalid {format.name.lower()}: {why}", path=path, line=line, column=column)


def _position(error: Exception, text: str) -> tuple[int | None, int | None]:
    """Line and column (1-based) of an rdflib parser error, where the parser tells."""
    offset = getattr(error, "_i", None)
    if isinstance(offset, int) and 0 <= offset <= len(text):
        return _line_at(text, offset)
    match = _LINE.search(str(error))
    if match and match.group(2):  # xml.sax: "<unknown>:LINE:COLUMN: message", column 0-based
        return int(match.group(2)), int(match.group(3)) + 1
    return (int(match.group(1)) if match else None), None


# Public verbs ---------------------------------------------------------------------------------


def parse_file(path: Path, *, format: str = "turtle") -> Graph:
    """Parse one RDF file (triples) within the bounds.

    Raises :class:`InputError` with file, line and column when it is not valid,
    :class:`LimitError` when a bound is passed, :class:`PolicyError` for a special file.
    """
    path = Path(path)
    fmt = InputFormat(format) if format in {f.value for f in InputFormat} else InputFormat.from_name(format)
    text = read_text(path)
    if fmt is InputFormat.RDFXML:
        _check_entities(text, path)
    _check_nesting(text, fmt, path)
    graph = Graph()
    try:
        graph.parse(data=text, format=fmt.value, publicID=path.resolve().as_uri())
    except Exception as error:  # rdflib raises many types; all mean "not valid RDF"
        _check_syntax(text, fmt, path)  # Oxigraph says where, when it sees the error too
        raise _rdflib_error(error, text, fmt, path) from None
    return graph


def guess_format(path: Path) -> InputFormat:
    """The format of ``path`` from its extension."""
    suffix = Path(path).suffix
    if not suffix:
        raise InputError("cannot tell the RDF format from the file name; give --input-format", path=path)
    try:
        return InputFormat.from_name(suffix)
    except InputError:
        raise InputError(
            f"cannot tell the RDF format from the extension {suffix!r} (known: .ttl, .nt, .nq, .trig, .jsonld, .rdf); "
            "give --input-format", path=path) from None


def _jsonld_quads(text: str, path: Path) -> tuple[str, dict[str, str]]:
    """JSON-LD ``text`` as N-Quads, by pyld with :func:`kg.policy.document_loader` (the only
    way to a context: iokg's shipped one and the ``--context`` files), and the prefixes its
    contexts define (for locating nodes in the text)."""
    from pyld import jsonld

    _check_nesting(text, InputFormat.JSONLD, path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        hint = " (the file ends before the JSON does: is it truncated?)" if error.pos >= len(text.rstrip()) else ""
        raise InputError(f"invalid JSON: {error.msg}{hint}", path=path, line=error.lineno, column=error.colno) from None
    if not isinstance(document, (dict, list)):
        raise InputError(f"a JSON-LD document is a JSON object or array, not a {type(document).__name__}", path=path)
    loader = policy.document_loader(contexts=policy.allowed_contexts(), base=path.resolve().as_uri())
    try:
        quads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader,
                                         "base": path.resolve().as_uri()})
        return quads, _jsonld_prefixes(document, loader)
    except (InputError, LimitError):
        raise
    except Exception as error:  # pyld's JsonLdError, with the refused IRI in its chain
        refused = policy.refused_context(error)
        if refused is not None:
            line = _line_at(text, text.find(refused))[0] if refused in text else None
            where = f"{path}:{line}" if line else str(path)
            raise PolicyError(
                f"{where}: remote JSON-LD @context {refused!r} is not fetched; inline the context, use {CONTEXT_IRI}, "
                "or give a local copy with --context FILE (or --context IRI=FILE)") from None
        raise InputError(f"invalid JSON-LD: {_jsonld_reason(error)}", path=path) from None


def _jsonld_prefixes(node, loader) -> dict[str, str]:
    """Terms of the contexts in ``node`` that map to an IRI ending in ``/`` or ``#`` (prefixes);
    the contexts it references by IRI are read through ``loader`` (already allowed)."""
    found: dict[str, str] = {}
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            context = item.get("@context")
            for part in context if isinstance(context, list) else [context]:
                if isinstance(part, str):
                    part = loader(part, None)["document"].get("@context", {})
                if isinstance(part, dict):
                    for term, value in part.items():
                        iri = value.get("@id") if isinstance(value, dict) else value
                        if not term.startswith("@") and isinstance(iri, str) and iri.endswith(("/", "#")):
                            found.setdefault(term, iri)
            stack.extend(value for key, value in item.items() if key != "@context")
    return found


def _jsonld_reason(error: BaseException) -> str:
    """The innermost message of a pyld error chain (its outer ones say only "could not expand")."""
    reason = str(error)
    while error is not None:
        message = getattr(error, "message", None) or (error.args[0] if error.args else "")
        if message:
            reason = str(message)
        error = getattr(error, "cause", None) or error.__cause__
    return reason


def read_input(path: Path, *, format: InputFormat | str | None = None) -> tuple[Dataset, str]:
    """Read an RDF file of any supported format into a ``Dataset`` (named graphs kept, triples
    in the default graph) and return it with the file's text, for locating nodes in it.

    Raises :class:`InputError` with file, line and column for anything that is not valid;
    :class:`PolicyError` for what would need the network or another file;
    :class:`LimitError` when a bound is passed (more than ``triples`` triples among them:
    said up front, before validation starts).
    """
    path = Path(path)
    if policy.check_readable(path) and path.is_dir():
        raise InputError("is a directory, not a file", path=path)
    fmt = InputFormat(format) if isinstance(format, InputFormat) else (
        InputFormat.from_name(format) if format else guess_format(path)
    )
    _check_size(path, fmt)
    raw, text = _read(path)
    data, data_format, prefixes = text, fmt, {}
    if fmt is InputFormat.JSONLD:
        data, prefixes = _jsonld_quads(text, path)
        data_format = InputFormat.NQUADS
        _check_syntax(data, data_format, path, triples=True)
    else:
        _check_text(text, fmt, path, triples=True, raw=raw)
    del raw
    dataset = Dataset()
    for prefix, namespace in prefixes.items():
        dataset.bind(prefix, namespace)
    try:
        dataset.parse(data=data, format=data_format.value, publicID=path.resolve().as_uri())
    except (InputError, LimitError, PolicyError):
        raise
    except Exception as error:
        raise _rdflib_error(error, data, fmt, path) from None
    return dataset, text

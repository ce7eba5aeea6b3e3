"""Parse RDF files into rdflib graphs, turning parser failures into errors that say where.

Input files are never fetched from or resolved on the network: a JSON-LD ``@context`` must
be inline or iokg's own shipped context, RDF/XML may not declare external entities, and
``owl:imports`` is never followed.
"""

from __future__ import annotations

import json
import logging
import re
from enum import Enum
from pathlib import Path

from rdflib import Dataset, Graph

from kg.errors import InputError

_LINE = re.compile(r"line (\d+)")


class _QuietIllTyped(logging.Filter):
    """rdflib logs a warning with a full traceback for every literal whose lexical form is
    not valid for its datatype ("2020-13-45"^^xsd:date). Such literals are reported to the
    user by validation (a person-readable result, not a traceback), so the log is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form")


logging.getLogger("rdflib.term").addFilter(_QuietIllTyped())
_OX_POSITION = re.compile(r"line (\d+)(?: column (\d+)| between columns (\d+))?")


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


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=path) from None
    except UnicodeDecodeError as error:
        raw = error.object
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{raw[error.start]:02x}: {error.reason}); save the file as UTF-8",
            path=path, line=line, column=column,
        ) from None
    except OSError as error:
        raise InputError(error.strerror or str(error), path=path) from None


def parse_file(path: Path, *, format: str = "turtle") -> Graph:
    """Parse one RDF file (triples); raise :class:`InputError` with file and line when it is
    not valid."""
    path = Path(path)
    text = _read_text(path)
    graph = Graph()
    try:
        graph.parse(data=text, format=format, publicID=path.resolve().as_uri())
    except Exception as error:  # rdflib raises many types; all mean "not valid RDF"
        line, column = _position(error, text)
        why = getattr(error, "_why", None) or str(error).strip().splitlines()[-1]
        raise InputError(f"invalid {format}: {why}", path=path, line=line, column=column) from None
    return graph


def _position(error: Exception, text: str) -> tuple[int | None, int | None]:
    """Line and column (1-based) of a parser error, where the parser tells."""
    offset = getattr(error, "_i", None)
    if isinstance(offset, int) and 0 <= offset <= len(text):
        line = text.count("\n", 0, offset) + 1
        return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
    match = _LINE.search(str(error))
    return (int(match.group(1)) if match else None), None


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


_ENTITY = re.compile(r"<!ENTITY[^>]*\b(SYSTEM|PUBLIC)\b", re.IGNORECASE)


def _check_syntax(text: str, format: InputFormat, path: Path) -> None:
    """Check syntax with Oxigraph's parser, which reports exact positions."""
    import pyoxigraph

    if format.oxigraph is None:
        return
    try:
        for _ in pyoxigraph.parse(text.encode("utf-8"), format=format.oxigraph, base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as error:
        message = str(error)
        line = column = None
        match = _OX_POSITION.search(message)
        if match:
            line = int(match.group(1))
            column = int(match.group(2) or match.group(3)) if (match.group(2) or match.group(3)) else None
        if line is None and format is InputFormat.RDFXML:
            line, column = _xml_position(text)
        why = re.sub(r"^Parser error (at|between) [^:]*: ", "", message)
        why = re.sub(r" \(line \d+\)$", "", why)
        raise InputError(f"invalid {format.name.lower()}: {why}", path=path, line=line, column=column) from None


def _xml_position(text: str) -> tuple[int | None, int | None]:
    """Line and column (1-based) of the first XML well-formedness error, from expat (Oxigraph's
    RDF/XML parser does not report positions). External entities are refused before this."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    try:
        parser.Parse(text.encode("utf-8"), True)
    except expat.ExpatError as error:
        return error.lineno, error.offset + 1
    return None, None


def _jsonld_context(node, path: Path, text: str):
    """Replace iokg's own context IRI by the shipped context; refuse any other remote one."""
    from kg import paths

    local = paths.DATA_DIR / "context.jsonld"
    if isinstance(node, dict):
        result = {}
        for key, value in node.items():
            if key == "@context":
                result[key] = _resolve_context(value, path, text, local)
            else:
                result[key] = _jsonld_context(value, path, text)
        return result
    if isinstance(node, list):
        return [_jsonld_context(v, path, text) for v in node]
    return node


CONTEXT_IRI = "https://w3id.org/iokg/context.jsonld"


def _resolve_context(value, path: Path, text: str, local: Path):
    if isinstance(value, list):
        return [_resolve_context(v, path, text, local) for v in value]
    if isinstance(value, str):
        if value == CONTEXT_IRI and local.is_file():
            return json.loads(local.read_text(encoding="utf-8"))["@context"]
        line = text[: text.find(value)].count("\n") + 1 if value in text else None
        raise InputError(
            f"remote JSON-LD @context {value!r} is not fetched; inline the context or use {CONTEXT_IRI}",
            path=path,
            line=line,
        )
    return value


def read_input(path: Path, *, format: InputFormat | str | None = None) -> tuple[Dataset, str]:
    """Read an RDF file of any supported format into a ``Dataset`` (named graphs kept, triples
    in the default graph) and return it with the file's text, for locating nodes in it.

    Raises :class:`InputError` with file, line and column for anything that is not valid,
    or that would need the network.
    """
    path = Path(path)
    fmt = InputFormat(format) if isinstance(format, InputFormat) else (
        InputFormat.from_name(format) if format else guess_format(path)
    )
    text = _read_text(path)
    data = text
    if fmt is InputFormat.RDFXML:
        match = _ENTITY.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            raise InputError("RDF/XML declares an external entity; external entities are not resolved", path=path, line=line)
    if fmt is InputFormat.JSONLD:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            hint = " (the file ends before the JSON does: is it truncated?)" if error.pos >= len(text.rstrip()) else ""
            raise InputError(f"invalid JSON: {error.msg}{hint}", path=path, line=error.lineno, column=error.colno) from None
        data = json.dumps(_jsonld_context(document, path, text))
    else:
        _check_syntax(text, fmt, path)
    dataset = Dataset()
    try:
        dataset.parse(data=data, format=fmt.value, publicID=path.resolve().as_uri())
    except InputError:
        raise
    except Exception as error:
        line, column = _position(error, data)
        why = getattr(error, "_why", None) or str(error).strip().splitlines()[-1]
        raise InputError(f"invalid {fmt.name.lower()}: {why}", path=path, line=line, column=column) from None
    return dataset, text

"""Parse RDF files into rdflib graphs, turning parser failures into errors that say where."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph

from kg.errors import InputError

_LINE = re.compile(r"line (\d+)")


def parse_file(path: Path, *, format: str = "turtle") -> Graph:
    """Parse one RDF file; raise :class:`InputError` with file and line when it is not valid."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text ({error.reason} at byte {error.start})", path=path) from None
    except OSError as error:
        raise InputError(error.strerror or str(error), path=path) from None
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

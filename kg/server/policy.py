"""What the server refuses to run on a client's behalf: ``SERVICE`` (a query to another
endpoint), ``LOAD`` and ``FROM``/``FROM NAMED`` of anything outside the dataset. The rule is
``kg.policy.guard_query``, the same for the command line and the server."""

from __future__ import annotations

from collections.abc import Collection

try:
    from kg.policy import guard_query
except ImportError:  # until kg.policy lands: the same refusals, found lexically
    guard_query = None

from kg.errors import PolicyError
from kg.server.sparql import _LEXEME


def guard(text: str, *, graphs: Collection = ()) -> None:
    """Raise :class:`PolicyError` when ``text`` would reach outside the dataset."""
    names = [str(g) for g in graphs]
    if guard_query is not None:
        guard_query(text, graphs=names, allow_remote=False)
        return
    previous = None
    for match in _LEXEME.finditer(text):
        if match.lastgroup == "skip" and not match.group().startswith("<"):
            continue
        token = match.group()
        upper = token.upper()
        if match.lastgroup == "word" and upper in ("SERVICE", "LOAD"):
            raise PolicyError(f"{upper} is refused: iokg never reaches another endpoint or URL on a client's behalf")
        if previous in ("FROM", "NAMED") and token.upper() != "NAMED" and _expand(token) not in names:
            raise PolicyError(f"FROM {token} is refused: only the dataset's own graphs can be named "
                              f"(GET /sparql lists them)")
        previous = upper if match.lastgroup == "word" or token.startswith("<") else previous


def _expand(token: str) -> str:
    from kg.namespaces import PREFIXES

    if token.startswith("<"):
        return token[1:-1]
    prefix, _, local = token.partition(":")
    return str(PREFIXES[prefix]) + local if prefix in PREFIXES else token

"""What the server refuses to run on a client's behalf: ``SERVICE`` (a query to another
endpoint), ``LOAD`` and ``FROM``/``FROM NAMED`` of anything outside the dataset. The rule is
:func:`kg.policy.guard_query`, the same for the command line and the server; a server never
allows remote access."""

from __future__ import annotations

from collections.abc import Collection

from kg.errors import PolicyError
from kg.policy import REMOTE_HINT, guard_query
from kg.server.sparql import _LEXEME

#: The keywords through which SPARQL reaches outside the dataset (Query sections 13.2 and
#: SPARQL 1.1 Federated Query; Update sections 3.1.3 and 3.2.1).
_REACHING = frozenset({"SERVICE", "LOAD", "FROM", "USING"})


def reaches(text: str) -> bool:
    """Whether ``text`` holds one of :data:`_REACHING` as a keyword (not in a comment, string,
    IRI or prefixed name): only then can it reach outside the dataset."""
    return any(m.lastgroup == "word" and m.group().upper() in _REACHING for m in _LEXEME.finditer(text))


def guard(text: str, *, graphs: Collection = ()) -> None:
    """Raise :class:`kg.errors.PolicyError` when ``text`` would reach outside the dataset
    (without the command line's hint about ``--allow-remote``: a server has no such option).
    A text without a reaching keyword is let through without parsing it again."""
    if not reaches(text):
        return
    try:
        guard_query(text, graphs=[str(g) for g in graphs], allow_remote=False)
    except PolicyError as error:
        raise PolicyError(str(error).replace(f"; {REMOTE_HINT}", "")) from None

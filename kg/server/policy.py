"""What the server refuses to run on a client's behalf: ``SERVICE`` (a query to another
endpoint), ``LOAD`` and ``FROM``/``FROM NAMED`` of anything outside the dataset. The rule is
:func:`kg.policy.guard_query`, the same for the command line and the server; a server never
allows remote access."""

from __future__ import annotations

from collections.abc import Collection

from kg.errors import PolicyError
from kg.policy import REMOTE_HINT, guard_query


def guard(text: str, *, graphs: Collection = ()) -> None:
    """Raise :class:`kg.errors.PolicyError` when ``text`` would reach outside the dataset
    (without the command line's hint about ``--allow-remote``: a server has no such option)."""
    try:
        guard_query(text, graphs=[str(g) for g in graphs], allow_remote=False)
    except PolicyError as error:
        raise PolicyError(str(error).replace(f"; {REMOTE_HINT}", "")) from None

"""What a SPARQL request is, read from its text before anything runs: the query form
(SELECT, ASK, CONSTRUCT, DESCRIBE) or the update operation it opens with.

Only the lexical level of SPARQL 1.1 (section 19.8 of the Query Language: comments,
strings, IRIs) is needed to find the first keyword after the prologue; the parser of the
engine reports every syntax error with its position.
"""

from __future__ import annotations

import re
from enum import Enum

_LEXEME = re.compile(
    r'(?P<skip>#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>|\s+)'
    r'|(?P<word>[A-Za-z_][\w-]*:?[\w.%-]*|:[\w.%-]*)|(?P<other>.)',
    re.DOTALL,
)

#: The operations that open a SPARQL 1.1 Update request (Update section 3).
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})


class Form(str, Enum):
    """The kind of a SPARQL request."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"
    UPDATE = "UPDATE"
    UNKNOWN = "UNKNOWN"

    @property
    def graph(self) -> bool:
        """Whether the answer is a graph (CONSTRUCT, DESCRIBE) rather than results."""
        return self in (Form.CONSTRUCT, Form.DESCRIBE)


def form_of(text: str) -> Form:
    """The form of the request ``text``: the first keyword after ``PREFIX`` and ``BASE``
    declarations; UNKNOWN when it is neither a query nor an update (the parser then says why)."""
    expect_declaration = 0
    for match in _LEXEME.finditer(text):
        if match.lastgroup == "skip":
            continue
        if match.lastgroup != "word":
            return Form.UNKNOWN
        word = match.group()
        if expect_declaration:
            expect_declaration -= 1
            continue
        upper = word.upper()
        if upper == "PREFIX":
            expect_declaration = 1  # the prefix name; the IRI is skipped as a lexeme
            continue
        if upper == "BASE":
            continue
        if upper in Form.__members__ and upper not in ("UPDATE", "UNKNOWN"):
            return Form(upper)
        return Form.UPDATE if upper in UPDATE_KEYWORDS else Form.UNKNOWN
    return Form.UNKNOWN


def names_dataset(text: str) -> bool:
    """Whether the query has a dataset clause (``FROM`` or ``FROM NAMED``, Query section 13.2)."""
    return any(match.lastgroup == "word" and match.group().upper() == "FROM" for match in _LEXEME.finditer(text))

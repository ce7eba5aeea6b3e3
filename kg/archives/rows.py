"""Rows of an archive file as N-Triples, checked against the shapes before they are written.

The property shapes of ``iosh:SocialMediaAccountShape`` and ``iosh:PostShape``
(``shapes/accounts.ttl``) are compiled once into one converter per column: the value's
datatype (SHACL 1.0 §4.2.2 ``sh:datatype``: a literal of that datatype whose lexical form
is valid for it), ``sh:pattern`` (§4.6.1), ``sh:minInclusive``/``sh:maxInclusive``
(§4.3), ``sh:minCount`` (§4.2.1) and the node shape's own ``sh:pattern`` on the row's
IRI. A value that fails is reported with the shape's ``sh:message``. ``sh:maxCount`` holds
by construction (one column, one value) and ``sh:class`` of the operation, platform and
document is checked once for the whole file (``kg.archives.imports``); referred accounts
and posts are typed by the row itself.

Each row becomes one block of N-Triples lines for its node, sorted by predicate and
value, followed by the blocks of the accounts and posts it refers to; the same row always
gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH, XSD

from kg.archives.layout import Column, Field, Layout
from kg.namespaces import ACCOUNT, IO, POST, SHAPE


class BadValue(Exception):
    """A value that the shapes do not accept (its message is the shape's ``sh:message``)."""


@dataclass(frozen=True)
class Constraint:
    """The constraints of one property shape that a row check applies."""

    predicate: URIRef
    message: str
    min_count: int = 0
    datatype: URIRef | None = None
    pattern: re.Pattern | None = None
    min_inclusive: Decimal | None = None
    max_inclusive: Decimal | None = None


@dataclass(frozen=True)
class NodeConstraint:
    """A node shape's class, its pattern on the node's IRI, and its property shapes."""

    node_class: URIRef
    pattern: re.Pattern | None
    message: str
    properties: dict


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def compile_shape(shapes: Graph, shape: URIRef) -> NodeConstraint:
    """The row-checkable constraints of the node shape ``shape`` in ``shapes``."""
    properties = {}
    for node in shapes.objects(shape, SH.property):
        path = shapes.value(node, SH.path)
        pattern = shapes.value(node, SH.pattern)
        properties[path] = Constraint(
            predicate=path,
            message=str(shapes.value(node, SH.message)),
            min_count=int(shapes.value(node, SH.minCount) or 0),
            datatype=shapes.value(node, SH.datatype),
            pattern=re.compile(str(pattern)) if pattern is not None else None,
            min_inclusive=_decimal(shapes.value(node, SH.minInclusive)),
            max_inclusive=_decimal(shapes.value(node, SH.maxInclusive)),
        )
    pattern = shapes.value(shape, SH.pattern)
    targets = list(shapes.objects(shape, SH.targetClass))
    if len(targets) != 1:
        raise ValueError(f"{shape} must target one class")
    return NodeConstraint(
        node_class=targets[0],
        pattern=re.compile(str(pattern)) if pattern is not None else None,
        message=str(shapes.value(shape, SH.message)),
        properties=properties,
    )


# N-Triples terms ---------------------------------------------------------------------

#: Characters escaped in N-Triples string literals (the four the grammar requires, and the
#: other control characters as \\uXXXX so that every line reads as plain text).
_ESCAPE = {0x22: '\\"', 0x5C: "\\\\", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x08: "\\b", 0x0C: "\\f"}
_ESCAPE.update({c: f"\\u{c:04X}" for c in range(0x20) if c not in _ESCAPE})
_ESCAPE[0x7F] = "\\u007F"


def escape(text: str) -> str:
    """``text`` as the inside of an N-Triples string literal."""
    if '"' in text or "\\" in text or not text.isprintable():
        return text.translate(_ESCAPE)
    return text


def literal(lexical: str, datatype: URIRef | None = None) -> str:
    """An N-Triples literal (xsd:string written without its datatype, as RDF 1.1 canonical
    N-Triples does)."""
    if datatype is None or datatype == XSD.string:
        return f'"{escape(lexical)}"'
    return f'"{escape(lexical)}"^^<{datatype}>'


def iri(value: str) -> str:
    return f"<{value}>"


# Lexical forms -----------------------------------------------------------------------

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DATETIME = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?(?:Z|\+00:?00)?$")
_BOOLEAN = {"true": "true", "false": "false", "1": "true", "0": "false", "True": "true", "False": "false",
            "TRUE": "true", "FALSE": "false"}


def _integer(value: str) -> str | None:
    if value.isdigit() and value.isascii():
        return value if value[0] != "0" or len(value) == 1 else str(int(value))
    value = value.strip()
    return str(int(value)) if _INTEGER.match(value) else None


def _decimal_lexical(value: str) -> str | None:
    value = value.strip()
    return value if _DECIMAL.match(value) else None


def _date(value: str) -> str | None:
    value = value.strip()
    if not _DATE.match(value):
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        return None
    return value


def _datetime(value: str) -> str | None:
    """Archive times ("2019-08-19 14:02", UTC) as xsd:dateTime ("2019-08-19T14:02:00Z")."""
    match = _DATETIME.match(value.strip())
    if not match:
        return None
    seconds = match[6] or "00"
    try:
        datetime(int(match[1]), int(match[2]), int(match[3]), int(match[4]), int(match[5]), int(seconds))
    except ValueError:
        return None
    return f"{match[1]}-{match[2]}-{match[3]}T{match[4]}:{match[5]}:{seconds}Z"


def _boolean(value: str) -> str | None:
    return _BOOLEAN.get(value.strip())


#: Datatype -> a function from the archive's text to the canonical lexical form (None when
#: the text is not valid for the datatype).
LEXICAL: dict[URIRef, Callable[[str], str | None]] = {
    XSD.string: lambda value: value,
    XSD.anyURI: str.strip,
    XSD.language: str.strip,
    XSD.integer: _integer,
    XSD.decimal: _decimal_lexical,
    XSD.date: _date,
    XSD.dateTime: _datetime,
    XSD.boolean: _boolean,
}


def value_converter(constraint: Constraint, *, check: bool = True) -> Callable[[str], str]:
    """A function from a column's text to the tail of its N-Triples line (`` <predicate>
    "literal"^^<datatype> .``) for ``constraint``'s property; it raises :class:`BadValue`
    with the shape's message when the value does not conform (with ``check=False`` it
    writes the value as it is instead, for tests that compare the row check with a SHACL
    engine)."""
    datatype = constraint.datatype or XSD.string
    lexical = LEXICAL.get(datatype)
    if lexical is None:
        raise ValueError(f"no lexical form for {datatype}")
    pattern = constraint.pattern.search if constraint.pattern is not None else None
    low, high = constraint.min_inclusive, constraint.max_inclusive
    message = constraint.message
    head = f' <{constraint.predicate}> "'
    tail = '" .' if datatype == XSD.string else f'"^^<{datatype}> .'
    plain = datatype in (XSD.string, XSD.anyURI, XSD.language)

    convert = _general(lexical, head, tail, pattern, low, high, message, plain=plain, check=check)
    if datatype == XSD.string and pattern is None:
        def convert_string(text: str) -> str:
            if '"' in text or "\\" in text or not text.isprintable():
                text = text.translate(_ESCAPE)
            return head + text + tail

        return convert_string

    if datatype == XSD.integer and pattern is None and high is None and (low is None or low <= 0):
        def convert_count(text: str) -> str:
            if text.isdigit() and text.isascii():  # a non-negative count, the usual case
                return head + (text if text[0] != "0" or len(text) == 1 else str(int(text))) + tail
            return convert(text)

        return convert_count

    return convert


def _general(lexical, head, tail, pattern, low, high, message, *, plain: bool, check: bool):
    """The converter of any datatype: lexical form, then pattern and range."""
    is_range = low is not None or high is not None

    def convert(text: str) -> str:
        value = lexical(text)
        if value is None:
            if check:
                raise BadValue(message)
            return head + escape(text.strip()) + tail
        if check and ((pattern is not None and pattern(value) is None)
                      or (is_range and not _in_range(value, low, high))):
            raise BadValue(message)
        if plain and ('"' in value or "\\" in value or not value.isprintable()):
            value = value.translate(_ESCAPE)
        return head + value + tail

    return convert


def _in_range(value: str, low: Decimal | None, high: Decimal | None) -> bool:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return False
    return (low is None or number >= low) and (high is None or number <= high)


def split_list(text: str) -> list[str]:
    """The items of an archive's list column: ``[a, b]``, ``['a', 'b']`` or ``a,b``."""
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    items = []
    for item in text.split(","):
        item = item.strip().strip("'\"").strip()
        if item:
            items.append(item)
    return items


# Rows --------------------------------------------------------------------------------

TYPE = iri(str(RDF.type))


@dataclass(frozen=True)
class Context:
    """What every row of one import shares: the platform's slug and the nodes each row
    links to (operation, platform, document)."""

    platform_slug: str
    platform: URIRef
    operation: URIRef | None = None
    document: URIRef | None = None


class RowWriter:
    """Turns rows of one layout into N-Triples blocks, checking them against the shapes.

    ``block(row)`` returns the text of one row, or raises :class:`RowError`. The row's
    statements come out sorted by predicate (the slots are sorted once) and, within a
    list column, by value."""

    def __init__(self, layout: Layout, header: Sequence[str], *, account: NodeConstraint,
                 post: NodeConstraint, context: Context, check: bool = True):
        self.layout = layout
        self.check = check
        self.context = context
        index = {name: i for i, name in enumerate(header)}
        self.width = len(header)
        self.account = account
        self.post = post
        self.account_base = f"<{ACCOUNT}{context.platform_slug}/"
        self.post_base = f"<{POST}{context.platform_slug}/"
        own = account if layout.node_class == "SocialMediaAccount" else post
        self.own = own
        self.own_base = self.account_base if own is account else self.post_base
        subject_field = next(f for f in layout.fields if f.kind is Column.SUBJECT)
        self.id_index = index[layout.id_column]
        self.id_column = subject_field.column
        self.id_constraint = own.properties[subject_field.predicate]
        self.type_tail = f" {TYPE} <{own.node_class}> ."
        self.required = [(index[c], c) for c in layout.required if c in index]
        self.account_id = account.properties[IO.userId]
        self.post_id = post.properties[IO.postId]
        slots: list[tuple[str, int | None, str, object, bool]] = []
        for field in layout.fields:
            if field.column not in index:
                continue
            if field.kind is Column.SUBJECT:
                head = f' <{field.predicate}> "'
                slots.append((str(field.predicate), index[field.column], field.column,
                              lambda text, head=head: f'{head}{escape(text.strip())}" .', False))
                continue
            i = index[field.column]
            if field.kind is Column.VALUE:
                convert = value_converter(own.properties[field.predicate], check=check)
                if field.missing:
                    convert = _skipping(convert, field.missing)
                slots.append((str(field.predicate), i, field.column, convert, False))
            else:
                slots.append((str(field.predicate), i, field.column, self._reference(field, index), True))
        for predicate, node in self._constants(own):
            slots.append((str(predicate), None, "", f" <{predicate}> <{node}> .", False))
        self.slots = [slot[1:] for slot in sorted(slots, key=lambda slot: slot[0])]

    def _constants(self, own: NodeConstraint) -> list[tuple[URIRef, URIRef]]:
        constants = []
        if own is self.account:
            constants.append((IO.onPlatform, self.context.platform))
            if self.context.operation is not None:
                constants.append((IO.operatedBy, self.context.operation))
        if self.context.document is not None:
            constants.append((IO.reportedIn, self.context.document))
        return constants

    # Ids and referred nodes ----------------------------------------------------------

    def _id(self, text: str, constraint: Constraint, node: NodeConstraint, base: str) -> str:
        value = text.strip()
        if self.check:
            if constraint.pattern is not None and constraint.pattern.search(value) is None:
                raise BadValue(constraint.message)
            if node.pattern is not None and node.pattern.search(base[1:] + value) is None:
                raise BadValue(node.message)
        return value

    def account_block(self, user_id: str) -> tuple[str, str]:
        node = f"{self.account_base}{user_id}>"
        return node, (f"{node} {TYPE} <{IO.SocialMediaAccount}> .\n"
                      f"{node} <{IO.onPlatform}> <{self.context.platform}> .\n"
                      f"{node} <{IO.userId}> {literal(user_id)} .\n")

    def post_block(self, post_id: str, author: str | None) -> tuple[str, str]:
        node = f"{self.post_base}{post_id}>"
        text = f"{node} {TYPE} <{IO.Post}> .\n{node} <{IO.postId}> {literal(post_id)} .\n"
        if author:
            account, block = self.account_block(author)
            text += f"{node} <{IO.postedBy}> {account} .\n" + block
        return node, text

    def _reference(self, field: Field, index: dict[str, int]):
        """The converter of a list or reference column: ``(text, row, refs) -> tail``."""
        predicate = f" <{field.predicate}> "
        kind = field.kind
        if kind is Column.LIST:
            convert = value_converter(self.own.properties[field.predicate], check=self.check)

            def items(text: str, row: list[str], refs: list[str]) -> list[str]:
                return sorted({convert(item) for item in split_list(text)})

            return items
        if kind in (Column.ACCOUNT, Column.ACCOUNTS):
            single = kind is Column.ACCOUNT

            def accounts(text: str, row: list[str], refs: list[str]) -> list[str]:
                objects = set()
                for user_id in ([text] if single else split_list(text)):
                    node, block = self.account_block(self._id(user_id, self.account_id, self.account,
                                                              self.account_base))
                    objects.add(node)
                    refs.append(block)
                return [f"{predicate}{node} ." for node in sorted(objects)]

            return accounts
        author_index = index.get(field.author) if field.author else None

        def post(text: str, row: list[str], refs: list[str]) -> list[str]:
            post_id = self._id(text, self.post_id, self.post, self.post_base)
            author = row[author_index].strip() if author_index is not None else ""
            if author:
                try:
                    author = self._id(author, self.account_id, self.account, self.account_base)
                except BadValue as error:
                    raise RowError(field.author, author, str(error)) from None
            node, block = self.post_block(post_id, author or None)
            refs.append(block)
            return [f"{predicate}{node} ."]

        return post

    # One row -------------------------------------------------------------------------

    def block(self, row: list[str]) -> str:
        """The N-Triples text of ``row`` (its node's block, then the referred nodes')."""
        if len(row) != self.width:
            raise RowError(None, None, f"{len(row)} fields where the header has {self.width}")
        column = self.id_column
        text = row[self.id_index]
        try:
            if not text.strip():
                raise BadValue(self.id_constraint.message)
            own_id = self._id(text, self.id_constraint, self.own, self.own_base)
            for i, name in self.required:
                if not row[i].strip():
                    column, text = name, row[i]
                    raise BadValue(f"the column {name} must not be empty")
            subject = self.own_base + own_id + ">"
            tails = [self.type_tail]
            refs: list[str] = []
            for i, column, convert, complex_ in self.slots:
                if i is None:
                    tails.append(convert)
                    continue
                text = row[i]
                if not text:
                    continue
                if complex_:
                    tails.extend(convert(text, row, refs))
                else:
                    tail = convert(text)
                    if tail:
                        tails.append(tail)
        except BadValue as error:
            raise RowError(column, text, str(error)) from None
        # One join per row: the subject is written once per line by the separator.
        return subject + ("\n" + subject).join(tails) + "\n" + "".join(refs)


def _skipping(convert: Callable[[str], str], missing: tuple[str, ...]) -> Callable[[str], str]:
    """``convert``, but values in ``missing`` (the archives' "absent") give no statement."""

    def skip(text: str) -> str:
        return "" if text in missing else convert(text)

    return skip


class RowError(Exception):
    """A row the shapes do not accept: the column, its value and the shape's message."""

    def __init__(self, column: str | None, value: str | None, message: str):
        self.column = column
        self.value = value
        self.message = message
        super().__init__(message)


def node_constraints(shapes: Graph) -> tuple[NodeConstraint, NodeConstraint]:
    """The compiled account and post shapes."""
    return (compile_shape(shapes, SHAPE.SocialMediaAccountShape), compile_shape(shapes, SHAPE.PostShape))



"""Named SPARQL queries: read them from ``queries/``, bind their parameters safely, and run
them (or ad-hoc SPARQL) on the rdflib dataset or on a pyoxigraph store.

A named query is one ``.rq`` file whose header follows grlc: ``#+ summary:``,
``#+ description:``, ``#+ tags:`` lines. Its parameters are the variables named ``?_name``
(required) and ``?__name`` (optional), with grlc's type suffixes (``?_platform_iri``,
``?__limit_integer``). Values are bound as RDF terms before evaluation (rdflib
``initBindings``; on pyoxigraph a ``VALUES`` block opening the outer group, its terms
serialized by pyoxigraph), never spliced into the query text as text. Queries use their
parameters in the outer group only: SPARQL evaluates sub-SELECTs first, without them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from rdflib import BNode, Dataset, Literal, URIRef, Variable
from rdflib.namespace import XSD

from kg import paths
from kg.errors import UsageError
from kg.terms import to_oxigraph, to_rdflib
from kg.namespaces import PREFIXES

_PARAM = re.compile(r"\?(__?)([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)")
_TYPES = {"iri", "integer", "decimal", "date", "string", "literal", "boolean"}
_HEADER = re.compile(r"^#\+\s?(.*)$")
# A GROUP_CONCAT with its separator and the variable it is bound to (``… AS ?platforms``).
_LIST = re.compile(
    r'GROUP_CONCAT\((?:(?!GROUP_CONCAT).)*?SEPARATOR\s*=\s*"((?:[^"\\]|\\.)*)"\s*\)\s*AS\s+\?(\w+)',
    re.IGNORECASE | re.DOTALL,
)


class Engine(str, Enum):
    """The SPARQL engines iokg runs queries on."""

    RDFLIB = "rdflib"
    OXIGRAPH = "oxigraph"


@dataclass(frozen=True)
class Parameter:
    """A parameter of a named query, from its variable name."""

    variable: str  # without "?": "_platform_iri"
    name: str  # "platform"
    type: str  # "iri", "integer", ... or "literal"
    required: bool

    @property
    def usage(self) -> str:
        text = f"{self.name}=<{self.type}>"
        return text if self.required else f"[{text}]"


@dataclass(frozen=True)
class NamedQuery:
    """One ``.rq`` file of ``queries/``: its text, header and parameters."""

    name: str
    path: Path
    text: str
    summary: str
    description: str
    tags: tuple[str, ...]
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)

    @property
    def lists(self) -> dict[str, str]:
        """The result columns the query builds with GROUP_CONCAT, with their separators."""
        return list_columns(self.text)


def parse_header(text: str) -> dict[str, object]:
    """Read the grlc-style ``#+ key: value`` header of a query (lists as ``#+   - item``)."""
    header: dict[str, object] = {}
    key = None
    for line in text.splitlines():
        match = _HEADER.match(line)
        if not match:
            if line.strip() and not line.startswith("#"):
                break
            continue
        body = match.group(1)
        item = re.match(r"^\s+-\s+(.*)$", body)
        field_ = re.match(r"^([A-Za-z_]+):\s*(.*)$", body)
        if item and key and (header.get(key) == "" or isinstance(header.get(key), list)):
            # A list item belongs to a key with no value of its own ("#+ tags:"); after
            # "#+ description: text" an indented "- …" line continues the text, as in YAML.
            current = header.get(key)
            header[key] = (current if isinstance(current, list) else []) + [item.group(1).strip()]
        elif field_:
            key, value = field_.group(1), field_.group(2).strip()
            header[key] = value
        elif key and body.strip():
            header[key] = f"{header[key]} {body.strip()}".strip()
    return header


def _parameters(text: str) -> tuple[Parameter, ...]:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    found: dict[str, Parameter] = {}
    for underscores, name in _PARAM.findall(body):
        variable = underscores + name
        if variable in found:
            continue
        base, _, suffix = name.rpartition("_")
        if base and suffix in _TYPES:
            pname, ptype = base, suffix
        else:
            pname, ptype = name, "literal"
        found[variable] = Parameter(variable, pname, ptype, required=underscores == "_")
    return tuple(sorted(found.values(), key=lambda p: (not p.required, p.name)))


def read_query(path: Path) -> NamedQuery:
    """Read one named query file."""
    text = Path(path).read_text(encoding="utf-8")
    header = parse_header(text)
    tags = header.get("tags", [])
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.strip("[]").split(",") if t.strip()]
    return NamedQuery(
        name=Path(path).stem,
        path=Path(path),
        text=text,
        summary=str(header.get("summary", "")),
        description=str(header.get("description", "")),
        tags=tuple(tags),
        parameters=_parameters(text),
    )


def named_queries(directory: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query of ``queries/`` (not the checks), by name."""
    directory = directory or paths.QUERIES_DIR
    return {q.name: q for q in map(read_query, sorted(directory.glob("*.rq")))}


def checks(directory: Path | None = None) -> dict[str, NamedQuery]:
    """The graph-quality checks of ``queries/checks/`` (``*-violation.rq``: no rows expected)."""
    directory = directory or paths.QUERIES_DIR / "checks"
    return {q.name: q for q in map(read_query, sorted(directory.glob("*-violation.rq")))}


def get_query(name: str) -> NamedQuery:
    """The named query ``name``; a :class:`UsageError` listing the known names otherwise."""
    queries = named_queries()
    if name not in queries:
        known = ", ".join(sorted(queries)) or "none"
        raise UsageError(f"unknown query '{name}'; known queries: {known}")
    return queries[name]


def expand_iri(value: str) -> URIRef:
    """A full IRI (``https://…``, optionally in ``<>``) or a prefixed name (``op:spamouflage``)."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        text = str(PREFIXES[prefix]) + local
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s<>\"{}|\\^`]+$", text):
        raise UsageError(f"not an IRI or known prefixed name: {value!r}")
    return URIRef(text)


def to_term(parameter: Parameter, value: object):
    """Turn a parameter value (a string from the command line, or a Python value) into an
    RDF term of the parameter's type; :class:`UsageError` if it does not fit."""
    if isinstance(value, (URIRef, Literal, BNode)):
        return value
    text = str(value)
    try:
        if parameter.type == "iri":
            return expand_iri(text)
        if parameter.type == "integer":
            return Literal(int(text), datatype=XSD.integer)
        if parameter.type == "decimal":
            from decimal import Decimal

            return Literal(Decimal(text), datatype=XSD.decimal)
        if parameter.type == "boolean":
            if text.lower() not in ("true", "false", "1", "0"):
                raise ValueError(text)
            return Literal(text.lower() in ("true", "1"), datatype=XSD.boolean)
        if parameter.type == "date":
            literal = Literal(text, datatype=XSD.date)
            if not isinstance(literal.value, __import__("datetime").date):
                raise ValueError(text)
            return literal
    except UsageError:
        raise
    except (ValueError, ArithmeticError):
        raise UsageError(f"parameter '{parameter.name}' expects {parameter.type}, got {text!r}") from None
    return Literal(text)


def bindings(query: NamedQuery, params: dict[str, object]) -> dict[Variable, object]:
    """Check ``params`` against the query's parameters and turn them into bindings."""
    by_name = {p.name: p for p in query.parameters}
    by_name.update({p.variable.lstrip("_"): p for p in query.parameters})
    unknown = sorted(set(params) - set(by_name))
    if unknown:
        usage = " ".join(p.usage for p in query.parameters) or "no parameters"
        raise UsageError(f"query '{query.name}' has no parameter {', '.join(unknown)}; it takes: {usage}")
    missing = [p.name for p in query.parameters if p.required and p.name not in params and p.variable.lstrip("_") not in params]
    if missing:
        raise UsageError(f"query '{query.name}' needs parameter {', '.join(missing)}")
    return {Variable(by_name[k].variable): to_term(by_name[k], v) for k, v in params.items() if v is not None}


@dataclass
class Rows:
    """The engine-independent result of a query: SELECT rows, an ASK answer, or a graph."""

    variables: list[str]
    rows: list[tuple]
    boolean: bool | None = None
    graph: object | None = None  # an rdflib Graph for CONSTRUCT / DESCRIBE


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


def _syntax_error(error: Exception, text: str) -> UsageError:
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


def _precise_error(text: str) -> Exception | None:
    """Oxigraph's parser gives the exact line and column of a syntax error; ask it."""
    import pyoxigraph

    try:
        pyoxigraph.Store().query(text, prefixes={k: str(v) for k, v in PREFIXES.items()})
    except SyntaxError as error:
        return error
    except Exception:
        return None
    return None


def to_store(dataset: Dataset):
    """A pyoxigraph ``Store`` holding the same quads as ``dataset``."""
    import pyoxigraph

    store = pyoxigraph.Store()
    data = dataset.serialize(format="nquads", encoding="utf-8")
    store.load(data, format=pyoxigraph.RdfFormat.N_QUADS)
    # The RDF merge of all graphs, once, in the store's default graph: pyoxigraph 0.5's
    # ``use_default_graph_as_union`` yields a triple once per graph that holds it (a bag,
    # not the merge; oxigraph issue 1919, fixed after 0.5), so COUNT and SUM would count a
    # fact twice when two documents state it. The named graphs stay as they are.
    store.extend([pyoxigraph.Quad(q.subject, q.predicate, q.object) for q in store])
    return store


def run(
    text: str,
    *,
    dataset: Dataset | None = None,
    store=None,
    engine: Engine = Engine.RDFLIB,
    bindings: dict[Variable, object] | None = None,
) -> Rows:
    """Run SPARQL ``text`` on the union of all graphs, with ``bindings`` pre-bound.

    ``engine`` rdflib uses ``dataset`` (default: ``kg.load()``); oxigraph uses ``store``
    (default: a store filled from ``dataset``). Malformed SPARQL raises :class:`UsageError`
    with line and column.
    """
    bindings = bindings or {}
    if engine is Engine.OXIGRAPH or store is not None:
        return _run_oxigraph(text, store if store is not None else to_store(_dataset(dataset)), bindings)
    return _run_rdflib(text, _dataset(dataset), bindings)


def _dataset(dataset: Dataset | None) -> Dataset:
    if dataset is not None:
        return dataset
    from kg.dataset import load

    return load()


def _run_rdflib(text: str, dataset: Dataset, bindings) -> Rows:
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepared = prepareQuery(text, initNs=PREFIXES)
    except Exception as error:  # pyparsing.ParseException and friends
        raise _syntax_error(_precise_error(text) or error, text) from None
    previous = dataset.default_union
    dataset.default_union = True
    try:
        result = dataset.query(prepared, initBindings=bindings)
        if result.type == "ASK":
            return Rows([], [], boolean=bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return Rows([], [], graph=result.graph)
        variables = [str(v) for v in result.vars]
        rows = [tuple(row[v] if v in row.labels else None for v in variables) for row in result]
        return Rows(variables, rows)
    finally:
        dataset.default_union = previous


def _run_oxigraph(text: str, store, bindings) -> Rows:
    import pyoxigraph
    from rdflib import Graph

    # pyoxigraph's ``substitutions`` accept only projected variables, so a parameter used
    # in a FILTER cannot be bound with them: bind it with a VALUES block opening the
    # query's outer group instead, its terms written by pyoxigraph's own serializer (a
    # value stays a term, never query text).
    text = with_values(text, {str(k): to_oxigraph(v) for k, v in bindings.items()})
    # The default graph is the merge of all graphs: the store's default graph when it holds
    # it (see ``to_store``), else the union of the named graphs.
    merged = next(iter(store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())), None)
    try:
        result = store.query(
            text,
            use_default_graph_as_union=merged is None,
            prefixes={k: str(v) for k, v in PREFIXES.items()},
        )
    except SyntaxError as error:
        raise _syntax_error(error, text) from None
    if isinstance(result, pyoxigraph.QueryBoolean):
        return Rows([], [], boolean=bool(result))
    if isinstance(result, pyoxigraph.QueryTriples):
        graph = Graph()
        for triple in result:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return Rows([], [], graph=graph)
    variables = [v.value for v in result.variables]
    rows = [tuple(to_rdflib(solution[v]) for v in variables) for solution in result]
    return Rows(variables, rows)


# Enough of SPARQL's lexical grammar to find the braces that are syntax: comments, strings
# (long and short), IRIs, words (keywords, variables, prefixed names) and braces.
_TOKEN = re.compile(
    r'(?P<comment>#[^\n]*)'
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*')"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r'|(?P<word>[?$]?[A-Za-z_][\w.-]*(?::[\w.%-]*)?|:[\w.%-]*)'
    r'|(?P<open>\{)|(?P<close>\})',
    re.DOTALL,
)


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
        elif kind == "open":
            if depth == 0:
                first = match.end() if first is None else first
                if seen_where and after_where is None:
                    after_where = match.end()
            depth += 1
        elif kind == "close":
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


def list_columns(text: str) -> dict[str, str]:
    """The variables bound to a GROUP_CONCAT in ``text``, each with its separator."""
    return {variable: separator.encode().decode("unicode_escape") for separator, variable in _LIST.findall(text)}


def sort_lists(rows: Rows, lists: dict[str, str]) -> Rows:
    """``rows`` with the items of every list cell (a column of ``lists``, joined by its
    separator) sorted by code point, and an empty list unbound. SPARQL 1.1 leaves the order
    of GROUP_CONCAT to the engine; this makes a named query's cells the same on every store."""
    positions = [(i, lists[v]) for i, v in enumerate(rows.variables) if v in lists]
    if not positions or not rows.rows:
        return rows
    result = []
    for row in rows.rows:
        cells = list(row)
        for i, separator in positions:
            if cells[i] is not None:
                text = str(cells[i])
                cells[i] = Literal(separator.join(sorted(text.split(separator)))) if text else None
        result.append(tuple(cells))
    return Rows(rows.variables, result, boolean=rows.boolean, graph=rows.graph)


def query(name: str, *, dataset: Dataset | None = None, store=None, engine: Engine = Engine.RDFLIB, **params) -> Rows:
    """Run the named query ``name`` with keyword parameters (``kg.query("figures",
    operation="op:spamouflage")``)."""
    named = get_query(name)
    rows = run(named.text, dataset=dataset, store=store, engine=engine, bindings=bindings(named, params))
    return sort_lists(rows, named.lists)

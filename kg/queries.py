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
from kg.namespaces import PREFIXES
from kg.store.base import Rows, Store
from kg.store.sparql import syntax_error, with_values

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


def to_store(dataset: Dataset):
    """A pyoxigraph ``Store`` holding the same quads as ``dataset``, with the merge of its
    graphs in the default graph (see :mod:`kg.store.oxigraph`)."""
    import pyoxigraph

    from kg.store.oxigraph import OxigraphStore

    store = pyoxigraph.Store()
    store.load(dataset.serialize(format="nquads", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_QUADS)
    OxigraphStore(store=store).merge_default()
    return store


def as_store(store=None, *, dataset: Dataset | None = None, engine: Engine | str | None = None) -> Store:
    """The :class:`kg.store.Store` to run on: ``store`` (a ``Store``, or a bare
    ``pyoxigraph.Store``), else ``dataset`` on the ``engine`` asked for (rdflib by default),
    else the default store of the packaged data (``kg.store.open_store()``)."""
    from kg.store import open_store

    if isinstance(store, Store):
        return store
    if store is not None:  # a pyoxigraph.Store
        from kg.store.oxigraph import OxigraphStore

        return OxigraphStore(store=store)
    engine = Engine(engine) if engine is not None else None
    if dataset is not None:
        if engine is Engine.OXIGRAPH:
            from kg.store.oxigraph import OxigraphStore

            return OxigraphStore(store=to_store(dataset))
        from kg.store.memory import MemoryStore

        return MemoryStore(dataset)
    return open_store("oxigraph" if engine is Engine.OXIGRAPH else "memory" if engine is Engine.RDFLIB else None)


def run(
    text: str,
    *,
    store: Store | None = None,
    dataset: Dataset | None = None,
    engine: Engine | str | None = None,
    bindings: dict[Variable, object] | None = None,
    timeout: float | None = None,
    allow_remote: bool = False,
) -> Rows:
    """Run SPARQL ``text`` on the set union of the store's named graphs, with ``bindings``
    pre-bound.

    ``store`` is a :class:`kg.store.Store` (or a ``pyoxigraph.Store``); without one the
    query runs on ``dataset`` (rdflib, or Oxigraph with ``engine="oxigraph"``), else on
    the default store of the packaged data. With ``timeout`` (seconds) the query runs in a
    child process that is killed when the time is up (:func:`kg.bounds.run_bounded`).

    Raises :class:`UsageError` for malformed SPARQL (with line and column) or a query the
    engine cannot evaluate; :class:`~kg.errors.PolicyError` for ``SERVICE``, ``LOAD`` or
    ``FROM`` outside the dataset unless ``allow_remote`` (:func:`kg.policy.guard_query`);
    :class:`~kg.errors.LimitError` when the timeout or the memory bound stops it.
    """
    chosen = as_store(store, dataset=dataset, engine=engine)
    return chosen.query(text, bindings=bindings, timeout=timeout, allow_remote=allow_remote)


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


def query(
    name: str,
    *,
    store: Store | None = None,
    dataset: Dataset | None = None,
    engine: Engine | str | None = None,
    timeout: float | None = None,
    **params,
) -> Rows:
    """Run the named query ``name`` with keyword parameters (``kg.query("figures",
    operation="op:spamouflage")``) on ``store`` (default: the packaged data's default store),
    within ``timeout`` seconds when given."""
    named = get_query(name)
    rows = run(named.text, store=store, dataset=dataset, engine=engine, bindings=bindings(named, params), timeout=timeout)
    return sort_lists(rows, named.lists)

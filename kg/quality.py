"""The ontology quality-control report, in the manner of ROBOT's ``report``.

Each rule is a SPARQL query in ``queries/checks/qc/NAME.rq`` that returns the rows
``?entity ?property ?value`` it finds at fault (ROBOT's convention), and has a level:
``ERROR`` (fix before a release), ``WARN`` (fix soon) or ``INFO`` (for consistency). The
levels come from a profile file, as ROBOT's do: one ``LEVEL<TAB>NAME`` line per rule to run
(``queries/checks/qc/profile.txt`` is the default); a NAME may also be the path of a query
of one's own, relative to the profile. Rules not named in the profile do not run.

The rules run over everything iokg holds, merged into one graph: the ontology, the SHACL
shapes and the data graphs, so that "deprecated term still used" or "class without
instances or shape" can look at the uses of a term. ``report`` returns a
:class:`QualityReport`; :func:`format_report` writes it as TSV, HTML or JSON.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from rdflib import Dataset, Graph

from kg import paths
from kg.errors import InputError, UsageError, member
from kg.queries import read_query

#: The folder of the QC rules and of the default profile.
RULES_DIR = paths.QUERIES_DIR / "checks" / "qc"
#: The default profile: every rule of :data:`RULES_DIR` with its level.
DEFAULT_PROFILE = RULES_DIR / "profile.txt"


class Level(str, Enum):
    """How serious a rule's findings are (ROBOT's logging levels)."""

    ERROR = "ERROR"
    WARN = "WARN"
    INFO = "INFO"

    @property
    def rank(self) -> int:
        """0 for ERROR, 1 for WARN, 2 for INFO: lower is more serious."""
        return list(Level).index(self)


class QualityFormat(str, Enum):
    """The formats ``iokg check --report`` writes."""

    TSV = "tsv"
    HTML = "html"
    JSON = "json"


@dataclass(frozen=True)
class Rule:
    """One QC rule: its name, level, query file and what it looks for."""

    name: str
    level: Level
    path: Path
    summary: str
    description: str


@dataclass(frozen=True, order=True)
class Finding:
    """One row of a rule: the entity at fault, the property concerned and the value."""

    level_rank: int
    rule: str
    entity: str
    property: str
    value: str

    @property
    def level(self) -> Level:
        """The level of the rule that found it."""
        return list(Level)[self.level_rank]


@dataclass
class QualityReport:
    """The rules run and their findings (sorted by level, rule, entity, property, value)."""

    rules: list[Rule] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def counts(self) -> dict[Level, int]:
        """Findings per level (every level present, zero included)."""
        counted = Counter(f.level for f in self.findings)
        return {level: counted.get(level, 0) for level in Level}

    def failed(self, fail_on: Level | None = Level.ERROR) -> bool:
        """Whether a finding is at ``fail_on`` or more serious (never when None)."""
        if fail_on is None:
            return False
        return any(f.level_rank <= fail_on.rank for f in self.findings)


def read_profile(path: Path | str | None = None) -> list[Rule]:
    """The rules a profile names, with their levels (default: :data:`DEFAULT_PROFILE`).

    A line is ``LEVEL NAME`` (tab or spaces between); ``#`` starts a comment. NAME is a
    rule of :data:`RULES_DIR` or the path of a ``.rq`` file (``file:`` prefix allowed),
    relative to the profile's folder. Raises :class:`UsageError` for an unknown level or
    rule (with the line), :class:`InputError` for a profile or query that cannot be read.
    """
    path = Path(path) if path is not None else DEFAULT_PROFILE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(getattr(error, "strerror", None) or str(error), path=path) from None
    rules: dict[str, Rule] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("file:") else line.strip()
        if not line:
            continue
        level_text, _, name = line.partition("\t") if "\t" in line else line.partition(" ")
        name = name.strip()
        try:
            level = Level(level_text.strip().upper())
        except ValueError:
            raise UsageError(
                f"{path}:{number}: unknown level {level_text.strip()!r}; known levels: ERROR, WARN, INFO"
            ) from None
        if not name:
            raise UsageError(f"{path}:{number}: expected LEVEL<TAB>RULE, got {line!r}")
        rule_path = _rule_path(name, path.parent)
        if rule_path is None:
            known = ", ".join(sorted(p.stem for p in RULES_DIR.glob("*.rq")))
            raise UsageError(f"{path}:{number}: unknown rule {name!r}; known rules: {known}")
        try:
            query = read_query(rule_path)
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(getattr(error, "strerror", None) or str(error), path=rule_path) from None
        rules[query.name] = Rule(name=query.name, level=level, path=rule_path,
                                 summary=query.summary, description=query.description)
    return sorted(rules.values(), key=lambda r: (r.level.rank, r.name))


def _rule_path(name: str, base: Path) -> Path | None:
    if name.startswith("file:"):
        name = name[len("file:"):].removeprefix("//")
    if "/" not in name and not name.endswith(".rq"):
        candidate = RULES_DIR / f"{name}.rq"
        return candidate if candidate.is_file() else None
    candidate = Path(name)
    candidate = candidate if candidate.is_absolute() else base / candidate
    return candidate if candidate.is_file() else None


def report(
    *,
    dataset: Dataset | None = None,
    data_dir: Path | None = None,
    profile: Path | str | None = None,
    shapes: Graph | None = None,
) -> QualityReport:
    """Run the rules of ``profile`` over the ontology, the shapes and the data of
    ``dataset`` (default: ``kg.load(data_dir=data_dir)``) merged into one graph.

    ``shapes`` default to the shapes iokg ships. Raises :class:`UsageError` or
    :class:`InputError` for a bad profile or rule (see :func:`read_profile`).
    """
    import pyoxigraph as ox

    from kg.terms import to_oxigraph

    rules = read_profile(profile)
    if dataset is None:
        from kg.dataset import load

        dataset = load(data_dir=data_dir)
    if shapes is None:
        from kg.validation import load_shapes

        shapes = load_shapes()
    store = ox.Store()
    triples: set = set()
    for graph in dataset.graphs():
        triples.update(graph.triples((None, None, None)))
    triples.update(shapes.triples((None, None, None)))
    store.extend([ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in triples])
    findings: set[Finding] = set()
    for rule in rules:
        text = rule.path.read_text(encoding="utf-8")
        try:
            result = store.query(text)
        except SyntaxError as error:
            raise InputError(f"rule {rule.name}: {error}", path=rule.path,
                             line=getattr(error, "lineno", None), column=getattr(error, "offset", None)) from None
        names = [v.value for v in result.variables]
        if "entity" not in names:
            raise UsageError(f"rule {rule.name} ({rule.path}) must select ?entity ?property ?value, as ROBOT's do")
        for solution in result:
            cells = {name: _text(solution[name]) for name in ("entity", "property", "value") if name in names}
            findings.add(Finding(level_rank=rule.level.rank, rule=rule.name, entity=cells.get("entity", ""),
                                 property=cells.get("property", ""), value=cells.get("value", "")))
    return QualityReport(rules=rules, findings=sorted(findings))


def _text(term) -> str:
    """A term as text: an IRI bare, a literal's lexical form, nothing for unbound."""
    if term is None:
        return ""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _short(iri: str) -> str:
    from kg.exports import EXPORT_PREFIXES

    for name, namespace in sorted(EXPORT_PREFIXES.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{name}:{iri[len(namespace):]}"
    return iri


def format_report(result: QualityReport, format: QualityFormat | str = QualityFormat.TSV) -> str:
    """``result`` as TSV (ROBOT's columns: Level, Rule Name, Subject, Property, Value), a
    standalone HTML page, or JSON. Raises :class:`UsageError` for an unknown format."""
    format = member(QualityFormat, format, what="report format")
    if format is QualityFormat.JSON:
        document = {
            "rules": [{"name": r.name, "level": r.level.value, "summary": r.summary,
                       "description": r.description, "findings": sum(f.rule == r.name for f in result.findings)}
                      for r in result.rules],
            "counts": {level.value: n for level, n in result.counts().items()},
            "findings": [{"level": f.level.value, "rule": f.rule, "entity": f.entity,
                          "property": f.property, "value": f.value} for f in result.findings],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if format is QualityFormat.TSV:
        lines = ["Level\tRule Name\tSubject\tProperty\tValue"]
        for f in result.findings:
            cells = (f.level.value, f.rule, _short(f.entity), _short(f.property), _short(f.value))
            lines.append("\t".join(_tsv_cell(c) for c in cells))
        return "\n".join(lines) + "\n"
    return _html(result)


def _tsv_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _html(result: QualityReport) -> str:
    e = html.escape
    counts = result.counts()
    summary = "".join(f"<li>{e(level.value)}: {n}</li>" for level, n in counts.items())
    rules = "".join(
        f'<tr id="rule-{e(r.name)}"><td class="{e(r.level.value)}">{e(r.level.value)}</td><td>{e(r.name)}</td>'
        f"<td>{e(r.summary)}</td><td>{sum(f.rule == r.name for f in result.findings)}</td></tr>"
        for r in result.rules
    )
    rows = "".join(
        f'<tr><td class="{e(f.level.value)}">{e(f.level.value)}</td><td><a href="#rule-{e(f.rule)}">{e(f.rule)}</a></td>'
        f"<td>{e(_short(f.entity))}</td><td>{e(_short(f.property))}</td><td>{e(_short(f.value))}</td></tr>"
        for f in result.findings
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<title>iokg ontology quality report</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }} table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }}
.ERROR {{ color: #a00; font-weight: bold; }} .WARN {{ color: #a60; }} .INFO {{ color: #357; }}
</style>
</head>
<body>
<h1>iokg ontology quality report</h1>
<p>{len(result.rules)} rules, {len(result.findings)} findings.</p>
<ul>{summary}</ul>
<h2 id="rules">Rules</h2>
<table><thead><tr><th>Level</th><th>Rule</th><th>What it finds</th><th>Findings</th></tr></thead>
<tbody>{rules}</tbody></table>
<h2 id="findings">Findings</h2>
<table><thead><tr><th>Level</th><th>Rule Name</th><th>Subject</th><th>Property</th><th>Value</th></tr></thead>
<tbody>{rows}</tbody></table>
</body>
</html>
"""

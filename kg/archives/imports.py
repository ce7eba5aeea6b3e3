"""Importing a platform's archive file into a named graph of its own.

``import_accounts`` and ``import_tweets`` stream a CSV file row by row into a new file
``DATA/archives/NAME.nt`` (N-Triples, the named graph ``archive:NAME``): every row is
checked against the shapes first (``kg.archives.rows``), written to a temporary file in
the same folder, and only when the whole file has been read (and no row was bad, unless
``skip_bad``) is the temporary file fsynced and renamed into place under the data
folder's lock (``kg.curation.locked``). Memory does not grow with the file: one row at a
time, at most ``MAX_PROBLEMS`` bad rows kept for the report.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF

from kg import paths
from kg.archives.layout import ArchiveKind
from kg.archives.reading import Progress, open_rows
from kg.archives.rows import Context, RowError, RowWriter, node_constraints
from kg.errors import InputError, UsageError
from kg.namespaces import ARCHIVE, IO, PLATFORM

#: Bad rows described in full in a result (the rest are counted).
MAX_PROBLEMS = 100
#: Rows written to the file at once.
CHUNK = 4096
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ARCHIVES = "archives"


@dataclass(frozen=True)
class RowProblem:
    """A bad row: where it is, which column, its value, and what the shape requires."""

    path: str
    line: int
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        if self.column is None:
            return f"{where}: {self.message}"
        value = self.value if self.value is None or len(self.value) <= 60 else self.value[:57] + "..."
        return f"{where}: column {self.column} ({value!r}): {self.message}"


@dataclass
class ImportResult:
    """What an import did: rows read, imported and bad, the graph and the file written
    (``path`` is None when nothing was written)."""

    kind: ArchiveKind
    graph: URIRef
    path: Path | None
    rows: int = 0
    imported: int = 0
    bad: int = 0
    triples: int = 0
    seconds: float = 0.0
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Rows per second."""
        return self.rows / self.seconds if self.seconds else 0.0


def import_accounts(
    file: Path | str,
    *,
    operation: URIRef | str,
    platform: URIRef | str = PLATFORM.twitter,
    document: URIRef | str | None = None,
    data_dir: Path | None = None,
    name: str | None = None,
    skip_bad: bool = False,
    replace: bool = False,
    progress: bool | None = None,
) -> ImportResult:
    """Import an archive's users file (one ``io:SocialMediaAccount`` per row, operated by
    ``operation``, on ``platform``, reported in ``document``) into the named graph
    ``archive:NAME``.

    Raises :class:`InputError` when the file cannot be read (file and line), and
    :class:`UsageError` for an unknown operation, platform or document or a graph that
    exists already (without ``replace``). Bad rows are in the result, and then nothing is
    written unless ``skip_bad``."""
    return import_archive(ArchiveKind.ACCOUNTS, file, operation=operation, platform=platform, document=document,
                          data_dir=data_dir, name=name, skip_bad=skip_bad, replace=replace, progress=progress)


def import_tweets(
    file: Path | str,
    *,
    platform: URIRef | str = PLATFORM.twitter,
    document: URIRef | str | None = None,
    data_dir: Path | None = None,
    name: str | None = None,
    skip_bad: bool = False,
    replace: bool = False,
    progress: bool | None = None,
) -> ImportResult:
    """Import an archive's tweets file (one ``io:Post`` per row, linked to its account and
    through it to the operation) into the named graph ``archive:NAME``. Raises as
    :func:`import_accounts` does."""
    return import_archive(ArchiveKind.TWEETS, file, platform=platform, document=document, data_dir=data_dir,
                          name=name, skip_bad=skip_bad, replace=replace, progress=progress)


def archive_name(file: Path | str) -> str:
    """The default graph name of an archive file: its name without .csv/.gz/.zip."""
    name = Path(file).name
    for suffix in (".gz", ".zip", ".csv"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


def import_archive(
    kind: ArchiveKind | str,
    file: Path | str,
    *,
    operation: URIRef | str | None = None,
    platform: URIRef | str = PLATFORM.twitter,
    document: URIRef | str | None = None,
    data_dir: Path | None = None,
    name: str | None = None,
    skip_bad: bool = False,
    replace: bool = False,
    progress: bool | None = None,
    check: bool = True,
) -> ImportResult:
    """Import one archive file of ``kind``; see :func:`import_accounts`. ``check=False``
    writes rows without the shape check (only for tests that compare it with a SHACL
    engine)."""
    try:
        kind = ArchiveKind(kind)
    except ValueError:
        raise UsageError(f"unknown archive file kind {kind!r}; use one of: "
                         + ", ".join(k.value for k in ArchiveKind)) from None
    file = Path(file)
    data_dir = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    name = name or archive_name(file)
    if not _NAME.match(name):
        raise UsageError(f"graph name {name!r} must be letters, digits, '.', '_' or '-' (at most 100); give --as NAME")
    context = _context(kind, operation=operation, platform=platform, document=document, data_dir=data_dir)
    graph = ARCHIVE[name]
    target = data_dir / ARCHIVES / f"{name}.nt"
    if target.exists() and not replace:
        raise UsageError(f"the graph {name} exists already ({target}); give --replace to replace it or --as NAME")

    from kg.validation import load_shapes

    account, post = node_constraints(load_shapes())
    result = ImportResult(kind=kind, graph=graph, path=None)
    start = time.perf_counter()
    with open_rows(file) as (header, rows, counter, total):
        layout = kind.layout
        missing = [c for c in (layout.id_column, *layout.required) if c not in header]
        if missing:
            raise InputError(f"not a {kind.value} file of an archive: no column {', '.join(missing)} "
                             f"(columns: {', '.join(header)})", path=file, line=1)
        duplicates = sorted({c for c in header if header.count(c) > 1})
        if duplicates:
            raise InputError(f"repeated column {', '.join(duplicates)}", path=file, line=1)
        result.ignored_columns = [c for c in header if c not in kind.known_columns]
        writer = RowWriter(layout, header, account=account, post=post, context=context, check=check)
        target.parent.mkdir(parents=True, exist_ok=True)
        with _temporary(target) as (handle, temporary):
            handle.write(_header(kind, file, graph, context).encode("utf-8"))
            bar = Progress(total_bytes=total, counter=counter, description=f"{kind.value} {file.name}", enabled=progress)
            writing = True
            chunk: list[bytes] = []
            block = writer.block
            rows_read = 0
            try:
                for line, row in rows:
                    rows_read += 1
                    try:
                        text = block(row)
                    except RowError as error:
                        result.bad += 1
                        if len(result.problems) < MAX_PROBLEMS:
                            result.problems.append(RowProblem(str(file), line, error.column, error.value, error.message))
                        writing = writing and skip_bad
                        continue
                    if writing:
                        # Encoded row by row: one non-ASCII character would otherwise widen
                        # the whole joined chunk to four bytes a character.
                        chunk.append(text.encode("utf-8"))
                        if len(chunk) >= CHUNK:
                            data = b"".join(chunk)
                            result.triples += data.count(b"\n")
                            handle.write(data)
                            chunk.clear()
                            bar.update(rows_read)
                if writing and chunk:
                    data = b"".join(chunk)
                    result.triples += data.count(b"\n")
                    handle.write(data)
            finally:
                bar.close(rows_read)
            result.rows = rows_read
            result.imported = rows_read - result.bad
            if not writing or (result.imported == 0):
                result.seconds = time.perf_counter() - start
                return result
            handle.write(f"# {result.imported} row(s) imported, {result.bad} bad row(s) skipped.\n".encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            _install(temporary, target, data_dir=data_dir, replace=replace)
    result.path = target
    result.seconds = time.perf_counter() - start
    return result


def _context(kind: ArchiveKind, *, operation, platform, document, data_dir: Path) -> Context:
    from kg.queries import expand_iri

    platform = expand_iri(str(platform))
    if not str(platform).startswith(str(PLATFORM)) or not _SLUG.match(str(platform)[len(str(PLATFORM)):]):
        raise UsageError(f"the platform must be an iokg platform IRI (platform:twitter), not <{platform}>")
    wanted = {platform: IO.Platform}
    if kind is ArchiveKind.ACCOUNTS:
        if operation is None:
            raise UsageError("an accounts file needs the operation its accounts belong to (--operation IRI)")
        operation = expand_iri(str(operation))
        wanted[operation] = IO.InfluenceOperation
    if document is not None:
        document = expand_iri(str(document))
        wanted[document] = IO.SourceDocument
    _check_types(wanted, data_dir=data_dir)
    return Context(platform_slug=str(platform)[len(str(PLATFORM)):], platform=platform,
                   operation=operation if kind is ArchiveKind.ACCOUNTS else None, document=document)


def _check_types(wanted: dict[URIRef, URIRef], *, data_dir: Path) -> None:
    """Every IRI of ``wanted`` is typed with its class in the curated graph (the Turtle
    files of ``data_dir``; archives are not read)."""
    import pyoxigraph

    from kg.dataset import sources

    found: set[URIRef] = set()
    type_iri = str(RDF.type)
    subjects = {str(iri) for iri in wanted}
    for source in sources(data_dir=data_dir, ontology=False):
        if source.path.suffix != ".ttl":
            continue
        try:
            for quad in pyoxigraph.parse(path=str(source.path), format=pyoxigraph.RdfFormat.TURTLE):
                if quad.predicate.value == type_iri and quad.subject.value in subjects:
                    node = URIRef(quad.subject.value)
                    if wanted.get(node) == URIRef(quad.object.value):
                        found.add(node)
        except (SyntaxError, OSError) as error:
            raise InputError(f"cannot read the graph: {error}", path=source.path) from None
    for node, cls in wanted.items():
        if node not in found:
            raise UsageError(f"<{node}> is not an io:{cls[len(str(IO)):]} in the graph of {data_dir}; "
                             "add it first (iokg add) or check the IRI")


def _header(kind: ArchiveKind, file: Path, graph: URIRef, context: Context) -> str:
    lines = [
        f"# iokg archive graph <{graph}>",
        f"# Imported by iokg import {kind.value} from {file.name}: one node per row, in the file's order;",
        "# each node's statements sorted. Format: N-Triples (https://www.w3.org/TR/n-triples/).",
        f"# Platform: <{context.platform}>.",
    ]
    if context.operation is not None:
        lines.append(f"# Operation: <{context.operation}>.")
    if context.document is not None:
        lines.append(f"# Reported in: <{context.document}>.")
    return "\n".join(lines) + "\n\n"


@contextlib.contextmanager
def _temporary(target: Path):
    """A temporary file beside ``target``, removed unless it was renamed into place."""
    # Named as kg.files names its temporary files (.<target>.<pid>.<token>.tmp), so that the
    # data folder's lock keeps it while this process lives and removes it after a crash.
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise InputError(f"cannot write: {error.strerror or error}", path=target) from None
    handle = os.fdopen(descriptor, "wb", buffering=1 << 20)
    try:
        yield handle, Path(temporary)
    finally:
        with contextlib.suppress(OSError, ValueError):
            handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _install(temporary: Path, target: Path, *, data_dir: Path, replace: bool) -> None:
    """Rename the finished file into place under the data folder's lock."""
    from kg.curation import locked

    with locked(data_dir):
        if target.exists() and not replace:
            raise UsageError(f"the graph {target.stem} was created by another process meanwhile ({target})")
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
        with contextlib.suppress(OSError):
            folder = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current

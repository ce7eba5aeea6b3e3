"""Writing files safely: all at once or not at all, one writer at a time.

``write_atomic`` replaces one file (a temporary file, fsync, rename). Writers of the data
folder (``iokg add``, ``iokg remove``, an import, a server that accepts updates) take the
folder's lock with :func:`locked` *before* they read anything they decide on, and replace
their files with :meth:`Lock.commit`: every new file is written and fsynced as a temporary
file, a journal naming the renames is written, the renames are done and the journal is
deleted. A writer killed at any point leaves every file old or new; the next writer finishes
the renames of a complete journal, and deletes the temporary files of a writer that died
before its journal was complete. Under the lock, SIGTERM (like Ctrl-C) interrupts the writer
with :class:`kg.errors.Interrupted`, which removes its temporary files on the way out; the
renames of a commit are not interrupted (the signal is handled once they are done).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import secrets
import signal
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError, Interrupted, UsageError

#: Name of the journal of a commit in progress, in the data folder.
JOURNAL = ".iokg-journal.json"
#: Temporary files: ``.<target name>.<pid>.<random>.tmp`` beside their target.
_TEMPORARY = re.compile(r"^\.(?P<target>.+)\.(?P<pid>\d+)\.(?P<token>[0-9a-f]{8,})\.tmp$")
#: What older versions of iokg left (``tempfile.mkstemp``): ``.<target name>.<random>.tmp``.
_LEGACY = re.compile(r"^\.(?P<target>.+\.(?:ttl|jsonld|json|nq|nt|trig|rdf))\.[A-Za-z0-9_]{8}\.tmp$")
_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _temporary_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def _fsync_folder(directory: Path) -> None:
    with contextlib.suppress(OSError):
        folder = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _write_temporary(temporary: Path, data: bytes, *, mode: int) -> None:
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temporary, mode)


def _mode_for(path: Path) -> int:
    return path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()


def write_atomic(path: Path | str, data: bytes) -> None:
    """Replace ``path`` by ``data`` all at once: a temporary file in the same folder,
    flushed and fsynced, renamed over ``path``, then the folder fsynced. Readers see the old
    file or the new one, never a part; a crash leaves the old file (and at most a hidden
    temporary file, which the next writer of a data folder removes). Raises
    :class:`InputError` when the folder cannot be written."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    temporary = _temporary_name(path if str(path.parent) else Path(".") / path)
    try:
        _write_temporary(temporary, data, mode=_mode_for(path))
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise InputError(f"cannot write: {error.strerror or error}", path=path) from None
        raise
    _fsync_folder(directory)


@dataclass
class Lock:
    """The exclusive lock of a data folder, held by :func:`locked`.

    ``recovered`` lists the files whose interrupted commit was finished when the lock was
    taken; ``removed`` the stale temporary files of killed writers that were deleted;
    ``stale`` temporary files that look stale but belong to a live process (reported, kept).
    """

    folder: Path
    recovered: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)
    _temporaries: list[Path] = field(default_factory=list, repr=False)

    def commit(self, files: Mapping[Path, bytes], *, delete: Sequence[Path] = ()) -> None:
        """Replace every file of ``files`` by its bytes and delete the files of ``delete``,
        all or nothing: after a crash at any point each file is old or new, and the next
        :func:`locked` of the folder finishes a commit whose journal was written. Raises
        :class:`InputError` when the folder cannot be written (nothing is changed then)."""
        renames: list[tuple[Path, Path]] = []
        try:
            for path, data in sorted(files.items()):
                path = Path(path)
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = _temporary_name(path)
                self._temporaries.append(temporary)
                _write_temporary(temporary, data, mode=_mode_for(path))
                renames.append((temporary, path))
            journal = {
                "pid": os.getpid(),
                "renames": [[self._relative(t), self._relative(p)] for t, p in renames],
                "delete": [self._relative(Path(p)) for p in delete],
            }
            write_atomic(self.folder / JOURNAL, json.dumps(journal, indent=1).encode("utf-8"))
        except OSError as error:
            self._discard()
            raise InputError(f"cannot write: {error.strerror or error}", path=getattr(error, "filename", None)
                             or self.folder) from None
        # From here on the change is decided: the journal owns the temporary files (the next
        # writer finishes the renames if this one dies), and no signal stops the renames.
        self._temporaries.clear()
        with _signals_deferred():
            _replay(self.folder, journal)

    def _relative(self, path: Path) -> str:
        return os.path.relpath(path, self.folder)

    def _discard(self) -> None:
        for temporary in self._temporaries:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        self._temporaries.clear()


def _replay(folder: Path, journal: dict) -> list[Path]:
    """Do the renames and deletions of a complete journal (again: each step is idempotent),
    then delete the journal. Returns the files replaced or deleted."""
    done = []
    for temporary, target in journal.get("renames", []):
        source = folder / temporary
        if source.exists():
            os.replace(source, folder / target)
            done.append(folder / target)
    for target in journal.get("delete", []):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(folder / target)
            done.append(folder / target)
    for directory in {(folder / t).parent for _, t in journal.get("renames", [])} | {folder}:
        _fsync_folder(directory)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(folder / JOURNAL)
    _fsync_folder(folder)
    return done


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Block SIGTERM, SIGINT and SIGHUP while the body runs; a signal that arrives meanwhile
    is delivered when it is done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _interrupt(signum, frame) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """Within the body, SIGTERM and SIGHUP raise :class:`Interrupted` (as SIGINT raises
    ``KeyboardInterrupt``), so that ``finally`` clauses run and temporary files go."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        previous[signum] = signal.signal(signum, _interrupt)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _recover(lock: Lock) -> None:
    folder = lock.folder
    journal_path = folder / JOURNAL
    if journal_path.exists():
        try:
            journal = json.loads(journal_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise InputError(f"unreadable journal of an interrupted commit ({error}); inspect the folder and "
                             f"delete {JOURNAL} once its files are as they should be", path=journal_path) from None
        lock.recovered = _replay(folder, journal)
    for directory in [folder, *sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))]:
        for path in sorted(directory.iterdir()):
            match = _TEMPORARY.match(path.name)
            legacy = _LEGACY.match(path.name) if match is None else None
            if (match is None and legacy is None) or not path.is_file():
                continue
            if match is not None and _alive(int(match.group("pid"))):
                lock.stale.append(path)
                continue
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
                lock.removed.append(path)


@contextlib.contextmanager
def locked(folder: Path | str) -> Iterator[Lock]:
    """Hold the exclusive lock of the data folder ``folder`` (one writer at a time, across
    processes); wait for it if another writer holds it.

    Take it before reading any file whose content decides what to write. On entry, a commit
    that a killed writer left half done is finished and the temporary files of killed writers
    are removed (both listed on the :class:`Lock`). While it is held, SIGTERM and SIGHUP
    raise :class:`kg.errors.Interrupted`; on the way out the writer's temporary files are
    removed. The lock is taken on the folder itself, not on a lock file in it, so a writer
    that writes nothing leaves the folder byte-identical.

    Raises :class:`UsageError` when ``folder`` is not an existing folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"data folder {folder} does not exist (or is not a folder)")
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError as error:
        raise InputError(f"cannot open the data folder: {error.strerror or error}", path=folder) from None
    lock = Lock(folder=folder)
    try:
        with _signals_interrupt():
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX)
                    break
                except InterruptedError:  # pragma: no cover - retried by Python (PEP 475)
                    continue
                except OSError as error:
                    if error.errno != errno.EINTR:
                        raise
            try:
                _recover(lock)
                try:
                    yield lock
                finally:
                    lock._discard()
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)

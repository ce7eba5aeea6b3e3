"""Writing files safely: all at once or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from kg.errors import InputError


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomic(path: Path | str, data: bytes) -> None:
    """Replace ``path`` by ``data`` all at once: a temporary file in the same folder,
    flushed and fsynced, renamed over ``path``, then the folder fsynced. Readers see the old
    file or the new one, never a part; a crash leaves the old file. Raises
    :class:`InputError` when the folder cannot be written."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise InputError(f"cannot write: {error.strerror or error}", path=path) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise InputError(f"cannot write: {error.strerror or error}", path=path) from None
        raise
    with contextlib.suppress(OSError):
        folder = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)

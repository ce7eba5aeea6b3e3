"""Errors iokg reports to people, with where and what, and the exit code of each kind."""

from __future__ import annotations

from enum import Enum, IntEnum
from pathlib import Path
from typing import TypeVar

E = TypeVar("E", bound=Enum)


class ExitCode(IntEnum):
    """Exit codes of the ``iokg`` command, as pySHACL uses them."""

    OK = 0
    VIOLATIONS = 1
    ERROR = 2
    LIMIT = 3


class IokgError(Exception):
    """A problem with the user's input or request; printed without a traceback."""

    exit_code = ExitCode.ERROR


class InputError(IokgError):
    """A file that cannot be read or parsed, with its location where known."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{_where(self.path or '<input>', self.line, self.column)}: {self.message}"

    def __reduce__(self):
        # Keyword-only fields: pickle them (run_bounded sends errors from a child process).
        return (_rebuild, (type(self), self.message, self.path, self.line, self.column))


def _where(path: str, line: int | None, column: int | None) -> str:
    if line is not None:
        path += f":{line}"
        if column is not None:
            path += f":{column}"
    return path


def _rebuild(kind: type, message: str, path: str | None, line: int | None, column: int | None) -> Exception:
    return kind(message, path=path, line=line, column=column)


class UsageError(IokgError):
    """A request that cannot be carried out as asked (unknown name, missing parameter)."""


class Interrupted(KeyboardInterrupt):
    """A writer stopped by a signal (SIGTERM, SIGHUP) while it held the data folder's lock;
    raised so that its temporary files are removed on the way out. Exit code 128 + signal."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signum)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def member(enum: type[E], value: object, *, what: str) -> E:
    """The member of ``enum`` that ``value`` is or names; :class:`UsageError` listing the
    known values otherwise (``what`` names the option: "export format")."""
    try:
        return enum(value)
    except ValueError:
        known = ", ".join(str(m.value) for m in enum)
        raise UsageError(f"unknown {what} {value!r}; known: {known}") from None


class PolicyError(UsageError):
    """Something the network and file policy refuses: a remote JSON-LD context, a SPARQL
    ``SERVICE``, ``LOAD`` or ``FROM`` outside the dataset, a special file (FIFO, device)."""


class LimitError(IokgError):
    """A time, memory or size bound stopped the work; the message says which bound and the
    option that raises it. Where the bound is one of an input file, its file and line."""

    exit_code = ExitCode.LIMIT

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        return f"{_where(self.path, self.line, self.column)}: {self.message}"

    def __reduce__(self):
        return (_rebuild, (type(self), self.message, self.path, self.line, self.column))

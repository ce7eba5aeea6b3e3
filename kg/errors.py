"""Errors iokg reports to people, with where and what, and the exit code of each kind."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Exit codes of the ``iokg`` command, as pySHACL uses them."""

    OK = 0
    VIOLATIONS = 1
    ERROR = 2


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
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


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

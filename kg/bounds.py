"""Bounds on time, memory and input size: every query and every input file is bounded.

Two kinds of bound live here:

- :func:`run_bounded` runs a function in a forked child process (which inherits the loaded
  graph copy-on-write), with a timeout and optionally an address-space limit. On timeout the
  parent kills the child (SIGKILL) and raises :class:`~kg.errors.LimitError`; the CPU is
  freed whatever the child was doing (an rdflib regex in C, an Oxigraph join in Rust, both
  of which ignore Python's signal handlers). Ctrl-C kills the child too.
- :class:`Limits` holds the size bounds the parsers enforce (file size, literal size, IRI
  length, nesting depth, entity expansion, the triples validated incrementally). The command
  line sets them with ``--limit NAME=VALUE``; :func:`limits` reads the ones in effect and
  :func:`using` sets them for a block.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields, replace
from typing import Any, TypeVar

from kg.errors import IokgError, LimitError, UsageError

#: Seconds a query of the ``iokg`` command may run before it is stopped (``--timeout``).
DEFAULT_TIMEOUT = 300.0

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """The size bounds of the input parsers; each field is one ``--limit NAME=VALUE``
    (the field name with hyphens)."""

    #: Bytes of one input file.
    file_size: int = 1 << 30
    #: Characters of one literal (shapes accept at most 10,000 in a quote; this is the parser's bound).
    literal_size: int = 1 << 20
    #: Characters of one IRI.
    iri_length: int = 8192
    #: Depth of nested JSON objects and arrays, or Turtle/TriG blank nodes and collections.
    nesting_depth: int = 100
    #: Characters all XML entity references of an RDF/XML file may expand to.
    entity_expansion: int = 1 << 20
    #: Triples of one batch validated incrementally (`validate`, `add`).
    triples: int = 50_000
    #: Bytes of address space a query may use (None: unbounded); applies with ``--timeout``.
    memory: int | None = None

    @staticmethod
    def option(name: str) -> str:
        """The ``--limit`` name of the field ``name`` (``literal_size`` → ``literal-size``)."""
        return name.replace("_", "-")

    def hint(self, name: str) -> str:
        """How to raise the bound ``name``: ``(bound: literal-size 1048576; --limit literal-size=N raises it)``."""
        option = self.option(name)
        return f"(bound: {option} {getattr(self, name)}; --limit {option}=N raises it)"

    def with_option(self, text: str) -> "Limits":
        """These limits with one ``NAME=VALUE`` applied (sizes take K, M, G suffixes)."""
        name, eq, value = text.partition("=")
        known = {self.option(f.name): f.name for f in fields(self)}
        key = name.strip().lower()
        if not eq or key not in known:
            raise UsageError(f"--limit expects NAME=VALUE with NAME one of {', '.join(known)}, got {text!r}")
        try:
            number = _size(value)
        except ValueError:
            raise UsageError(f"--limit {key}: not a positive number: {value!r} (sizes take K, M or G)") from None
        return replace(self, **{known[key]: number})


def _size(text: str) -> int:
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    factor = 1
    for suffix, power in (("K", 10), ("M", 20), ("G", 30), ("T", 40)):
        if text.endswith(suffix):
            text, factor = text[:-1], 1 << power
    number = int(float(text) * factor)
    if number <= 0:
        raise ValueError(text)
    return number


_LIMITS: ContextVar[Limits] = ContextVar("iokg_limits", default=Limits())


def limits() -> Limits:
    """The size bounds in effect (the defaults unless :func:`using` set others)."""
    return _LIMITS.get()


@contextmanager
def using(bounds: Limits) -> Iterator[Limits]:
    """Set the size bounds for the block (the command line does this for ``--limit``)."""
    token = _LIMITS.set(bounds)
    try:
        yield bounds
    finally:
        _LIMITS.reset(token)


def run_bounded(
    function: Callable[..., T],
    *args: Any,
    timeout: float | None,
    memory: int | None = None,
    **kwargs: Any,
) -> T:
    """Run ``function(*args, **kwargs)`` in a forked child process and return its result.

    The child inherits everything loaded (copy-on-write) and sends its result, or the
    exception it raised, pickled through a pipe. ``timeout`` is in seconds (None: no bound;
    the function then runs in this process); ``memory`` caps the child's address space in
    bytes (RLIMIT_AS).

    Raises :class:`LimitError` when the timeout passes (the child is killed with SIGKILL,
    its CPU freed) or the memory bound is hit; re-raises the function's own exception;
    ``KeyboardInterrupt`` after killing the child on Ctrl-C.
    """
    if timeout is None and memory is None:
        return function(*args, **kwargs)
    if timeout is not None and timeout <= 0:
        raise UsageError(f"--timeout must be a positive number of seconds, got {timeout}")
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "fork() in a multi-threaded process"
        pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(write_end, function, args, kwargs, memory)
    os.close(write_end)
    try:
        payload = _receive(read_end, pid, timeout)
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if not payload:
        raise _died(status, memory)
    kind, value = pickle.loads(payload)
    if kind == "error":
        raise value
    return value


def _child(pipe: int, function: Callable, args: tuple, kwargs: dict, memory: int | None) -> None:
    """Run in the forked child: compute, send, exit without running any cleanup of the parent's."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent kills this process
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        try:
            payload = pickle.dumps(("ok", function(*args, **kwargs)), protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("error", LimitError(_memory_message(memory))))
        except BaseException as error:  # sent to the parent, which raises it
            payload = _pickled_error(error)
        with os.fdopen(pipe, "wb") as out:
            out.write(payload)
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _pickled_error(error: BaseException) -> bytes:
    try:
        payload = pickle.dumps(("error", error))
        pickle.loads(payload)
        return payload
    except Exception:  # an exception that does not survive pickling: send its type and text
        return pickle.dumps(("error", RuntimeError(f"{type(error).__name__}: {error}")))


def _receive(pipe: int, pid: int, timeout: float | None) -> bytes:
    """Read the child's whole answer, or raise LimitError when ``timeout`` passes first."""
    deadline = None if timeout is None else time.monotonic() + timeout
    chunks = []
    while True:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([pipe], [], [], wait)
        if not ready:
            _kill(pid)
            raise LimitError(
                f"stopped after {timeout:g} s (bound: timeout {timeout:g} s; --timeout SECONDS raises it)")
        chunk = os.read(pipe, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _kill(pid: int) -> None:
    """Kill the child and reap it, so that nothing of it runs or lingers."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _memory_message(memory: int | None) -> str:
    size = f"{memory / (1 << 20):.0f} MiB" if memory else "the memory available"
    return f"ran out of memory (bound: memory {size}; --limit memory=N raises it)"


class EngineCrash(IokgError):
    """The child process running a query died without an answer (a crash of the engine)."""


def _died(status: int, memory: int | None) -> Exception:
    if os.WIFSIGNALED(status):
        how = f"was killed by signal {os.WTERMSIG(status)}"
    else:
        how = f"exited with status {os.WEXITSTATUS(status)}"
    if memory is not None:
        return LimitError(f"the query engine {how}; it probably {_memory_message(memory)}")
    return EngineCrash(f"the query engine {how} without an answer; the query is beyond what it can evaluate")

"""What several test modules share: the repository's paths, the Turtle prefixes of iokg's
namespaces, the ``iokg`` command in a subprocess, and a digest of a folder's files."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import json
from decimal import Decimal, InvalidOperation

from rdflib import BNode, URIRef
from rdflib.namespace import XSD

from kg.namespaces import DOCUMENT
from kg.namespaces import PREFIXES as _NAMESPACES

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "kg" / "data"

#: Turtle prefix declarations of every namespace iokg binds (io:, op:, fig:, doc:, …).
PREFIXES = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in sorted(_NAMESPACES.items()))


#: The five curated source documents. Tests of what they state are keyed to them by IRI and
#: run on a data folder that holds only them (``curated_data``), so the graph can grow.
CURATED = tuple(DOCUMENT[key] for key in ("000", "001", "002", "003", "004"))


def curated_data(folder: Path) -> Path:
    """A data folder in ``folder``: the shipped reference, curation and DISARM files and the
    files of the five curated documents only (whatever else ``kg/data/documents`` holds)."""
    (folder / "documents").mkdir(parents=True, exist_ok=True)
    for path in DATA.glob("*.ttl"):
        (folder / path.name).symlink_to(path)
    for document in CURATED:
        path = DATA / "documents" / f"{str(document).rsplit('/', 1)[-1]}.ttl"
        (folder / "documents" / path.name).symlink_to(path)
    return folder


def iokg(*args: str) -> subprocess.CompletedProcess:
    """Run ``python -m kg ARGS`` from the repository root; capture its output."""
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by relative path (hidden files included)."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


NUMERIC = {
    XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long, XSD.short, XSD.byte,
    XSD.nonNegativeInteger, XSD.positiveInteger, XSD.negativeInteger, XSD.nonPositiveInteger,
    XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte,
}


def _number(lexical: str) -> str:
    try:
        value = Decimal(lexical.strip())
    except InvalidOperation:
        return lexical
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def term_key(term, separator: str | None = None) -> str:
    """A term as an engine-independent string: IRIs as <…>, blank nodes as _:, numbers by
    value, other literals as JSON strings with @lang or ^^<datatype>; a GROUP_CONCAT value
    (``separator`` given) as its items sorted, its language or datatype dropped."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return "_:"
    if separator is not None:
        text = str(term)
        return json.dumps(separator.join(sorted(text.split(separator))), ensure_ascii=False) if text else ""
    if term.datatype in NUMERIC:
        return _number(str(term))
    text = json.dumps(str(term), ensure_ascii=False)
    if term.language:
        return f"{text}@{term.language.lower()}"
    if term.datatype and term.datatype != XSD.string:
        return f"{text}^^<{term.datatype}>"
    return text


def free_port() -> int:
    """A TCP port free on the loopback interface now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, *, process: subprocess.Popen | None = None, seconds: float = 180.0) -> None:
    """Poll ``url`` until it answers (any HTTP status); fail if ``process`` dies first."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise RuntimeError(f"the server exited with status {process.returncode}: {output}")
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


class Served:
    """``iokg serve`` in a subprocess on a free loopback port (a context manager)."""

    def __init__(self, *args: str, env: dict | None = None) -> None:
        import os

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        command = [sys.executable, "-m", "kg", "serve", "--port", str(self.port), *args]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        env={**os.environ, **(env or {})})

    def __enter__(self) -> "Served":
        try:
            wait_for(self.url + "openapi.json", process=self.process)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

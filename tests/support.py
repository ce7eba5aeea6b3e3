"""What several test modules share: the repository's paths, the Turtle prefixes of iokg's
namespaces, the ``iokg`` command in a subprocess, and a digest of a folder's files."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from kg.namespaces import PREFIXES as _NAMESPACES

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "kg" / "data"

#: Turtle prefix declarations of every namespace iokg binds (io:, op:, fig:, doc:, …).
PREFIXES = "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in sorted(_NAMESPACES.items()))


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

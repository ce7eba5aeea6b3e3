"""The shapes checked against SHACL-for-SHACL (the W3C shapes of SHACL itself, as pySHACL
ships them), remembered by digest in the user's cache so that ``iokg check`` repeats the
check only when the shapes (or pySHACL) change.

The cache is ``$IOKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/iokg``, else ``~/.cache/iokg``;
``IOKG_NO_CACHE=1`` turns it off. It never writes into the package; a cache that cannot be
read or written is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.namespace import RDF, SH

#: Environment variable that turns every iokg cache off when set to a non-empty value other than 0.
NO_CACHE = "IOKG_NO_CACHE"


def cache_dir() -> Path | None:
    """The user's iokg cache folder, or ``None`` when caching is off."""
    if os.environ.get(NO_CACHE, "") not in ("", "0"):
        return None
    if os.environ.get("IOKG_CACHE_DIR"):
        return Path(os.environ["IOKG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "iokg"


def shapes_digest(shapes: Graph) -> str:
    """SHA-256 of the shapes and of the pySHACL version that checks them. A blank node is
    named by the digest of what it says (its predicates and objects, recursively), so the
    digest does not depend on the labels a parse gives blank nodes; blank nodes in a cycle,
    which shapes do not need, are named by their place in the cycle only."""
    from importlib.metadata import version

    names: dict = {}

    def name(term, stack=()) -> str:
        if not isinstance(term, BNode):
            return term.n3()
        if term in names:
            return names[term]
        if term in stack:
            return "_:cycle"
        inner = sorted(f"{p.n3()} {name(o, stack + (term,))}" for p, o in shapes.predicate_objects(term))
        names[term] = "_:" + hashlib.sha256("\n".join(inner).encode()).hexdigest()
        return names[term]

    lines = sorted(f"{name(s)} {p.n3()} {name(o)}" for s, p, o in shapes)
    digest = hashlib.sha256(f"pyshacl {version('pyshacl')}\n".encode())
    digest.update("\n".join(lines).encode())
    return digest.hexdigest()


def meta_problems(shapes: Graph) -> list[str]:
    """The shapes checked against SHACL-for-SHACL, without a cache: one line per problem."""
    from pyshacl.entrypoints import meta_validate

    conforms, report, _ = meta_validate(shapes, inference="none")
    if conforms:
        return []
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        message = report.value(result, SH.resultMessage)
        problems.append(f"{focus}: {message}")
    return sorted(problems) or ["the shapes do not conform to SHACL-for-SHACL"]


def shape_problems(shapes: Graph) -> list[str]:
    """As :func:`meta_problems`, answered from the cache when these shapes were checked before."""
    folder = cache_dir()
    if folder is None:
        return meta_problems(shapes)
    path = folder / "shapes-meta" / f"{shapes_digest(shapes)}.json"
    try:
        return list(json.loads(path.read_text(encoding="utf-8"))["problems"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    problems = meta_problems(shapes)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(json.dumps({"problems": problems}), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass
    return problems

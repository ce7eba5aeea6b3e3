"""``python -m kg.exports --write-context``: regenerate the shipped JSON-LD context."""

from __future__ import annotations

import argparse

from kg.exports.base import CONTEXT_FILE
from kg.exports.jsonld import context_text
from kg.exports.selection import ontology_graph
from kg.files import write_atomic


def main(argv: list[str] | None = None) -> int:
    """``python -m kg.exports --write-context``: regenerate ``kg/data/context.jsonld`` from
    the ontology."""
    from kg.dataset import load

    parser = argparse.ArgumentParser(prog="python -m kg.exports", description=main.__doc__)
    parser.add_argument("--write-context", action="store_true", help=f"write {CONTEXT_FILE}")
    args = parser.parse_args(argv)
    if not args.write_context:
        parser.print_help()
        return 2
    write_atomic(CONTEXT_FILE, context_text(ontology_graph(load())).encode("utf-8"))
    print(f"wrote {CONTEXT_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

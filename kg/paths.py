"""Where iokg's ontology, shapes, queries and data live.

In a source checkout (or an editable install) they are the top-level folders of the
repository; in an installed wheel they are packaged under ``kg/resources/`` (see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
_ROOT = PACKAGE.parent


def _resource(name: str) -> Path:
    in_checkout = _ROOT / name
    if (_ROOT / "pyproject.toml").is_file() and in_checkout.is_dir():
        return in_checkout
    return PACKAGE / "resources" / name


ONTOLOGY_DIR = _resource("ontology")
SHAPES_DIR = _resource("shapes")
QUERIES_DIR = _resource("queries")
DATA_DIR = PACKAGE / "data"
DOCUMENTS_DIR = DATA_DIR / "documents"

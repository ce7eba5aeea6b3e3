"""Shared pytest options for the iokg test suite."""

from __future__ import annotations

import os
import tempfile

import pytest

# The on-disk index (kg.store.index) lives in $XDG_CACHE_HOME: tests, and the iokg commands
# they start, build theirs in a folder of their own, never in the user's cache.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="iokg-test-cache-")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden result files under tests/ from the current results instead of "
        "comparing with them (review the diff before committing)",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite golden files (``--update-golden``)."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def served():
    """``iokg serve`` on a free loopback port, shared by the server's test modules (its
    bounds: --max-rows 2000, the defaults otherwise)."""
    from support import Served

    with Served("--max-rows", "2000") as server:
        yield server


@pytest.fixture(scope="session")
def loaded():
    """The graph loaded in this process, as ``iokg sparql`` and ``iokg query`` load it."""
    from kg.dataset import load

    return load()

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

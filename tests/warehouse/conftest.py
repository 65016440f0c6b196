"""The warehouse room's fixtures."""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture
def con(tmp_path):
    """A connection to a new, empty warehouse file."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        yield connection

"""Fixtures of the marts' tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.constituent_market import build_warehouse


@pytest.fixture(scope="session")
def breadth_warehouse(tmp_path_factory) -> Path:
    """The synthetic cross-section loaded and the breadth marts built, once for the session."""
    return build_warehouse(tmp_path_factory.mktemp("breadth"))

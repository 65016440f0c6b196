"""The serving room's set-up: a small warehouse to publish (small_marts.py builds it, and reads
what a publish serves)."""

from pathlib import Path

import pytest
from small_marts import make_warehouse


@pytest.fixture
def small_warehouse(tmp_path) -> Path:
    """tmp_path/rotation.duckdb: two small marts (small_marts.FCT_A and FCT_B) and raw.prices."""
    return make_warehouse(tmp_path)

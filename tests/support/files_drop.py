"""Helpers of the files source's tests: drop a file in a data folder, read every row of a key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from dagster_project.sources.base import LINE, ORIGIN
from dagster_project.sources.files import FilesSource


def drop(root: Path, name: str, lines: list[str], newline: str = "\n", bom: bool = False) -> Path:
    """Write ``lines`` to ``root/name`` as given (newline and BOM included)."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = newline.join(lines) + newline
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return path


def drop_holdings(root: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write a holdings CSV to ``root/holdings/name`` in ``encoding``."""
    path = root / "holdings" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def days(frame: pd.DataFrame) -> list[str]:
    return frame["date"].dt.strftime("%Y-%m-%d").tolist()


def data_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that load (not the rows' file and line: ORIGIN, LINE)."""
    return [c for c in frame.columns if c not in (ORIGIN, LINE)]


def read_all(source: FilesSource, table: str, key: str) -> pd.DataFrame:
    """Every row of ``key`` in ``table`` (prices, macro, ...), whatever its date."""
    return getattr(source, table)(key, date(1900, 1, 1), date(2100, 12, 31))

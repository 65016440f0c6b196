"""Strict readers of response bodies, shared by the providers: a CSV row with missing fields
(a body cut mid-row) or a cell that is not a date or a number raises ``FetchError`` instead
of loading half a row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import pandas as pd

from dagster_project.sources.base import FetchError


def csv_table(key: str, where: str, text: str, first_line: int = 1) -> pd.DataFrame:
    """A CSV body as a frame of strings (blank lines skipped).

    A row whose field count differs from the header's (a body cut mid-row) raises: half a row
    must never load. ``first_line`` is the line number of ``text``'s first line in the file.
    """
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(row for row in reader if row)
    except StopIteration:
        raise FetchError(key, where, "the CSV has no header row") from None
    except csv.Error as err:
        raise FetchError(key, where, f"unreadable CSV ({err})") from None
    rows = []
    try:
        for row in reader:
            if not row:
                continue
            if len(row) != len(header):
                raise FetchError(
                    key,
                    where,
                    f"CSV line {reader.line_num + first_line - 1} has {len(row)} field(s) where"
                    f" the header has {len(header)}: the body is truncated or malformed; re-run",
                )
            rows.append(row)
    except csv.Error as err:
        raise FetchError(
            key, where, f"unreadable CSV at line {reader.line_num + first_line - 1} ({err})"
        ) from None
    return pd.DataFrame(rows, columns=[h.strip() for h in header], dtype=str)


def parse_dates(key: str, where: str, values: pd.Series, fmt: str | None = None) -> pd.Series:
    """Text dates as datetime64[ns] (index kept); one that does not parse raises."""
    text = values.astype(str).str.strip()
    dates = pd.to_datetime(text, format=fmt, errors="coerce")
    bad = dates.isna()
    if bad.any():
        raise FetchError(
            key,
            where,
            f"unreadable date {text[bad].iloc[0]!r}: the format changed or the body is truncated",
        )
    return dates.astype("datetime64[ns]")


def parse_numbers(
    key: str,
    where: str,
    values: pd.Series,
    column: str,
    nulls: Iterable[str] = ("", "-"),
    names: pd.Series | None = None,
) -> pd.Series:
    """Text numbers (``"1,234.50"``) as floats, ``nulls`` as NaN; anything else raises, naming
    the value's row: its name in ``names`` (a holding's ticker), else its row of the table."""
    text = values.astype("string").str.strip().str.replace(",", "", regex=False)
    text = text.mask(text.isin(tuple(nulls)))
    numbers = pd.to_numeric(text, errors="coerce").astype(float)
    bad = numbers.isna() & text.notna()
    if bad.any():
        row = bad.to_numpy().argmax()
        named = f"of {names.iloc[row]}" if names is not None else f"in row {row + 1} of the table"
        raise FetchError(
            key,
            where,
            f"{column} {values.iloc[row]!r} {named} is not a number (an edited file, or the"
            " format changed)",
        )
    return numbers

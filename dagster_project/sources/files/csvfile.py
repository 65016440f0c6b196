"""How one file of a files source is read: its cells as text, its dates, its values, and
what makes the file unusable as a whole (a missing column, a date that does not parse, two
different rows for one date)."""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path

import pandas as pd

from dagster_project.sources.base import LINE, ORIGIN, FetchError

MILLIONS = ("_m", "_musd")  # suffixes of a column in millions of its base column's unit
# a time of day and a UTC offset, as yfinance writes dates: "2026-01-02 00:00:00-05:00"
UTC_OFFSET = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|[+-]\d{2}:?\d{2})$")
log = logging.getLogger(__name__)


def read(path: Path, key: str) -> pd.DataFrame:
    """The file's cells as stripped text ("" when empty), under lower-case column names.

    Blank lines are dropped; ``LINE`` holds each row's line number in the file. The header as
    written is kept in ``attrs["header"]`` for error messages.
    """
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            skip_blank_lines=False,
            index_col=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        problem = str(error).strip().splitlines()[0]
        raise FetchError(key, str(path), f"cannot read the file as CSV: {problem}") from error
    header = [str(c).strip() for c in frame.columns]
    frame.columns = [re.sub(r"\s+", "_", c.lower()) for c in header]  # "Adj Close" -> adj_close
    frame = frame.astype(object).fillna("").map(str.strip)
    blank = (frame == "").all(axis=1)
    frame[LINE] = frame.index + 2
    frame = frame[~blank].reset_index(drop=True)
    frame.attrs["header"] = header
    return frame


def require(frame: pd.DataFrame, columns: list[str], key: str, path: Path) -> None:
    missing = [c for c in columns if c not in frame]
    if missing:
        has = ", ".join(frame.attrs.get("header", [])) or "no columns"
        raise FetchError(
            key,
            str(path),
            f"missing column(s) {', '.join(missing)} (case does not matter); the file has {has}",
        )


def etf_column(frame: pd.DataFrame, base: str) -> tuple[str, float] | None:
    """The column holding ``base`` and the factor to units: itself, or its millions column."""
    if base in frame:
        return base, 1.0
    return next(((base + s, 1e6) for s in MILLIONS if base + s in frame), None)


def dates(frame: pd.DataFrame, column: str, key: str, path: Path) -> pd.Series:
    """The column as dates: ISO (2026-01-02, 2026-01-02 00:00:00[-05:00]) or unambiguous text.

    A UTC offset is dropped, keeping the date as written. Other text is accepted when pandas
    reads it the same day-first and month-first, with a four-digit year (``Jan 2, 2026``; not
    ``01/02/2026``, nor ``26-01-02``, which would be 26 January 2002).
    """
    text = frame[column].str.replace(UTC_OFFSET, r"\1", regex=True)
    dates = pd.to_datetime(text, format="ISO8601", errors="coerce")
    rest = dates.isna() & (text != "") & text.str.contains(r"\d{4}", regex=True)
    if rest.any():
        month_first = pd.to_datetime(text[rest], format="mixed", errors="coerce")
        day_first = pd.to_datetime(text[rest], format="mixed", errors="coerce", dayfirst=True)
        dates[rest] = month_first.where(month_first == day_first)
    bad = dates.isna()
    if bad.any():
        examples = "; ".join(
            f"line {line}: {value!r}"
            for line, value in zip(frame[LINE][bad][:3], frame[column][bad][:3], strict=True)
        )
        raise FetchError(
            key,
            str(path),
            f"{int(bad.sum())} date(s) that do not parse ({examples}); write dates as YYYY-MM-DD",
        )
    return dates.dt.normalize()


def values(text: pd.Series, scale: float = 1.0, missing: tuple[str, ...] = ("",)) -> pd.Series:
    """Floats (times ``scale``) when every cell given is a number; else the cells as written.

    Missing cells are NaN, or None in a text column. A text column keeps each cell's text; when
    ``scale`` is not 1, its numbers are scaled and written back as text.
    """
    present = ~text.isin(missing)
    numbers = pd.to_numeric(text.where(present), errors="coerce").astype("float64")
    if not (present & numbers.isna()).any():
        return numbers * scale
    out = text.astype(object).where(present, None)
    if scale != 1:
        scaled = numbers.notna()
        out[scaled] = (numbers[scaled] * scale).map(repr)
    return out


def finish(
    frame: pd.DataFrame, keys: list[str], key: str, path: Path, start: date, end: date
) -> pd.DataFrame:
    """Collapse exact duplicates, refuse conflicting ones, keep start..end, sort by the keys;
    each row keeps its file (``ORIGIN``) and line (``LINE``).

    A file without a single row with a value is refused: loading nothing from it would pass
    for a key loaded.
    """
    if frame.empty:
        raise FetchError(
            key, str(path), "no rows with a value (a header only, or every value missing)"
        )
    frame = frame[~frame.drop(columns=LINE).duplicated()]
    clash = frame[frame.duplicated(subset=keys, keep=False)]
    if not clash.empty:
        lines = clash.groupby(clash["date"].dt.strftime("%Y-%m-%d"))[LINE].unique()
        at = "; ".join(f"{day} (lines {', '.join(map(str, n))})" for day, n in lines[:5].items())
        more = f" and {len(lines) - 5} more date(s)" if len(lines) > 5 else ""
        raise FetchError(
            key, str(path), f"different rows for the same date: {at}{more}; keep one per date"
        )
    if start is not None:
        frame = frame[frame["date"] >= pd.Timestamp(start)]
    if end is not None:
        later = frame["date"] > pd.Timestamp(end)
        if later.any() and end >= date.today():  # after today: a typo, not a later window
            first = frame[later].iloc[0]
            log.warning(
                "%s: %s has %d row(s) dated after today, left out (line %d: %s)",
                key,
                path,
                int(later.sum()),
                first[LINE],
                first["date"].date(),
            )
        frame = frame[~later]
    frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    return frame.assign(**{ORIGIN: str(path)})  # with LINE: where each row came from

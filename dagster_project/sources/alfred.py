"""ALFRED's vintages of a FRED series, in the two shapes ALFRED and FRED's API deliver them.

ALFRED (ArchivaL FRED) keeps every vintage of a series: the values as published on each day the
series changed. The files source reads its downloads and the FRED API client its JSON; both
turn them into the rows of ``raw.macro_observations`` here, so that a vintage means the same
whichever way it arrived:

- **wide** (ALFRED's "all vintages" CSV): ``observation_date,UNRATE_20240705,UNRATE_20240802,..``,
  one column per vintage, named after the series and the vintage date (``YYYYMMDD``); ``.`` or
  an empty cell where that vintage has no value for that date (not yet observed, or dropped).
- **periods** (ALFRED's real-time periods, as FRED's ``fred/series/observations`` gives them
  with ``realtime_start``/``realtime_end``): ``realtime_start,realtime_end,date,value``, each row
  the value of one date over one real-time period; ``.`` is missing.

Either way a row out is one vintage of one observation: ``date``, ``realtime_start`` (the day
the value was published), ``value`` (the text as written) and ``realtime_kind`` ``vintage``.
Only changes are vintages: a vintage whose value is the one already in force for that date
(the previous vintage's, compared as numbers) adds no row, as ALFRED's wide CSV repeats every
value in every later column. A value that disappears in a later vintage (``.`` after a number)
is not a vintage either: the observation keeps its last number, as a withdrawn value is rare
and reading it as "unknown from then on" would hide a value the analyst had.

**The archive's start.** ALFRED's archive of a series begins on some date (its earliest vintage);
every observation older than that first appears in that vintage, though it was published long
before: dated so, the whole early history would be unknown until the archive began. So an
observation first seen in the download's earliest vintage whose release (the project's calendar,
``releases.release_dates``, kind ``estimate``; or FRED's published release dates, kind
``release``) came before that vintage is known from its release date instead. Only its first
vintage moves, and only in the download's earliest vintage: a later vintage, or a first one
after the earliest, is a real publication day. (An observation first published on the archive's
first day is left there when its release date by the calendar is not earlier.)
"""

from __future__ import annotations

import re
from datetime import date as Date

import numpy as np
import pandas as pd

from dagster_project import reference, releases
from dagster_project.sources.base import FetchError

MISSING = ("", ".")
PERIOD_COLUMNS = ("realtime_start", "realtime_end", "date", "value")
VINTAGE_DATE = re.compile(r"^\d{8}$")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_periods(columns) -> bool:
    """Whether a table's (lower-case) columns are ALFRED's real-time periods."""
    return set(PERIOD_COLUMNS) <= set(columns)


def vintage_dates(series_id: str, where: str, columns: list[str]) -> dict[str, pd.Timestamp]:
    """Each vintage column of a wide download (``UNRATE_20240705``, any case) with its date.

    A column of another series (``PAYEMS_20240705`` in UNRATE's file) or whose suffix is not a
    date (``UNRATE_2024X705``) raises: the file is not what its name says, or was edited.
    """
    out = {}
    for column in columns:
        name, _, suffix = column.rpartition("_")
        if name.upper() != series_id.upper():
            raise FetchError(
                series_id,
                where,
                f"column {column.upper()} is not a vintage of {series_id}"
                f" ({series_id}_YYYYMMDD): the file holds another series than its name says",
            )
        day = pd.to_datetime(suffix, format="%Y%m%d", errors="coerce")
        if not VINTAGE_DATE.match(suffix) or pd.isna(day):
            raise FetchError(
                series_id,
                where,
                f"vintage column {column.upper()}: {suffix.upper()!r} is not a date (YYYYMMDD"
                " after the series id and an underscore, as ALFRED writes it)",
            )
        out[column] = day
    return out


def wide(
    series_id: str, where: str, table: pd.DataFrame, date_column: str, keep: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The vintages of ALFRED's wide CSV: ``table`` holds ``date_column`` (datetime64), the
    ``keep`` columns (carried along, e.g. a line number) and one text column per vintage."""
    columns = [c for c in table.columns if c != date_column and c not in keep]
    vintages = vintage_dates(series_id, where, columns)
    long = table.rename(columns={date_column: "date"}).melt(
        id_vars=["date", *keep], value_vars=columns, var_name="_vintage", value_name="value"
    )
    long["realtime_start"] = long.pop("_vintage").map(vintages).astype(long["date"].dtype)
    return _changes(series_id, where, long)


def periods(
    series_id: str, where: str, table: pd.DataFrame, keep: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The vintages of real-time periods: ``table`` holds ``date`` (datetime64), the text
    columns ``realtime_start``, ``realtime_end`` (``9999-12-31``: still in force) and ``value``,
    and the ``keep`` columns. A period that ends before it starts raises."""
    starts, ends = (_iso_days(series_id, where, table[c], c) for c in PERIOD_COLUMNS[:2])
    backwards = ends < starts  # ISO dates compare as text; 9999-12-31 does not fit datetime64
    if backwards.any():
        row = table[backwards].iloc[0]
        raise FetchError(
            series_id,
            where,
            f"{int(backwards.sum())} real-time period(s) ending before they start (date"
            f" {row['date']:%Y-%m-%d}: realtime_start {starts[backwards].iloc[0]}, realtime_end"
            f" {ends[backwards].iloc[0]})",
        )
    rows = table[["date", "value", *keep]].assign(
        realtime_start=pd.to_datetime(starts, format="%Y-%m-%d").astype(table["date"].dtype)
    )
    return _changes(series_id, where, rows)


def backdate_archive_start(
    series_id: str, frame: pd.DataFrame, published: pd.Series | None = None
) -> pd.DataFrame:
    """``frame`` (vintages: date, realtime_start, realtime_kind) with the observations first seen
    in its earliest vintage but released before it known from their release date (see the
    module's docstring).

    The release date is the first of ``published`` (FRED's release dates of the series' release)
    after the observation's period (kind ``release``); without ``published``, or for an
    observation whose period ended before the first of them or after the last (its release is
    not among them), the project's calendar (kind ``estimate``).
    """
    if frame.empty:
        return frame
    frame = frame.sort_values(["date", "realtime_start"], kind="stable").reset_index(drop=True)
    earliest = frame["realtime_start"].min()
    first = ~frame.duplicated("date") & (frame["realtime_start"] == earliest)
    dates = frame.loc[first, "date"]
    released = pd.DataFrame(
        {
            "realtime_start": releases.release_dates(series_id, dates).to_numpy(),
            "realtime_kind": "estimate",
        },
        index=dates.index,
    )
    if published is not None and len(published):
        listed = np.sort(pd.to_datetime(published).to_numpy(dtype="datetime64[ns]"))
        after = np.searchsorted(listed, period_ends(series_id, dates).to_numpy(), side="right")
        covered = (after > 0) & (after < len(listed))
        released.loc[covered, "realtime_start"] = listed[after[covered]]
        released.loc[covered, "realtime_kind"] = "release"
    earlier = released["realtime_start"] < earliest
    frame = frame.copy()
    frame.loc[released.index[earlier], ["realtime_start", "realtime_kind"]] = released[earlier]
    frame["realtime_start"] = frame["realtime_start"].astype(frame["date"].dtype)
    return frame.sort_values(["date", "realtime_start"], kind="stable").reset_index(drop=True)


def period_ends(series_id: str, dates: pd.Series) -> pd.Series:
    """The last day of each observation's period, by the series' frequency in the seed: the
    month's end for a monthly series, the quarter's or year's end likewise; the date itself for
    a daily or weekly one (FRED dates a week by its last day) or a series not in the seed."""
    series = reference.macro_series().set_index("series_id")["frequency"]
    frequency = series.get(series_id, "daily")
    period = {"monthly": "M", "quarterly": "Q", "annual": "Y"}.get(frequency)
    if period is None:
        return dates
    return dates.dt.to_period(period).dt.end_time.dt.normalize()


def _changes(series_id: str, where: str, rows: pd.DataFrame) -> pd.DataFrame:
    """Of the vintages of each date (in realtime_start order), those that change its value."""
    value = rows["value"].fillna("").astype(str).str.strip()
    rows = rows.assign(value=value)[~value.isin(MISSING)]
    if rows.empty:
        raise FetchError(series_id, where, "no value at all: every cell is '.' or empty")
    rows = rows.sort_values(["date", "realtime_start"], kind="stable")
    numbers = pd.to_numeric(rows["value"], errors="coerce")
    same = numbers.astype(object).where(numbers.notna(), rows["value"])  # 4.40 is 4.4
    repeats = same.eq(same.groupby(rows["date"]).shift()).to_numpy()
    out = rows[~repeats].assign(series_id=series_id, realtime_kind="vintage")
    columns = ["series_id", "date", "value", "realtime_start", "realtime_kind"]
    return out[columns + [c for c in out.columns if c not in columns]].reset_index(drop=True)


def _iso_days(series_id: str, where: str, text: pd.Series, column: str) -> pd.Series:
    """A column of YYYY-MM-DD dates, checked, as text (``9999-12-31`` included)."""
    text = text.fillna("").astype(str).str.strip()
    for day in text.unique():
        try:
            valid = bool(ISO_DAY.match(day)) and Date.fromisoformat(day) is not None
        except ValueError:
            valid = False
        if not valid:
            raise FetchError(series_id, where, f"{column} {day!r} is not a date (YYYY-MM-DD)")
    return text

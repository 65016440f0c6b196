"""Vintages of macro observations: what was known when.

``raw.macro_observations`` keeps every vintage of every observation, (series_id, date,
realtime_start) -> value: the value as published from ``realtime_start`` on. A load adds new
vintages and never rewrites an old one. ``realtime_kind`` says where each ``realtime_start``
comes from:

- ``vintage``: the provider's real-time period (ALFRED's vintages, FRED's API with real-time
  periods, the sample's simulated vintages);
- ``release``: a published release date (FRED's release dates) for a value without a vintage;
- ``estimate``: the project's release calendar (``releases``) for a value without a vintage;
- ``loaded``: a revised value from a source without vintages: known from the day a load first
  saw it (its real release day is not known, and is not later).

A source without vintages returns ``series_id, date, value`` only; ``dated`` gives its rows
their release dates. ``new_vintages`` then keeps, of a load's rows, only what is new.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dagster_project import releases

KINDS = ("vintage", "release", "estimate", "loaded")
WITHOUT_VINTAGES = ("release", "estimate")  # the value is the latest the source gave
OBSERVATION = ["series_id", "date"]
VINTAGE = [*OBSERVATION, "realtime_start"]  # the key of raw.macro_observations


def dated(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``realtime_start`` and ``realtime_kind`` on every row: rows that lack one
    (a source without vintages) are known from their release date (kind ``estimate``)."""
    frame = frame.copy()
    if "realtime_start" not in frame:
        frame["realtime_start"] = pd.NaT
    if "realtime_kind" not in frame:
        frame["realtime_kind"] = None
    frame["realtime_start"] = pd.to_datetime(frame["realtime_start"])
    undated = frame["realtime_start"].isna()
    today = pd.Timestamp(date.today())
    for series_id, rows in frame[undated].groupby("series_id"):
        # a value the source already has was out by today, whatever the calendar expected
        known = releases.release_dates(str(series_id), rows["date"]).clip(upper=today)
        frame.loc[rows.index, "realtime_start"] = known.to_numpy()
        frame.loc[rows.index, "realtime_kind"] = "estimate"
    return frame


def new_vintages(frame: pd.DataFrame, stored: pd.DataFrame, today: date) -> pd.DataFrame:
    """The rows of ``frame`` (dated) that add to ``stored`` (the stored vintages of the same
    series: series_id, date, realtime_start, value):

    - a vintage whose value is the one already in force at its realtime_start (a stored vintage
      of the same observation starting earlier has it) adds nothing and is dropped (FRED's API
      repeats a value from the start of the real-time period asked for);
    - a value from a source without vintages (kind ``release`` or ``estimate``) is dropped when
      it equals the observation's latest stored value or the value stored under its own key (a
      release-dated value a vintage revised since); when it differs from both (a revision), it
      is a new vintage known from ``today`` (kind ``loaded``), not from its release date, which
      the stored value already holds.

    Rows whose key is stored keep their key (the upsert leaves equal ones unchanged).
    """
    if frame.empty or stored.empty:
        return frame
    frame = frame.reset_index(drop=True)
    stored = _as_days(stored).sort_values(VINTAGE)
    incoming = _as_days(frame)
    at_key = incoming[VINTAGE].merge(
        stored[[*VINTAGE, "value"]].rename(columns={"value": "at_key"}), on=VINTAGE, how="left"
    )["at_key"]
    exact = at_key.notna().to_numpy()
    numbers = pd.to_numeric(incoming["value"], errors="coerce")
    in_force = _in_force(incoming.assign(value=numbers), stored)
    latest = _latest(incoming, stored)

    without = incoming["realtime_kind"].isin(WITHOUT_VINTAGES).to_numpy()
    repeats = (~without) & (~exact) & (in_force.to_numpy() == numbers.to_numpy())
    # nothing new: the latest stored value, or the value stored under the same key (an old
    # release-dated value that a vintage revised since, read again)
    same_as_stored = without & (
        (latest.to_numpy() == numbers.to_numpy()) | (at_key.to_numpy() == numbers.to_numpy())
    )
    revised = without & latest.notna().to_numpy() & ~same_as_stored
    out = frame.copy()
    out.loc[revised, "realtime_start"] = [
        max(start, pd.Timestamp(today)) for start in incoming.loc[revised, "realtime_start"]
    ]
    out.loc[revised, "realtime_kind"] = "loaded"
    return out[~(repeats | same_as_stored)].reset_index(drop=True)


def _as_days(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its date and realtime_start in one datetime unit, so both sides compare."""
    return table.assign(
        **{c: pd.to_datetime(table[c]).astype("datetime64[ns]") for c in VINTAGE[1:]}
    )


def _in_force(incoming: pd.DataFrame, stored: pd.DataFrame) -> pd.Series:
    """The stored value in force at each incoming realtime_start (the latest stored vintage of
    its observation starting before it; NaN if none), in the order of ``incoming``."""
    return (
        pd.merge_asof(
            incoming.assign(_row=range(len(incoming))).sort_values("realtime_start")[
                [*VINTAGE, "_row", "value"]
            ],
            stored.rename(columns={"value": "in_force", "realtime_start": "since"}).sort_values(
                "since"
            )[[*OBSERVATION, "since", "in_force"]],
            left_on="realtime_start",
            right_on="since",
            by=OBSERVATION,
            allow_exact_matches=False,
        )
        .set_index("_row")
        .sort_index()["in_force"]
    )


def _latest(incoming: pd.DataFrame, stored: pd.DataFrame) -> pd.Series:
    """The latest stored value of each incoming row's observation (NaN if none), in the order
    of ``incoming``; ``stored`` is sorted by its key."""
    latest = stored.groupby(OBSERVATION, as_index=False).last()[[*OBSERVATION, "value"]]
    return incoming[OBSERVATION].merge(latest, on=OBSERVATION, how="left")["value"]

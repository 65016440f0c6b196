"""Prices only: histories the source re-based, and adjusted closes a fallback does not give.

Providers re-base a whole price history at a dividend (Yahoo's Adj Close) or a split (its Close
too): loading only its end would leave a false return where the overlap begins. So a price
history whose overlap no longer matches what is stored, on a day before the last one loaded, is
fetched again whole. A fallback provider without adjusted closes (Stooq) must neither erase a
stored total-return history nor join unadjusted closes to it: its missing adjusted closes are
filled from the stored ones.
"""

from datetime import date, timedelta

import numpy as np
import pandas as pd
from duckdb import DuckDBPyConnection

from dagster_project import warehouse
from dagster_project.ingest.fetched import Fetched, collect, fetch_one
from dagster_project.ingest.specs import INGESTS, Fetch, Window


def stored_overlaps(
    con: DuckDBPyConnection,
    table: str,
    keys: list[str],
    last_loaded: dict[str, date],
    window: Window,
) -> pd.DataFrame | None:
    """The stored overlaps of the keys a source may re-base (``Ingest.rebased``), else None;
    keys whose overlap reaches the start date are fetched whole anyway."""
    if not INGESTS[table].rebased:
        return None
    overlap = timedelta(days=window.overlap_days)
    since = {k: last_loaded[k] for k in keys if k in last_loaded}
    since = {k: last for k, last in since.items() if last - overlap > window.start}
    return warehouse.recent_prices(con, since, window.overlap_days)


def _rebased(frames: list[pd.DataFrame], stored: pd.DataFrame) -> set[str]:
    """The symbols whose fetched rows change a close or adjusted close of ``stored`` (their
    stored overlaps, with each one's ``last_date``) on a day before their last loaded one (whose
    close may have been a partial day's). One merge for a whole batch of members."""
    columns = ["symbol", "date", "close", "adj_close"]
    fetched = pd.concat([f.reindex(columns=columns) for f in frames], ignore_index=True)
    fetched["date"] = pd.to_datetime(fetched["date"])
    both = fetched.merge(stored, on=["symbol", "date"], suffixes=("", "_stored"))
    both = both[both["date"] < both["last_date"]]
    changed = np.zeros(len(both), dtype=bool)
    for column in ("close", "adj_close"):
        values = pd.to_numeric(both[column], errors="coerce").to_numpy(float)
        differs = ~np.isclose(
            values, both[f"{column}_stored"].to_numpy(float), rtol=1e-9, atol=0, equal_nan=True
        )
        if column == "adj_close":  # a source without adjusted closes (Stooq) says nothing of them
            differs &= ~np.isnan(values)
        changed |= differs
    return set(both.loc[changed, "symbol"])


def _keep_adjusted(frames: list[pd.DataFrame], stored: pd.DataFrame) -> list[pd.DataFrame]:
    """``frames`` with the adjusted closes a fallback provider does not give (Stooq: none)
    filled for the symbols whose stored rows have them: on a stored day the stored value, after
    it the close times the symbol's last stored adjustment (adj_close / close). Else the
    fallback would erase a total-return history, or join unadjusted closes to it (a false
    return where they meet). A dividend going ex in the meantime is missed until the primary
    provider answers again: its overlap then differs, and the history is fetched again whole."""
    lacking = {
        f["symbol"].iloc[0] for f in frames if "adj_close" in f and f["adj_close"].isna().any()
    }
    adjusted = stored[stored["symbol"].isin(lacking)].dropna(subset=["adj_close"])
    if adjusted.empty:  # the usual case: every fetched history has its adjusted closes
        return frames
    adjusted = adjusted.sort_values("date")
    factor = adjusted.groupby("symbol")[["adj_close", "close"]].last()
    factor = factor["adj_close"] / factor["close"]
    kept = adjusted.set_index(["symbol", "date"])["adj_close"]
    out = []
    for frame in frames:
        missing = frame["adj_close"].isna() if "adj_close" in frame else None
        if missing is None or not missing.any() or frame["symbol"].iloc[0] not in factor.index:
            out.append(frame)
            continue
        symbol = frame["symbol"].iloc[0]
        days = pd.MultiIndex.from_arrays([frame["symbol"], pd.to_datetime(frame["date"])])
        on_stored_day = pd.Series(kept.reindex(days).to_numpy(), index=frame.index)
        extended = pd.to_numeric(frame["close"], errors="coerce") * factor[symbol]
        filled = frame["adj_close"].where(~missing, on_stored_day.fillna(extended))
        out.append(frame.assign(adj_close=filled))
    return out


def fetch_rebased_whole(
    fetch: Fetch, fetched: Fetched, stored: pd.DataFrame | None, window: Window
) -> Fetched:
    """``fetched`` with the keys whose history the source re-based (``_rebased``) fetched again
    from the start date, and the adjusted closes a fallback did not give kept
    (``_keep_adjusted``)."""
    if stored is None or not fetched.frames:
        return fetched
    keys = sorted(_rebased(fetched.frames, stored))
    if keys:
        again = collect(fetch_one(fetch, key, {}, window) for key in keys)
        fetched.frames = [f for f in fetched.frames if f.empty or f["symbol"].iloc[0] not in keys]
        fetched.frames += again.frames
        fetched.failed.update(again.failed)
        fetched.rebased += keys
    fetched.frames = _keep_adjusted(fetched.frames, stored)
    return fetched

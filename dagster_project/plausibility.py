"""Is a staged load plausible against the history it joins? The checks no row-wise suite can make.

Run on a load staged by ``warehouse.upsert`` (its temp tables ``changed``, the rows to insert or
update, and ``doomed``, the stored rows to delete), before anything is written. Each blocked
row is described with where it came from (the file and line, or the URL: ``Provenance``), its
value and the stored neighbours it was compared with. The bounds are reference data a user may
tune: ``dbt_models/seeds/load_bounds.csv`` and the macro series' ``plausible_min`` and
``plausible_max`` (``macro_series.csv``).

Prices (instruments and members), each changed close against its neighbours as they would be
once the load is written:

- a **decimal slip**: a close within ``decimal_slip`` of 10x, 100x or 1000x (or 1/10 ...) of both
  neighbours, the days before and after, each at most a week away (a number cut or shifted by a
  digit);
- a **move beyond its bounds**: a close above ``max_rise`` or below ``max_fall`` of the close
  before it (the one after, for a row with none before), by kind (index, ETF, member), when the
  two are at most a week apart (a daily move, not a gap in the history), unless the
  stored history has moved as far, or a split explains it, on an ETF or a member: Close moves
  by a split's ratio (2, 3, 4, 1.5 ... or their inverse) against Adj Close, which carries the
  split and moves within the bounds (Yahoo's unadjusted Close); or, in a file where neither is
  adjusted, both move together by about a split's ratio.

Macro observations, each changed value:

- outside its series' plausible range;
- a move from the observation before it (as it would stand once written) more than
  ``jump_multiple`` times the largest such move in the series' stored history (judged once
  more than ``HISTORY_MIN_MOVES`` observations are stored: a first load is judged by range).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import duckdb
import numpy as np
import pandas as pd

from dagster_project import reference
from dagster_project.sources.base import LINE, ORIGIN

SPLIT_RATIOS = (1.25, 4 / 3, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 15, 20, 25, 30, 40, 50)
SPLIT_TOLERANCE = 0.02  # how near a split's ratio a move must be (a dividend, the day's move)
HISTORY_MIN_MOVES = 12  # a macro series' stored observations needed before jumps are judged
NEIGHBOUR_WINDOW_DAYS = 400  # stored rows this far before a load's first day are read
MAX_GAP_DAYS = 7  # a move between closes further apart is not a daily move: not judged


@cache
def bounds() -> dict[tuple[str, str], float]:
    """(bound, applies_to) -> value, from the load_bounds seed."""
    frame = reference.load_bounds()
    return {
        (b, a): float(v)
        for b, a, v in frame[["bound", "applies_to", "value"]].itertuples(index=False)
    }


@dataclass
class Provenance:
    """Where each row of a load came from: the file and line, or the URL (the source's
    ``_origin`` and ``_line`` columns), by the key's first column and date. Read only for the
    rows a problem names: a load that passes (a batch of a million rows) pays nothing for it."""

    rows: pd.DataFrame | None = None  # key, date, origin, line
    fallback: str = "the source"
    _index: dict | None = field(default=None, init=False, repr=False)  # (key, date) -> row

    @classmethod
    def of(cls, frame: pd.DataFrame, key: str, fallback: str) -> Provenance:
        if ORIGIN not in frame or not len(frame):
            return cls(None, fallback)
        lines = frame[LINE] if LINE in frame else pd.Series(None, index=frame.index)
        rows = pd.DataFrame(
            {"key": frame[key].astype(str), "date": frame["date"], "origin": frame[ORIGIN]}
        ).assign(line=lines)
        return cls(rows.reset_index(drop=True), fallback)

    def where(self, key: str, day) -> str:
        if self._index is None:  # built once, when a first problem is described
            rows = self.rows if self.rows is not None else pd.DataFrame(columns=["key", "date"])
            dates = pd.to_datetime(rows["date"], errors="coerce")
            self._index = dict(zip(zip(rows["key"], dates, strict=True), rows.index, strict=True))
        at = self._index.get((str(key), pd.Timestamp(day)))
        if at is None:
            return f"{self.fallback} ({key})"
        origin, line = self.rows.loc[at, ["origin", "line"]]
        return origin if pd.isna(line) else f"{origin} line {int(line)}"


def _kind_bounds(symbols: list[str]) -> pd.DataFrame:
    """symbol, kind, max_rise, max_fall, split_ok for each symbol (members: not in the seed)."""
    kinds = dict(reference.instruments()[["symbol", "kind"]].itertuples(index=False))
    rows = []
    for symbol in symbols:
        kind = kinds.get(symbol, "member")
        rows.append(
            (
                symbol,
                kind,
                bounds()[("max_rise", kind)],
                bounds()[("max_fall", kind)],
                kind != "index",
            )
        )
    return pd.DataFrame(rows, columns=["symbol", "kind", "max_rise", "max_fall", "split_ok"])


# The stored neighbours of the changed rows, as they will stand (only for keys with stored rows:
# a first load reads nothing of raw.prices).
STORED_NEIGHBOURS = f"""
    select p.symbol, p.date, p.close, p.adj_close, false as new
    from raw.prices p join firsts f on p.symbol = f.symbol
        and p.date >= f.first - interval {NEIGHBOUR_WINDOW_DAYS} day
    where p.symbol in (select symbol from stored_keys)
        and not exists (select 1 from changed c where c.symbol = p.symbol and c.date = p.date)
        and not exists (select 1 from doomed d where d.symbol = p.symbol and d.date = p.date)
    union all
"""
# Each changed close against its neighbours once the load is written; only the rows that may be
# blocked come back (a slip, or a move beyond its kind's bounds), for the checks in pandas.
PRICE_MOVES = f"""
with firsts as (select symbol, min(date) as first from changed group by all),
after as (
    {{stored}}
    select symbol, date, close, adj_close, true as new from changed
),
moves as (
    select *,
        lag(date) over w as prev_date, lag(close) over w as prev_close,
        lag(adj_close) over w as prev_adj,
        lead(date) over w as next_date, lead(close) over w as next_close,
        lead(adj_close) over w as next_adj
    from after window w as (partition by symbol order by date)
),
judged as (
    -- the move into the row from the close before; a row with none before: from it to the next
    select m.*, b.kind, b.max_rise, b.max_fall, b.split_ok,
        m.prev_close is not null as has_prev,
        coalesce(m.prev_close, m.next_close) as base,
        coalesce(m.prev_date, m.next_date) as base_day,
        if(m.prev_close is not null, m.close / m.prev_close, m.next_close / m.close) as ratio,
        if(m.prev_close is not null, m.adj_close / m.prev_adj, m.next_adj / m.adj_close)
            as adj_ratio,
        log10(m.close / m.prev_close) as up, log10(m.close / m.next_close) as down
    from moves m join bounds b using (symbol)
    where m.new and (m.prev_close is not null or m.next_close is not null)
),
flagged as (
    select *,
        coalesce(
            date - prev_date <= {MAX_GAP_DAYS} and next_date - date <= {MAX_GAP_DAYS}
            and round(up) <> 0 and round(up) = round(down)
            and abs(up - round(up)) < log10(1 + $slip)
            and abs(down - round(down)) < log10(1 + $slip),
            false
        ) as slip,
        abs(date - base_day) <= {MAX_GAP_DAYS}
            and (ratio - 1 > max_rise or 1 - ratio > max_fall) as beyond
    from judged
)
select * from flagged where slip or beyond order by symbol, date
"""

STORED_EXTREMES = """
select symbol, max(close / prev) - 1 as rose, 1 - min(close / prev) as fell
from (
    select symbol, close, lag(close) over (partition by symbol order by date) as prev
    from raw.prices p
    where symbol in (select unnest(?))
        and not exists (select 1 from changed c where c.symbol = p.symbol and c.date = p.date)
        and not exists (select 1 from doomed d where d.symbol = p.symbol and d.date = p.date)
)
group by all
"""


def _near_split(ratio: pd.Series, tolerance: float) -> pd.Series:
    """Whether each ratio (or its inverse) is within ``tolerance`` of a split's."""
    big = np.maximum(ratio, 1 / ratio).to_numpy(dtype=float)
    nearest = np.abs(big[:, None] / np.array(SPLIT_RATIOS)[None, :] - 1).min(axis=1)
    return pd.Series(nearest < tolerance, index=ratio.index)


def _split(moves: pd.DataFrame) -> pd.Series:
    """Rows whose move a split explains, on an ETF or a member (an index has none):

    - Adj Close carries the split and Close does not (Yahoo's Close, unadjusted): the ratio of
      the two moves is a split's, and the adjusted close itself moves within the bounds;
    - neither carries it (an unadjusted file): both move by the same ratio, near a split's.
    """
    ratio, adj = moves["ratio"], moves["adj_ratio"]
    adjusted = (
        _near_split(ratio / adj, SPLIT_TOLERANCE)
        & (adj - 1 <= moves["max_rise"])
        & (1 - adj <= moves["max_fall"])
    )
    together = (np.log(adj) - np.log(ratio)).abs() < SPLIT_TOLERANCE
    unadjusted = together & _near_split(ratio, SPLIT_TOLERANCE)
    return moves["split_ok"] & (adjusted | unadjusted).fillna(False)


def _day(value) -> str:
    return "" if pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


def price_problems(con: duckdb.DuckDBPyConnection, provenance: Provenance) -> list[str]:
    """The staged price rows (``changed``) blocked against their neighbours, each described."""
    symbols = [s for (s,) in con.execute("select distinct symbol from changed").fetchall()]
    if not symbols:
        return []
    con.register("bounds", _kind_bounds(symbols))
    try:
        ((known,),) = con.execute("select count(*) from stored_keys").fetchall()
        sql = PRICE_MOVES.format(stored=STORED_NEIGHBOURS if known else "")
        moves = con.execute(sql, {"slip": bounds()[("decimal_slip", "price")]}).df()
    finally:
        con.unregister("bounds")
    if moves.empty:
        return []
    has_prev, base, base_day, ratio = (moves[c] for c in ("has_prev", "base", "base_day", "ratio"))
    slip, beyond = moves["slip"], moves["beyond"]
    split = _split(moves)
    # the day after a slip moves back by as much: the slip is reported, not its neighbour
    slips = set(zip(moves.loc[slip, "symbol"], moves.loc[slip, "date"], strict=True))
    after_slip = pd.Series(
        [(s, d) in slips for s, d in zip(moves["symbol"], moves["prev_date"], strict=True)],
        index=moves.index,
        dtype=bool,
    )
    candidates = moves[beyond & ~slip & ~split & ~after_slip]
    if len(candidates):
        extremes = (
            con.execute(STORED_EXTREMES, [sorted(candidates["symbol"].unique())])
            .df()
            .set_index("symbol")
        )
        rose = candidates["symbol"].map(extremes["rose"]).fillna(-np.inf)
        fell = candidates["symbol"].map(extremes["fell"]).fillna(-np.inf)
        r = ratio[candidates.index]
        seen = ((r >= 1) & (r - 1 <= rose)) | ((r < 1) & (1 - r <= fell))
        candidates = candidates[~seen]
    problems = []
    for _, row in moves[slip].iterrows():
        factor = 10 ** round(np.log10(row["close"] / row["prev_close"]))
        problems.append(
            f"{provenance.where(row['symbol'], row['date'])}: {row['symbol']} close"
            f" {row['close']:g} on {_day(row['date'])} is about {factor:g}x both its"
            f" neighbours ({row['prev_close']:g} on {_day(row['prev_date'])},"
            f" {row['next_close']:g} on {_day(row['next_date'])}): a decimal slip or a cut number"
        )
    for i, row in candidates.iterrows():
        move = ratio[i] - 1
        bound = row["max_rise"] if move > 0 else row["max_fall"]
        if has_prev[i]:
            compared = f"a move of {move:+.1%} from {base[i]:g} on {_day(base_day[i])}"
        else:
            compared = f"{base[i]:g} on {_day(base_day[i])}, the close after it, moves {move:+.1%}"
        problems.append(
            f"{provenance.where(row['symbol'], row['date'])}: {row['symbol']} close"
            f" {row['close']:g} on {_day(row['date'])}: {compared}, beyond the {row['kind']}"
            f" bound of {bound:.0%} (dbt_models/seeds/load_bounds.csv) and any move in its"
            " stored history; no split explains it"
        )
    return problems


def _latest_values(frame: pd.DataFrame) -> pd.Series:
    """The latest vintage's value of each observation date of one series, by date."""
    latest = frame.sort_values(["date", "realtime_start"]).drop_duplicates("date", keep="last")
    return latest.set_index("date")["value"]


def macro_problems(con: duckdb.DuckDBPyConnection, provenance: Provenance) -> list[str]:
    """The staged macro rows (``changed``) outside their series' range, or a jump beyond
    ``jump_multiple`` times the largest move in the stored history, each described."""
    changed = con.execute(
        "select series_id, date, realtime_start, value from changed order by all"
    ).df()
    if changed.empty:
        return []
    stored = con.execute(
        """
        select series_id, date, realtime_start, value from raw.macro_observations m
        where series_id in (select distinct series_id from changed)
            and not exists (select 1 from changed c where c.series_id = m.series_id
                and c.date = m.date and c.realtime_start = m.realtime_start)
            and not exists (select 1 from doomed d where d.series_id = m.series_id
                and d.date = m.date and d.realtime_start = m.realtime_start)
        """
    ).df()
    ranges = reference.macro_series().set_index("series_id")[["plausible_min", "plausible_max"]]
    multiple = bounds()[("jump_multiple", "macro")]
    problems = []
    for series_id, rows in changed.groupby("series_id", sort=True):
        low, high = (float(v) for v in ranges.loc[series_id])
        outside = ~rows["value"].between(low, high)
        for row in rows[outside].itertuples(index=False):
            problems.append(
                f"{provenance.where(series_id, row.date)}: {series_id} {row.value:g} for"
                f" {_day(row.date)} is outside its plausible range [{low:g}, {high:g}]"
                " (plausible_min/max in dbt_models/seeds/macro_series.csv)"
            )
        history = stored[stored["series_id"] == series_id]
        before = _latest_values(history)
        largest = before.diff().abs().max()
        if len(before) <= HISTORY_MIN_MOVES or not largest > 0:
            continue  # too short a history to judge a jump
        after = _latest_values(pd.concat([history, rows[~outside]]))
        judged = rows[~outside]
        at = after.index.searchsorted(judged["date"]) - 1  # the observation before each
        has = at >= 0
        judged, at = judged[has], at[has]
        previous = after.to_numpy()[at]
        move = judged["value"].to_numpy() - previous
        for row, prev_value, prev_day, m in zip(
            judged.itertuples(index=False), previous, after.index[at], move, strict=True
        ):
            if abs(m) > multiple * largest:
                problems.append(
                    f"{provenance.where(series_id, row.date)}: {series_id} {row.value:g} for"
                    f" {_day(row.date)} moves {m:+g} from {prev_value:g} ({_day(prev_day)}),"
                    f" {abs(m) / largest:.0f} times the largest move in its stored history"
                    f" ({largest:g}; blocked beyond {multiple:g} times: load_bounds.csv)"
                )
    return problems


def problems(con: duckdb.DuckDBPyConnection, table: str, provenance: Provenance) -> list[str]:
    """The staged rows of a load into ``raw.<table>`` that are implausible, described."""
    if table == "prices":
        return price_problems(con, provenance)
    if table == "macro_observations":
        return macro_problems(con, provenance)
    return []
